import datetime
import time

from django.core.management.base import BaseCommand, no_translations
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.db.models.functions import TruncDate

from agreements.derive import BATCH
from agreements.management.progress import ProgressCommand
from agreements.marks import mark
from agreements.models import Document, LifecycleEvent, Status


class Command(ProgressCommand, BaseCommand):
    help = (
        "Bring stored statuses up to date with events entered ahead of their date, "
        "once the date has come. Run daily (cron, systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="check every document, not only those "
            "with events entered ahead of their date",
        )

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, all=False, **options):
        if all:
            pks = list(Document.objects.order_by("pk").values_list("pk", flat=True))
            started = time.monotonic()
            for done in range(0, len(pks), BATCH):
                with transaction.atomic():  # derived as it commits
                    mark(DEFAULT_DB_ALIAS, pks[done : done + BATCH], touch=False)
                self.progress("documents re-derived", done + BATCH, len(pks), started)
            self.stdout.write(self.style.SUCCESS(f"{len(pks)} document(s) re-derived."))
            return
        today = datetime.date.today()
        documents = Document.objects.only(
            "pk", "status", "expected_in_force_on"
        ).prefetch_related("events", "participations")
        ahead = LifecycleEvent.objects.filter(
            occurred_on__lte=today, occurred_on__gt=TruncDate("created_at")
        )
        # The day an entry-into-force rule gives may have come since.
        rule_day_come = Q(expected_in_force_on__lte=today) & ~Q(status=Status.IN_FORCE)
        documents = documents.filter(Q(pk__in=ahead.values("document")) | rule_day_come)
        checked, stale = 0, []
        for document in documents.iterator(chunk_size=2000):
            checked += 1
            if document.status_on(today) != document.status:
                stale.append(document.pk)
        with transaction.atomic():  # derived (and touched) as it commits
            mark(DEFAULT_DB_ALIAS, stale)
        self.stdout.write(
            self.style.SUCCESS(
                f"{checked} document(s) checked, {len(stale)} status(es) changed."
            )
        )
