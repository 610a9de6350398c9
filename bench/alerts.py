"""How long `send_alerts` and `deliver_webhooks` take: a database of their own
(`agreement_alerts`) with N sample documents, S subscribers (each following a
sector and a country), W webhooks; C documents changed; mails go to an aiosmtpd
server and POSTs to a receiver thread, both on loopback.

    .venv/bin/python bench/alerts.py --documents 2000 --subscribers 500 --changes 50
"""

import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_env, manage, prepare_database, shell  # noqa: E402
from tests import smtp  # noqa: E402

SETUP = """
from django.contrib.auth.models import User
from agreements.models import Document, Sector, Subscriber, Subscription, Webhook
from django.db import transaction
sectors = list(Sector.objects.values_list('slug', flat=True))
owner = User.objects.create_user('bench-hooks')
with transaction.atomic():
    for n in range({subscribers}):
        s = Subscriber.objects.create(email=f'r{{n}}@example.org', language='ru en kk'.split()[n % 3])
        Subscription.objects.create(subscriber=s, kind='sector', value=sectors[n % len(sectors)])
        Subscription.objects.create(subscriber=s, kind='country', value='KZ RU'.split()[n % 2])
    for n in range({webhooks}):
        Webhook.objects.create(owner=owner, url='{hook}', filter=f'sector={{sectors[n % len(sectors)]}}')
for d in Document.objects.order_by('?')[:{changes}]:
    d.title_en = d.title_en + ' (revised)'
    d.save()
print('ok')
"""


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--webhooks", type=int, default=20)
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    inbox = smtp.Inbox()
    controller = smtp.start(inbox)
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    env = bench_env("agreement_alerts", 0)
    env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{controller.port}",
        SITE_URL="https://tracker.example.org",
        WEBHOOK_ALLOW_PRIVATE="1",
    )
    prepare_database(env, "agreement_alerts", args.documents)
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    shell(env, SETUP.format(hook=hook, **vars(args)))
    for command in ("send_alerts", "deliver_webhooks"):
        started = time.perf_counter()
        manage(env, command)
        print(f"{command}: {time.perf_counter() - started:.1f} s")
    print(f"mails received: {len(inbox.messages)}")
    controller.stop()


if __name__ == "__main__":
    main()
