"""The SQLite search (FTS5 index of stemmed words): what deriving the index
costs a load, and what a search costs, side by side with the scan of the
case-folded search text it replaced (every word as the start of a word, by
LIKE). In process, no server: the embedded default serves one machine.

    .venv/bin/python bench/sqlite_search.py --documents 20000

Builds /tmp/agreement_sqlite_search.db (dropped first): migrations, the Astana
fixtures, `generate_sample_data N`.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = Path("/tmp/agreement_sqlite_search.db")
QUERIES = ["энергетика", "образованию", "education", "agreements", "авиация", "соглаш"]


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def median_ms(compute, runs):
    compute()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        compute()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), sorted(times)[int(runs * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    DATABASE.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DATABASE}", "DJANGO_DEBUG": "1"}
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", "astana-2023")
    started = time.perf_counter()
    manage(env, "generate_sample_data", str(args.documents), "--seed", "1", "--force")
    generated = time.perf_counter() - started

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Q

    from agreements.models import Document
    from agreements.querysets import normalize

    def like(query):
        qs = Document.objects.all()
        for word in normalize(query).split():
            qs = qs.filter(
                Q(search_text__startswith=word) | Q(search_text__contains=f" {word}")
            )
        return qs

    def page(qs):
        return lambda: (list(qs.values_list("pk", flat=True)[:25]), qs.count())

    total = Document.objects.count()
    print(
        f"{total} documents; generate_sample_data {args.documents}: {generated:.1f} s"
    )
    print(
        "| query | FTS5 stemmed: matches | p50 ms | p95 ms | LIKE: matches | p50 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for query in QUERIES:
        stemmed, scanned = Document.objects.search(query), like(query)
        fts = median_ms(page(stemmed), args.runs)
        scan = median_ms(page(scanned), args.runs)
        print(
            f"| `{query}` | {stemmed.count()} | {fts[0]:.1f} | {fts[1]:.1f} "
            f"| {scanned.count()} | {scan[0]:.1f} |"
        )


if __name__ == "__main__":
    main()
