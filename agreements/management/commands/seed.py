"""Load the sourced seed data into an empty database, and only there.

`make run` calls this on every start: once analysts have documents, it loads
nothing, so an edit is never overwritten by the fixture it started from.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, no_translations

from agreements.models import Document

FIXTURE = "astana-2023"


class Command(BaseCommand):
    help = "Load the astana-2023 fixture if the database has no documents yet."

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, **options):
        if Document.objects.exists():
            self.stdout.write(
                f"Documents exist: {FIXTURE} not loaded (nothing overwritten)."
            )
            return
        call_command("loaddata", FIXTURE, verbosity=options["verbosity"])
