import random
import time

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.dateparse import parse_datetime

from agreements.derive import (
    BATCH,
    differences,
    facet_count_differences,
    facet_counts_add,
)
from agreements.management.progress import ProgressCommand
from agreements.marks import mark
from agreements.models import Document

SHOWN = 60  # characters of a value shown in a difference


def short(value):
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


class Command(ProgressCommand, BaseCommand):
    help = (
        "Recompute every derived value of the documents (status, search text and "
        "vector, facet keys and counts, stored API records and rows, CSV lines) "
        "and print each that differs from what is stored, by document and column. "
        "Exits 1 if any differs. Run after a deploy or a restore; --fix stores them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample", type=int, metavar="N", help="check N documents drawn at random"
        )
        parser.add_argument(
            "--since",
            metavar="WHEN",
            help="check documents updated at or after WHEN (ISO 8601, UTC)",
        )
        parser.add_argument(
            "--fix", action="store_true", help="store the recomputed values"
        )

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, sample=None, since=None, fix=False, **options):
        documents = Document.objects.order_by("pk")
        if since:
            try:
                when = parse_datetime(since)
            except ValueError:
                when = None
            if when is None:
                raise CommandError(f"--since {since!r}: give an ISO 8601 date-time.")
            documents = documents.filter(updated_at__gte=when)
        pks = list(documents.values_list("pk", flat=True))
        if sample is not None:
            if sample < 1:
                raise CommandError("--sample must be at least 1.")
            pks = sorted(random.sample(pks, min(sample, len(pks))))
        started, found = time.monotonic(), []
        for done in range(0, len(pks), BATCH):
            batch = pks[done : done + BATCH]
            stale = differences(batch)
            found += stale
            if fix and stale:
                with transaction.atomic():  # derived as it commits
                    mark(DEFAULT_DB_ALIAS, {pk for pk, *_ in stale}, touch=False)
            self.progress("documents checked", done + len(batch), len(pks), started)
        for pk, slug, column, stored, expected in found:
            self.stdout.write(
                f"{slug} (id {pk}) {column}: stored {short(stored)}, "
                f"expected {short(expected)}"
            )
        counts = []
        if sample is None and not since:  # the counts sum every document
            counts = facet_count_differences()
            for key, stored, expected in counts:
                self.stdout.write(
                    f"facet count {key}: stored {stored}, expected {expected}"
                )
            if fix and counts:
                with transaction.atomic():
                    facet_counts_add(
                        {key: expected - stored for key, stored, expected in counts}
                    )
        documents_off = len({pk for pk, *_ in found})
        summary = (
            f"{len(pks)} document(s) checked: {len(found)} derived value(s) differ "
            f"in {documents_off} document(s); {len(counts)} facet count(s) differ."
        )
        if not (found or counts):
            self.stdout.write(self.style.SUCCESS(summary))
        elif fix:
            self.stdout.write(self.style.SUCCESS(summary + " Fixed."))
        else:
            raise CommandError(summary + " Run with --fix to store them.")
