"""Latency of the main pages and API calls with many documents, through gunicorn
on PostgreSQL. Sequential requests from one client, after a warm-up.

    .venv/bin/python bench/pages.py --documents 20000 --requests 50
"""

import argparse
import time

import requests
from common import bench_env, percentile, prepare_database, start_server

DATABASE, PORT = "agreement_bench", 8766
URLS = [
    "/en/documents/",
    "/en/documents/?sector=energy&ordering=title",
    "/ru/documents/?q=соглашение",
    "/en/documents/astana-2023-tpp-memorandum/",
    "/en/sectors/energy/",
    "/api/v1/documents/?page_size=100",
    "/api/v1/documents/?q=cooperation&in_force_on=2024-01-01",
    "/api/v1/documents/astana-2023-tpp-memorandum/",
]
EXPORT = "/api/v1/documents/export/?format=csv"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    env = bench_env(DATABASE, PORT)
    prepare_database(env, DATABASE, args.documents)
    server = start_server(env, PORT, workers=1, threads=1)
    session = requests.Session()
    try:
        print(f"\n{'url':62} {'p50 ms':>7} {'p95 ms':>7}")
        for url in URLS:
            for _ in range(3):
                session.get(f"http://127.0.0.1:{PORT}{url}").raise_for_status()
            times = []
            for _ in range(args.requests):
                started = time.perf_counter()
                session.get(f"http://127.0.0.1:{PORT}{url}").raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"{url:62} {percentile(times, 0.5):7.0f} {percentile(times, 0.95):7.0f}"
            )
        started = time.perf_counter()
        response = session.get(f"http://127.0.0.1:{PORT}{EXPORT}", stream=True)
        rows = sum(chunk.count(b"\n") for chunk in response.iter_content(65536)) - 1
        print(f"\nCSV export of all {rows} rows: {time.perf_counter() - started:.1f} s")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
