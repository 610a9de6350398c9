"""EXPLAIN the queries of the list, filter and search pages, and say which ones
scan the whole documents table.

    DATABASE_URL=postgres://root@127.0.0.1:5432/agreement_scale \\
        .venv/bin/python bench/explain.py

Uses the database as it is (run `bench/scale.py` first to fill it). Prints each
query's plan summary and exits non-zero if a page query reads
`agreements_document` or `agreements_participation` with a sequential scan.
With `--full`, every plan whole (what bench/README.md records at a million);
queries given as arguments (`country=KZ`) instead of the list below.
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
django.setup()

from django.db import connection  # noqa: E402
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
    "identifier=adilet:Z1300000117",
]


SCANNED = ("agreements_document", "agreements_participation")


def explain_count(queryset):
    """EXPLAIN ANALYZE of the queryset's COUNT(*), as the paginator asks it."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql}) AS counted", params
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    full = "--full" in sys.argv
    pages = [arg for arg in sys.argv[1:] if not arg.startswith("--")] or PAGES
    scans = []
    total = Document.objects.count()
    print(f"{total:,} documents\n")
    for query in pages:
        rows = DocumentFilter(QueryDict(query), queryset=Document.objects.all()).qs
        for what in ["page", "count"]:
            if what == "count":
                plan = explain_count(rows)
            else:
                plan = rows[:25].explain(analyze=True)
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
        f"\n{len(scans)} of {2 * len(pages)} queries scan documents or participations"
    )
    for scan in scans:
        print(f"  {scan}")
    return 1 if scans else 0


if __name__ == "__main__":
    sys.exit(main())
