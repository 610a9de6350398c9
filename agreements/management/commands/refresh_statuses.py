from django.core.management.base import BaseCommand

from agreements.lifecycle import status_from_events
from agreements.models import Document


class Command(BaseCommand):
    help = (
        "Recompute the stored status of every document from its events, for events "
        "dated in the future when they were entered. Run daily (cron, systemd timer)."
    )

    def handle(self, *args, **options):
        changed = 0
        documents = Document.objects.prefetch_related("events").only("pk", "status")
        for document in documents.iterator(chunk_size=1000):
            status = status_from_events(document.events.all())
            if status != document.status:
                Document.objects.filter(pk=document.pk).update(status=status)
                changed += 1
        self.stdout.write(self.style.SUCCESS(f"{changed} status(es) changed."))
