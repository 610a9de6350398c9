"""Load the sourced seed data into an empty database, and only there.

`make run` calls this on every start: once analysts have documents, it loads
nothing, so an edit is never overwritten by the fixture it started from.
The fixtures load in this order: each names only records of those before it
(parties, occasions and sources by natural key).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, no_translations

from agreements.models import Document

FIXTURES = [
    "astana-2023",
    "kz-ru-adilet",
    "kz-ru-pravo",
    "kz-ru-occasions",
    # Each party's domestic acts, the events' citations, identifiers and people.
    "kz-ru-adilet-acts",
    "kz-ru-pravo-acts",
    "kz-ru-occasions-acts",
]


class Command(BaseCommand):
    help = "Load the seed fixtures (fixtures/) if the database has no documents yet."

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, **options):
        if Document.objects.exists():
            self.stdout.write(
                f"Documents exist: {', '.join(FIXTURES)} not loaded (nothing overwritten)."
            )
            return
        call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
