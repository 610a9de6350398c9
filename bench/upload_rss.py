"""Peak memory of storing a hostile file: `manage.py attach_text` and an admin
upload through a real gunicorn server, for a DOCX zip bomb and a 200 MB file.

    .venv/bin/python bench/upload_rss.py [--code DIR] [--label NAME]

`--code` is the checkout whose code is measured (default: this one), e.g. a
clone of an older commit. Each run uses a fresh SQLite database and media
folder under a temporary directory, production settings, one gunicorn sync
worker. Peak RSS is the largest sum of the resident memory of the process and
all its descendants (the extraction's child process included), polled from
/proc every 10 ms. Nothing here is imported by the application.
"""

import argparse
import io
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.files import make_docx_bomb  # noqa: E402

PYTHON = sys.executable
PORT = 8923
MB = 1 << 20


def tree_rss(pid):
    """Resident bytes of `pid` and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        if found := re.search(r"VmRSS:\s+(\d+) kB", status):
            total += int(found.group(1)) * 1024
    return total


class Peak(threading.Thread):
    """Polls the tree RSS of `pid` until stopped; `.peak` in bytes."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.01)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def environment(folder):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "DJANGO_MEDIA_ROOT": str(Path(folder) / "media"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "ERROR",
        "API_ANON_RATE": "1000000/min",
        "CACHE_URL": "locmemcache://",
    }


def prepare(code, env):
    def manage(*args):
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=code,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    manage("loaddata", "astana-2023")
    script = (
        "from django.contrib.auth.models import User;"
        "User.objects.create_superuser('bench', 'b@example.org', 'bench-password')"
    )
    manage("shell", "-c", script)
    database = sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))
    return database.execute("SELECT id, slug FROM agreements_document").fetchall()


def attach_text(code, env, slug, path, limit):
    command = [PYTHON, "manage.py", "attach_text", slug, str(path)]
    process = subprocess.Popen(
        command,
        cwd=code,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = Peak(process.pid)
    peak.start()
    started = time.perf_counter()
    try:
        out = process.communicate(timeout=limit)[0].strip().splitlines()[-1:]
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        out = [f"killed after {limit} s"]
    return peak.stop(), time.perf_counter() - started, out


class FormFields(HTMLParser):
    """The values a browser would send back for the change form."""

    def __init__(self):
        super().__init__()
        self.data, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append(
                (name, a.get("value", "on" if a.get("type") == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.data.append((self.select, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            name, value = self.data[-1]
            self.data[-1] = (name, value + data)


def admin_upload(session, base, cookies, pk, name, content):
    url = f"{base}/admin/agreements/document/{pk}/change/"
    page = session.get(url, cookies=cookies)
    form = FormFields()
    form.feed(page.text)
    data = [(k, v) for k, v in form.data if not k.startswith("texts-")]
    data += [
        ("texts-TOTAL_FORMS", "1"),
        ("texts-INITIAL_FORMS", "0"),
        ("texts-0-language", "en"),
        ("texts-0-kind", "official"),
    ]
    files = {"texts-0-file": (name, io.BytesIO(content))}
    return session.post(
        url, data=data, files=files, cookies=cookies, allow_redirects=False
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--label", default="this branch")
    parser.add_argument("--bomb-mb", type=int, default=400, help="its expanded size")
    parser.add_argument("--limit", type=int, default=600, help="seconds per step")
    args = parser.parse_args()
    code = args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="upload-rss-") as folder:
        env = environment(folder)
        documents = prepare(code, env)
        bomb = Path(folder) / "bomb.docx"
        bomb.write_bytes(make_docx_bomb(args.bomb_mb * MB))
        big = Path(folder) / "big.txt"
        with big.open("wb") as out:
            line = b"two hundred megabytes of plain text, line after line\n"
            for _ in range(200 * MB // len(line) + 1):
                out.write(line)
        inputs = [
            (
                bomb,
                "DOCX zip bomb",
                f"{bomb.stat().st_size // 1024} KB → {args.bomb_mb} MB",
            ),
            (big, "plain text", f"{big.stat().st_size / MB:.0f} MB"),
        ]
        rows = []
        for n, (path, kind, size) in enumerate(inputs):
            peak, seconds, last = attach_text(
                code, env, documents[n][1], path, args.limit
            )
            rows.append(("attach_text", kind, size, peak, seconds, last))
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "tracker.wsgi",
                "-b",
                f"127.0.0.1:{PORT}",
                "-w",
                "1",
                "--timeout",
                "300",
            ],
            cwd=code,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{PORT}"
            session = requests.Session()
            for _ in range(100):
                try:
                    login = session.get(f"{base}/admin/login/")
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            cookies = login.cookies.get_dict()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
            answer = session.post(
                f"{base}/admin/login/?next=/admin/",
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "username": "bench",
                    "password": "bench-password",
                },
                cookies=cookies,
                allow_redirects=False,
            )
            cookies.update(answer.cookies.get_dict())
            assert answer.status_code == 302, answer.status_code
            for n, (path, kind, size) in enumerate(inputs, 2):
                worker = Peak(server.pid)
                before = tree_rss(server.pid)
                worker.start()
                started = time.perf_counter()
                response = admin_upload(
                    session,
                    base,
                    cookies,
                    documents[n][0],
                    path.name,
                    path.read_bytes(),
                )
                seconds = time.perf_counter() - started
                peak = worker.stop()
                outcome = f"HTTP {response.status_code}"
                if "UPLOAD_MAX_BYTES" in response.text:
                    outcome += " (refused: UPLOAD_MAX_BYTES)"
                rows.append(
                    (
                        "admin upload",
                        kind,
                        size,
                        peak,
                        seconds,
                        [outcome, f"server before: {before / MB:.0f} MB"],
                    )
                )
        finally:
            server.terminate()
            server.wait()
        print(f"\n{args.label}: peak RSS (process and children)\n")
        print("| path | input | size | peak RSS | seconds | outcome |")
        print("|---|---|---|---:|---:|---|")
        for path, kind, size, peak, seconds, last in rows:
            print(
                f"| {path} | {kind} | {size} | {peak / MB:.0f} MB | {seconds:.1f} "
                f"| {'; '.join(last)} |"
            )


if __name__ == "__main__":
    main()
