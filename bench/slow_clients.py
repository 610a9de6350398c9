"""Slow clients on exports: two clients read the CSV export at a trickle while a
normal page is asked for, against gunicorn with sync workers, then with gthread
workers (same number of processes). Reports how long the page waited and whether
each slow download arrived whole.

    .venv/bin/python bench/slow_clients.py --documents 10000 --rate 65536

Loopback only; the database `h23_cache_slow_clients` is dropped and rebuilt.
"""

import argparse
import socket
import threading
import time

import requests
from common import bench_env, prepare_database, start_server, stop

DATABASE, PORT = "h23_cache_slow_clients", 18723
EXPORT = "/en/documents/export.csv"
PAGE = "/en/documents/astana-2023-tpp-memorandum/"
SERVERS = [  # (label, worker class, workers, threads)
    ("sync, 2 workers", "sync", 2, 1),
    ("gthread, 2 workers × 4 threads", "gthread", 2, 4),
]


def slow_download(rate, result):
    """GET the export, reading at most `rate` bytes a second with a small
    receive buffer (a phone on a poor line): the server's writes block."""
    started = time.monotonic()
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", PORT))
        request = (
            f"GET {EXPORT} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(request.encode())
        received, tail = 0, b""
        while chunk := sock.recv(4096):
            received += len(chunk)
            tail = (tail + chunk)[-64:]
            time.sleep(len(chunk) / rate)
    result.update(
        seconds=time.monotonic() - started,
        bytes=received,
        # Chunked transfer: a whole body ends with the zero-length chunk.
        whole=tail.endswith(b"0\r\n\r\n"),
        marked=b"DOWNLOAD INCOMPLETE" in tail,
    )


def timed_get(path):
    started = time.monotonic()
    status = requests.get(f"http://127.0.0.1:{PORT}{path}", timeout=300).status_code
    return status, time.monotonic() - started


def run(env, label, worker_class, workers, threads, rate):
    server = start_server(
        env, PORT, workers=workers, threads=threads, worker_class=worker_class
    )
    try:
        status, quiet = timed_get(PAGE)  # warm, and the page's time alone
        export_bytes = len(requests.get(f"http://127.0.0.1:{PORT}{EXPORT}").content)
        results = [{}, {}]
        slow = [threading.Thread(target=slow_download, args=(rate, r)) for r in results]
        for thread in slow:
            thread.start()
        time.sleep(2)  # both downloads under way
        status, waited = timed_get(PAGE)
        for thread in slow:
            thread.join()
    finally:
        stop(server)
    return {
        "label": label,
        "quiet": quiet,
        "waited": waited,
        "status": status,
        "export_bytes": export_bytes,
        "downloads": results,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--rate", type=int, default=65536, help="bytes/s per client")
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args()
    env = {
        **bench_env(DATABASE, PORT),
        "EXPORT_RATE": "100000/min",
        "CACHE_URL": "rediscache://127.0.0.1:6379/11",
    }
    if not args.skip_prepare:
        prepare_database(env, DATABASE, args.documents)
    rows = [run(env, *server, args.rate) for server in SERVERS]
    print(f"\nTwo clients reading {EXPORT} at {args.rate} bytes/s each:\n")
    print("| server | page alone, s | page during the downloads, s | downloads |")
    print("|---|---:|---:|---|")
    for row in rows:
        downloads = "; ".join(
            f"{d['bytes']:,} of ~{row['export_bytes']:,} B in {d['seconds']:.0f} s, "
            + ("whole" if d["whole"] else "CUT")
            + (" (marked)" if d["marked"] else "")
            for d in row["downloads"]
        )
        print(
            f"| {row['label']} | {row['quiet']:.2f} | {row['waited']:.2f} "
            f"(status {row['status']}) | {downloads} |"
        )


if __name__ == "__main__":
    main()
