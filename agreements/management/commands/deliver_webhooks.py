import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils import timezone

from agreements.management.progress import ProgressCommand
from agreements.models import Webhook
from agreements.webhooks import deliveries_queue, delivery_attempt, due_deliveries


class Command(ProgressCommand, BaseCommand):
    help = (
        "Queue the changes of each active webhook's documents, then POST the "
        "deliveries that are due (new ones and retries). Run every few minutes "
        "(cron, systemd timer); safe to run twice."
    )

    @no_translations
    def handle(self, *args, **options):
        if not settings.SITE_URL:
            raise CommandError("Set SITE_URL: the history links need the address.")
        origin = settings.SITE_URL.rstrip("/")
        now = timezone.now()
        hooks = Webhook.objects.filter(is_active=True).order_by("pk")
        queued = sum(
            deliveries_queue(pk, now, origin)
            for pk in hooks.values_list("pk", flat=True)
        )
        due = list(due_deliveries(now))
        delivered, started = 0, time.monotonic()
        for done, delivery in enumerate(due, 1):
            delivered += delivery_attempt(delivery, now)
            self.progress("deliveries", done, len(due), started)
        self.stdout.write(
            self.style.SUCCESS(
                f"{queued} change(s) queued; {len(due)} delivery(ies) due: "
                f"{delivered} delivered, {len(due) - delivered} to retry or given up."
            )
        )
