"""Soak: mixed public reads and analyst writes for several minutes against gunicorn
on PostgreSQL, restarting PostgreSQL once in the middle. Reports requests, errors
and whether every acknowledged write survived.

    .venv/bin/python bench/soak.py --minutes 3

Loopback only; needs root (or the postgres user) to restart the local cluster.
"""

import argparse
import collections
import json
import random
import subprocess
import threading
import time
import uuid

import requests
from common import (
    analyst_token,
    bench_env,
    percentile,
    prepare_database,
    shell,
    start_server,
)

DATABASE, PORT = "agreement_soak", 8765
BASE = f"http://127.0.0.1:{PORT}"
READS = [
    "/api/v1/documents/?page_size=50",
    "/api/v1/documents/?sector=energy",
    "/api/v1/documents/?q=соглашение&ordering=-signed_on",
    "/api/v1/documents/astana-2023-tpp-memorandum/",
    "/en/documents/?sector=energy",
    "/ru/documents/?q=кокшетау",
    "/en/occasions/astana-official-visit-2023-11-09/",
]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = collections.Counter()
        self.latencies = []
        self.created = set()  # slugs acknowledged with 201
        self.last_title = {}  # slug -> last title acknowledged with 200

    def record(self, started, outcome):
        with self.lock:
            self.requests += 1
            self.latencies.append(time.perf_counter() - started)
            if outcome:
                self.errors[outcome] += 1


def reader(stop, stats):
    session = requests.Session()
    while not stop.is_set():
        started = time.perf_counter()
        try:
            r = session.get(BASE + random.choice(READS), timeout=10)
            stats.record(
                started, None if r.status_code == 200 else f"read {r.status_code}"
            )
        except requests.RequestException as exc:
            stats.record(started, f"read {type(exc).__name__}")


def writer(stop, stats, token, n):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    own = f"soak-{n}-{uuid.uuid4().hex[:8]}"
    edits = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            if own not in stats.created:
                r = session.post(
                    f"{BASE}/api/v1/documents/",
                    timeout=10,
                    json={"slug": own, "kind": "agreement", "title_en": "v0"},
                )
                if r.status_code == 201:
                    with stats.lock:
                        stats.created.add(own)
                        stats.last_title[own] = "v0"
                stats.record(
                    started, None if r.status_code == 201 else f"create {r.status_code}"
                )
            elif random.random() < 0.3:
                slug = f"soak-new-{uuid.uuid4().hex}"
                r = session.post(
                    f"{BASE}/api/v1/documents/",
                    timeout=10,
                    json={"slug": slug, "kind": "memorandum"},
                )
                if r.status_code == 201:
                    with stats.lock:
                        stats.created.add(slug)
                stats.record(
                    started, None if r.status_code == 201 else f"create {r.status_code}"
                )
            else:
                current = session.get(f"{BASE}/api/v1/documents/{own}/", timeout=10)
                edits += 1
                title = f"v{edits}"
                r = session.patch(
                    f"{BASE}/api/v1/documents/{own}/",
                    json={"title_en": title},
                    headers={"If-Match": current.headers.get("ETag", "")},
                    timeout=10,
                )
                if r.status_code == 200:
                    with stats.lock:
                        stats.last_title[own] = title
                stats.record(
                    started, None if r.status_code == 200 else f"edit {r.status_code}"
                )
        except requests.RequestException as exc:
            stats.record(started, f"write {type(exc).__name__}")
        time.sleep(0.05)


def restart_postgres():
    version = subprocess.run(
        ["ls", "/etc/postgresql"], capture_output=True, text=True
    ).stdout.split()[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--documents", type=int, default=5000)
    args = parser.parse_args()

    env = bench_env(DATABASE, PORT)
    prepare_database(env, DATABASE, args.documents)
    token = analyst_token(env)
    server = start_server(env, PORT)
    stats, stop = Stats(), threading.Event()
    threads = [
        threading.Thread(target=reader, args=(stop, stats)) for _ in range(args.readers)
    ]
    threads += [
        threading.Thread(target=writer, args=(stop, stats, token, n))
        for n in range(args.writers)
    ]
    duration = args.minutes * 60
    try:
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(duration / 2)
        print(f"{time.monotonic() - started:5.0f}s  restarting PostgreSQL…")
        restart_postgres()
        print(f"{time.monotonic() - started:5.0f}s  PostgreSQL is back")
        while time.monotonic() - started < duration:
            time.sleep(5)
            print(
                f"{time.monotonic() - started:5.0f}s  {stats.requests} requests, "
                f"{sum(stats.errors.values())} errors"
            )
        stop.set()
        for t in threads:
            t.join()
        healthy = requests.get(f"{BASE}/healthz", timeout=5).json()
    finally:
        stop.set()
        server.terminate()
        server.wait(10)

    # Every acknowledged write must be in the database.
    code = (
        "import json;from agreements.models import Document;"
        "rows=dict(Document.objects.filter(slug__startswith='soak-').values_list('slug','title_en'));"
        "print(json.dumps(rows))"
    )
    stored = json.loads(shell(env, code))
    lost_creates = sorted(s for s in stats.created if s not in stored)
    lost_edits = sorted(s for s, t in stats.last_title.items() if stored.get(s) != t)
    print()
    print(
        f"duration           {args.minutes:.1f} min, {args.readers} readers, {args.writers} writers"
    )
    print(f"requests           {stats.requests} ({stats.requests / duration:.0f}/s)")
    print(
        f"latency p50 / p95  {percentile(stats.latencies, 0.5) * 1000:.0f} ms / "
        f"{percentile(stats.latencies, 0.95) * 1000:.0f} ms"
    )
    print(f"errors             {sum(stats.errors.values())} {dict(stats.errors)}")
    print(
        f"acknowledged       {len(stats.created)} creates, {len(stats.last_title)} edited documents"
    )
    print(f"lost               {len(lost_creates)} creates, {len(lost_edits)} edits")
    print(f"health after       {healthy}")
    raise SystemExit(1 if lost_creates or lost_edits else 0)


if __name__ == "__main__":
    main()
