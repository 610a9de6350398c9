"""Shared set-up for the benchmark and soak scripts: a PostgreSQL database of their
own, a gunicorn server on loopback, an analyst token. Nothing here is imported by
the application."""

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PG = "postgres://root@127.0.0.1:5432/{name}"


def bench_env(database, port):
    return {
        **os.environ,
        "DATABASE_URL": PG.format(name=database),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": "rediscache://127.0.0.1:6379/3",
        "API_ANON_RATE": "1000000/min",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def manage(env, *args, quiet=True):
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def ensure_rum():
    """PostgreSQL's RUM extension, which migration 0019 builds search's ranking
    index with (without it searches rank every match: not what is measured)."""
    if not Path("/usr/share/postgresql/15/extension/rum.control").exists():
        print("Installing postgresql-15-rum…")
        subprocess.run(["apt-get", "install", "-y", "postgresql-15-rum"], check=True)


def ensure_wrk():
    """The HTTP load generator every latency bench runs (Debian's `wrk`)."""
    if not shutil.which("wrk"):
        print("Installing wrk…")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)


def prepare_database(env, database, documents, seed=1):
    """Drop and rebuild `database` with the fixtures and `documents` sample
    documents; returns the seconds `generate_sample_data` took."""
    print(f"Preparing {database} with {documents} sample documents…")
    ensure_rum()
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "root", "--if-exists", database], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "root", database], check=True)
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", "astana-2023")
    manage(env, "collectstatic", "--noinput")
    started = time.perf_counter()
    if documents:
        manage(
            env,
            "generate_sample_data",
            str(documents),
            "--seed",
            str(seed),
            "--force",  # next to the fixtures' real documents, on purpose
            quiet=False,
        )
    return time.perf_counter() - started


def analyst_token(env):
    code = (
        "from django.contrib.auth.models import Group, User;"
        "from rest_framework.authtoken.models import Token;"
        "u, _ = User.objects.get_or_create(username='bench-analyst', defaults={'is_staff': True});"
        "u.groups.add(Group.objects.get(name='Analysts'));"
        "print(Token.objects.get_or_create(user=u)[0].key)"
    )
    return shell(env, code)


def shell(env, code):
    """Run `code` in `manage.py shell`; the last line it prints."""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def start_server(env, port, workers=2, threads=4, worker_class="gthread", timeout=30):
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    log = open(
        ROOT / "bench" / "results" / "server.log", "a"
    )  # server's errors, not ours
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "tracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            worker_class,
            "--timeout",
            str(timeout),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=log,
    )
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not become healthy")


def stop(process, timeout=10):
    """Terminate a process we started, killing it if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values, p):
    values = sorted(values)
    return (
        values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")
    )
