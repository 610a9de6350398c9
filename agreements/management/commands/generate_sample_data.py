"""Bulk synthetic documents for load tests and benchmarks — never for the real site."""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agreements.models import (
    DeletedDocument,
    Document,
    LifecycleEvent,
    Participation,
    Party,
    Sector,
    Status,
)

PREFIX = "sample-"
BATCH = 1000


class Command(BaseCommand):
    help = (
        "Create N synthetic documents (slugs start with 'sample-') with parties, sectors "
        "and a signing event, for benchmarks. --delete removes them again."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, nargs="?", default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--delete", action="store_true", help="remove sample documents"
        )

    def handle(self, *args, count, seed, delete, **options):
        if delete:
            samples = Document.objects.filter(slug__startswith=PREFIX)
            DeletedDocument.objects.bulk_create(  # tombstones for sync clients
                DeletedDocument(slug=slug)
                for slug in samples.values_list("slug", flat=True)
            )
            deleted, _ = samples.delete()
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} rows."))
            return
        parties, sectors = list(Party.objects.all()), list(Sector.objects.all())
        if len(parties) < 2 or not sectors:
            raise CommandError(
                "Load the fixtures first: manage.py loaddata astana-2023"
            )
        rng = random.Random(seed)
        start = Document.objects.filter(slug__startswith=PREFIX).count()
        kinds, levels = Document.Kind.values, Document.Level.values
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                docs = Document.objects.bulk_create(
                    [
                        self._document(rng, start + done + i, kinds, levels)
                        for i in range(size)
                    ]
                )
                Participation.objects.bulk_create(
                    Participation(document=d, party=p, role="party", position=n)
                    for d in docs
                    for n, p in enumerate(rng.sample(parties, 2), 1)
                )
                Document.sectors.through.objects.bulk_create(
                    Document.sectors.through(document=d, sector=rng.choice(sectors))
                    for d in docs
                )
                LifecycleEvent.objects.bulk_create(
                    LifecycleEvent(document=d, kind="signed", occurred_on=d.signed_on)
                    for d in docs
                )
            done += size
            self.stdout.write(f"  {done}/{count} documents")
        self.stdout.write(self.style.SUCCESS(f"Created {count} sample documents."))

    def _document(self, rng, n, kinds, levels):
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(9000))
        title = f"Образец соглашения {n} о сотрудничестве"
        doc = Document(
            slug=f"{PREFIX}{n}",
            title_ru=title,
            title_en=f"Sample cooperation agreement {n}",
            title_status="official",
            kind=rng.choice(kinds),
            legal_level=rng.choice(levels),
            signed_on=day,
            status=Status.SIGNED,
        )
        doc.search_text = doc.build_search_text()
        return doc
