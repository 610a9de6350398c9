"""Bulk synthetic documents for load tests and benchmarks — never for the real site.

Titles and summaries are drawn from a bilingual vocabulary with skewed
frequencies (Zipf-like), so a search term matches a few per cent of the rows, as
in real data, and not all of them or none.
"""

import datetime
import multiprocessing
import os
import random
import time

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import connection, connections, transaction

from agreements.data_version import announce_change
from agreements.lifecycle import EventKind
from agreements.management.bulk import indexes_built_after, indexes_dropped, insert
from agreements.management.progress import ProgressCommand
from agreements.models import (
    Citation,
    Document,
    LifecycleEvent,
    Participation,
    Party,
    Sector,
    Source,
)

PREFIX = "sample-"
BATCH = 5000  # documents per round of inserts

# (Russian, English): fields of cooperation, most frequent first.
TOPICS = [
    ("энергетики", "energy"),
    ("торговли", "trade"),
    ("транспорта и логистики", "transport and logistics"),
    ("сельского хозяйства", "agriculture"),
    ("образования", "education"),
    ("здравоохранения", "health care"),
    ("культуры", "culture"),
    ("науки и технологий", "science and technology"),
    ("промышленности", "industry"),
    ("туризма", "tourism"),
    ("спорта", "sport"),
    ("водных ресурсов", "water resources"),
    ("цифровизации", "digitalisation"),
    ("таможенного администрирования", "customs administration"),
    ("финансов и инвестиций", "finance and investment"),
    ("связи", "telecommunications"),
    ("охраны окружающей среды", "environmental protection"),
    ("космической деятельности", "space activities"),
    ("атомной энергетики", "nuclear power"),
    ("железнодорожного сообщения", "rail transport"),
    ("авиации", "civil aviation"),
    ("миграции", "migration"),
    ("молодёжной политики", "youth policy"),
    ("информационной безопасности", "information security"),
    ("геологии и недропользования", "geology and mineral resources"),
    ("нефтегазовой отрасли", "oil and gas"),
    ("угольной генерации", "coal-fired generation"),
    ("теплоснабжения", "district heating"),
    ("машиностроения", "mechanical engineering"),
    ("фармацевтики", "pharmaceuticals"),
]
KINDS = [
    ("Соглашение", "Agreement", Document.Kind.AGREEMENT),
    ("Меморандум о взаимопонимании", "Memorandum of understanding", "memorandum"),
    ("План действий", "Action plan", Document.Kind.ACTION_PLAN),
    ("Программа", "Programme", Document.Kind.PROGRAMME),
    ("Протокол", "Protocol", Document.Kind.PROTOCOL),
    ("Договор", "Treaty", Document.Kind.TREATY),
    ("Контракт", "Contract", Document.Kind.CONTRACT),
]
PLACES = [
    ("Москва", "Moscow"),
    ("Астана", "Astana"),
    ("Минск", "Minsk"),
    ("Ташкент", "Tashkent"),
    ("Бишкек", "Bishkek"),
    ("Душанбе", "Dushanbe"),
    ("Ереван", "Yerevan"),
    ("Баку", "Baku"),
    ("Санкт-Петербург", "Saint Petersburg"),
    ("Алматы", "Almaty"),
    ("Казань", "Kazan"),
    ("Омск", "Omsk"),
]
# Summary phrases: (Russian, English).
PHRASES = [
    (
        "Стороны договорились о совместных проектах",
        "The parties agreed on joint projects",
    ),
    ("предусмотрено строительство новых объектов", "new facilities are to be built"),
    ("создаётся рабочая группа", "a working group is set up"),
    ("определён порядок финансирования", "the financing arrangements are set out"),
    ("срок действия продлевается автоматически", "the term is renewed automatically"),
    ("стороны обмениваются информацией", "the parties exchange information"),
    ("предусмотрены поставки оборудования", "equipment deliveries are provided for"),
    ("проводятся совместные исследования", "joint research is carried out"),
    ("упрощается порядок пересечения границы", "border crossing is simplified"),
    ("создаётся совместное предприятие", "a joint venture is established"),
    ("организуется обучение специалистов", "training of specialists is organised"),
    ("стороны координируют позиции", "the parties coordinate their positions"),
]


def zipf_choice(rng, items):
    """Item i with probability proportional to 1 / (i + 1)."""
    weights = [1 / (i + 1) for i in range(len(items))]
    return rng.choices(items, weights=weights)[0]


class Command(ProgressCommand, BaseCommand):
    help = (
        "Create N synthetic documents (slugs start with 'sample-') with parties, "
        "sectors, events and a citation each, for benchmarks. Refuses a database "
        "holding real documents unless --force. --delete removes the samples."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, nargs="?", default=10_000)
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add samples even where real (non-sample) documents exist",
        )
        parser.add_argument(
            "--delete", action="store_true", help="remove sample documents"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count(),
            help="processes loading and deriving on PostgreSQL (default: one a core)",
        )

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, count, seed, force, delete, workers, **options):
        samples = Document.objects.filter(slug__startswith=PREFIX)
        if delete:
            deleted, _ = samples.delete()  # leaves tombstones (marks.after_delete)
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} rows."))
            return
        real = Document.objects.exclude(slug__startswith=PREFIX).count()
        if real and not force:
            raise CommandError(
                f"This database holds {real} real documents; sample data would mix "
                "with them. Use a separate database, or --force."
            )
        parties, sectors = list(Party.objects.all()), list(Sector.objects.all())
        if len(parties) < 2 or not sectors:
            raise CommandError(
                "Need at least two parties and a sector: manage.py loaddata astana-2023"
            )
        source, _ = Source.objects.get_or_create(
            slug=f"{PREFIX}source",
            defaults={"title": "Synthetic source for benchmarks", "language": "ru/en"},
        )
        first, started = samples.count(), time.monotonic()
        size = max(1, min(BATCH, -(-count // max(workers, 1))))
        chunks = [
            (seed, n, min(size, first + count - n), parties, sectors, source)
            for n in range(first, first + count, size)
        ]
        parallel = (
            connection.vendor == "postgresql"
            and workers > 1
            and len(chunks) > 1
            and not connection.in_atomic_block  # a caller's transaction (tests)
        )
        if parallel:
            self._load_in_parallel(chunks, count, workers, started)
        else:
            # All or nothing: a failed or interrupted run leaves the database
            # as it was.
            with transaction.atomic(), indexes_built_after(Document, self.stdout):
                done = 0
                for chunk in chunks:
                    done += load(*chunk)
                    self.progress("documents, derived", done, count, started)
        self._summary(count, started, workers if parallel else 1)

    def _load_in_parallel(self, chunks, count, workers, started):
        """Each chunk generated, loaded and derived by one of `workers`
        processes, in a transaction of its own (on its own connection), while
        the documents' table has no index but its constraints'; then the
        table is compacted and its indexes are built, once. A failed run
        leaves the chunks that committed (derived): --delete removes them."""
        self.stdout.write(
            f"  {count} documents in {len(chunks)} chunks, {workers} processes"
        )
        with indexes_dropped(Document, self.stdout, workers) as rebuild:
            connections.close_all()  # a forked process must not share the socket
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, initializer=forget_inherited) as pool:
                done = 0
                for loaded in pool.imap_unordered(load_chunk, chunks):
                    done += loaded
                    self.progress("documents, derived", done, count, started)
            compacted = time.monotonic()
            with connection.cursor() as cursor:
                # Deriving wrote every document's row again: the table is
                # rewritten without the dead copies before its indexes are
                # built (676 MB for 188 MB of rows at 100,000).
                cursor.execute(f"VACUUM FULL {Document._meta.db_table}")
            self.stdout.write(
                f"\n  compacted the documents' table in "
                f"{time.monotonic() - compacted:.0f} s"
            )
            rebuild()
        vacuumed = time.monotonic()
        with connection.cursor() as cursor:
            # Planner statistics for every table just filled, and the
            # visibility map that index-only counts need; autovacuum would
            # take its time. Without statistics, the parties of a page of 50
            # documents were found by scanning their table.
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"  vacuumed in {time.monotonic() - vacuumed:.0f} s")

    def _summary(self, count, started, workers):
        if connection.vendor == "postgresql" and workers == 1:
            with connection.cursor() as cursor:  # see _load_in_parallel
                in_transaction = connection.in_atomic_block
                cursor.execute("ANALYZE" if in_transaction else "VACUUM ANALYZE")
        announce_change()
        elapsed = time.monotonic() - started
        load = " ".join(f"{n:.2f}" for n in os.getloadavg())
        self.stdout.write(
            self.style.SUCCESS(
                f"\nCreated {count} sample documents in {elapsed:.0f} s "
                f"({count / elapsed:.0f}/s, {workers} processes, "
                f"load average {load})."
            )
        )


def forget_inherited():
    """In a forked worker: drop the parent's database connections without
    closing them (closing would end the parent's session); each worker opens
    its own. Two workers writing on one inherited socket read each other's
    answers ("the last operation didn't produce records")."""
    for alias in connections:
        connections[alias].connection = None
        connections[alias].in_atomic_block = False


def load_chunk(chunk):
    """`load` in a worker process: its own connection and transaction."""
    try:
        with transaction.atomic():
            return load(*chunk)
    finally:
        connection.close()


def load(seed, first, size, parties, sectors, source):
    """Insert documents `first` … `first + size - 1` with their rows, each
    drawn from a random generator of its own (the same documents however the
    run is split), and derive them."""
    docs, participations, events, sector_rows = [], [], [], []
    for n in range(first, first + size):
        rng = random.Random(f"{seed}:{n}")
        doc = sample_document(rng, n)
        participations += [
            Participation(document=doc, party=p, role="party", position=i)
            for i, p in enumerate(rng.sample(parties, 2), 1)
        ]
        events += sample_events(rng, doc)
        docs.append(doc)
        sector_rows += [
            Document.sectors.through(document=doc, sector=s)
            for s in {zipf_choice(rng, sectors) for _ in range(rng.randint(1, 2))}
        ]
    insert(Document, docs)
    insert(Participation, participations)
    insert(LifecycleEvent, events)
    insert(Document.sectors.through, sector_rows)
    insert(
        Citation,
        [Citation(source=source, document=d, confidence="high") for d in docs],
    )
    connection.derive_marked()  # not at the commit: progress to show
    return size


def sample_document(rng, n):
    kind_ru, kind_en, kind = zipf_choice(rng, KINDS)
    topic_ru, topic_en = zipf_choice(rng, TOPICS)
    place_ru, place_en = rng.choice(PLACES)
    phrases = rng.sample(PHRASES, 2)
    day = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randrange(11000))
    return Document(
        slug=f"{PREFIX}{n}",
        title_ru=f"{kind_ru} о сотрудничестве в области {topic_ru} № {n}",
        title_en=f"{kind_en} on cooperation in {topic_en} No. {n}",
        title_status="official",
        kind=kind,
        legal_level=zipf_choice(rng, Document.Level.values),
        signed_on=day,
        place_ru=place_ru,
        place_en=place_en,
        summary_ru=f"{phrases[0][0]}; {phrases[1][0]}. Сфера: {topic_ru}.",
        summary_en=f"{phrases[0][1]}; {phrases[1][1]}. Field: {topic_en}.",
    )


def sample_events(rng, doc):
    events = [LifecycleEvent(document=doc, kind="signed", occurred_on=doc.signed_on)]
    if rng.random() < 0.6:
        later = doc.signed_on + datetime.timedelta(days=rng.randrange(30, 400))
        events.append(
            LifecycleEvent(
                document=doc, kind=EventKind.ENTERED_INTO_FORCE, occurred_on=later
            )
        )
        if rng.random() < 0.1:
            ended = later + datetime.timedelta(days=rng.randrange(365, 3650))
            events.append(
                LifecycleEvent(
                    document=doc, kind=EventKind.TERMINATED, occurred_on=ended
                )
            )
    return events
