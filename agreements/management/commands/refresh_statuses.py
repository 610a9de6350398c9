import datetime

from django.core.management.base import BaseCommand
from django.db.models.functions import TruncDate

from agreements.derive import documents_refresh
from agreements.lifecycle import status_from_events
from agreements.models import Document, LifecycleEvent


class Command(BaseCommand):
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

    def handle(self, *args, all=False, **options):
        if all:
            pks = list(Document.objects.values_list("pk", flat=True))
            documents_refresh(pks, touch=False)
            self.stdout.write(self.style.SUCCESS(f"{len(pks)} document(s) re-derived."))
            return
        documents = Document.objects.only("pk", "status").prefetch_related("events")
        ahead = LifecycleEvent.objects.filter(
            occurred_on__lte=datetime.date.today(),
            occurred_on__gt=TruncDate("created_at"),
        )
        documents = documents.filter(pk__in=ahead.values("document"))
        checked, stale = 0, []
        for document in documents.iterator(chunk_size=2000):
            checked += 1
            if status_from_events(document.events.all()) != document.status:
                stale.append(document.pk)
        documents_refresh(stale)
        self.stdout.write(
            self.style.SUCCESS(
                f"{checked} document(s) checked, {len(stale)} status(es) changed."
            )
        )
