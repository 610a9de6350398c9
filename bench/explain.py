"""EXPLAIN the queries of the list, filter and search pages, and say which ones
scan the whole documents table.

    DATABASE_URL=postgres://root@127.0.0.1:5432/agreement_scale \\
        .venv/bin/python bench/explain.py

Uses the database as it is (run `bench/scale.py` first to fill it). Prints each
query's plan summary and exits non-zero if a page query reads
`agreements_document` or `agreements_participation` with a sequential scan.
With `--full`, every plan whole (what bench/README.md records at a million).
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
django.setup()

from django.http import QueryDict  # noqa: E402

from agreements.filters import DocumentFilter  # noqa: E402
from agreements.models import Document  # noqa: E402

PAGES = [
    "",
    "ordering=title",
    "ordering=-updated",
    "kind=agreement",
    "status=in_force",
    "sector=energy",
    "country=KZ",
    "party=kazakhstan",
    "occasion=spief-2023",
    "year=2010",
    "in_force_on=2015-06-01",
    "as_of=2015-06-01",
    "status=in_force&as_of=2015-06-01",
    "signed_after=2020-01-01&signed_before=2020-12-31",
    "q=education",
    "q=образования",
    "q=education&kind=agreement",
]


SCANNED = ("agreements_document", "agreements_participation")


def main():
    full = "--full" in sys.argv
    scans = []
    total = Document.objects.count()
    print(f"{total:,} documents\n")
    for query in PAGES:
        rows = DocumentFilter(QueryDict(query), queryset=Document.objects.all()).qs
        for what, queryset in [("page", rows[:25]), ("count", rows.order_by())]:
            if what == "count":
                plan = queryset.values("pk").explain(analyze=True)
            else:
                plan = queryset.explain(analyze=True)
            seq = [
                line
                for line in plan.splitlines()
                if any(f"Seq Scan on {table} " in line for table in SCANNED)
            ]
            took = plan.strip().splitlines()[-1]
            print(f"?{query or '(everything)'} [{what}]: {took.strip()}")
            if full:
                print(plan + "\n")
            for line in seq:
                print(f"    SEQUENTIAL: {line.strip()}")
            if seq:
                scans.append(f"?{query} [{what}]")
    print(
        f"\n{len(scans)} of {2 * len(PAGES)} queries scan documents or participations"
    )
    for scan in scans:
        print(f"  {scan}")
    return 1 if scans else 0


if __name__ == "__main__":
    sys.exit(main())
