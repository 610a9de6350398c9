import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils import timezone

from agreements.alerts import digest_send, due
from agreements.management.progress import ProgressCommand


class Command(ProgressCommand, BaseCommand):
    help = (
        "Mail each subscriber whose day (or week) has come a digest of what changed "
        "since their last one. Safe to run twice; a failed send is retried on the "
        "next run. Run hourly or daily (cron, systemd timer)."
    )

    @no_translations  # the progress in English; each mail in its reader's language
    def handle(self, *args, **options):
        if not settings.SITE_URL:
            raise CommandError("Set SITE_URL: the links in the mails need the address.")
        origin = settings.SITE_URL.rstrip("/")
        until = timezone.now()
        due_pks = list(due(until).values_list("pk", flat=True))
        sent = empty = failed = 0
        histories = {}  # each changed document's history, read once per language
        started = time.monotonic()
        for done, pk in enumerate(due_pks, 1):
            try:
                if digest_send(pk, until, origin, histories):
                    sent += 1
                else:
                    empty += 1
            except Exception as exc:  # noqa: BLE001 - any refusal: retried next run
                failed += 1
                self.stderr.write(
                    f"Subscriber {pk}: not sent ({exc}); retried next run."
                )
            self.progress("subscribers", done, len(due_pks), started)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(due_pks)} subscriber(s) due: {sent} digest(s) sent, "
                f"{empty} without changes, {failed} failed."
            )
        )
        if failed:
            raise CommandError(f"{failed} digest(s) not sent.")
