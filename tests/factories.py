import datetime

import factory
from django.db import transaction

from agreements import models


class WriteFactory(factory.django.DjangoModelFactory):
    """Creates a record the way the application writes one: in a transaction,
    derived once before it commits (its sub-factories' records with it)."""

    class Meta:
        abstract = True

    @classmethod
    def create(cls, **kwargs):
        with transaction.atomic():
            return super().create(**kwargs)

    @classmethod
    def create_batch(cls, size, **kwargs):
        with transaction.atomic():  # derived once for the batch
            return super().create_batch(size, **kwargs)


class SectorFactory(WriteFactory):
    class Meta:
        model = models.Sector
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name_ru = factory.Sequence(lambda n: f"Отрасль {n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")


class PartyFactory(WriteFactory):
    class Meta:
        model = models.Party

    slug = factory.Sequence(lambda n: f"party-{n}")
    name_ru = factory.Sequence(lambda n: f"Сторона {n}")
    name_en = factory.Sequence(lambda n: f"Party {n}")
    kind = models.Party.Kind.STATE
    country = "RU"


class OccasionFactory(WriteFactory):
    class Meta:
        model = models.Occasion

    slug = factory.Sequence(lambda n: f"occasion-{n}")
    name_ru = factory.Sequence(lambda n: f"Встреча {n}")
    name_en = factory.Sequence(lambda n: f"Meeting {n}")
    kind = models.Occasion.Kind.SUMMIT
    started_on = datetime.date(2024, 5, 1)


class DocumentFactory(WriteFactory):
    class Meta:
        model = models.Document

    slug = factory.Sequence(lambda n: f"document-{n}")
    title_ru = factory.Sequence(lambda n: f"Соглашение номер {n}")
    title_en = factory.Sequence(lambda n: f"Agreement number {n}")
    title_status = models.Document.TitleStatus.OFFICIAL
    kind = models.Document.Kind.AGREEMENT
    legal_level = models.Document.Level.INTERGOVERNMENTAL
    signed_on = datetime.date(2024, 5, 1)


class PersonFactory(WriteFactory):
    class Meta:
        model = models.Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name_ru = factory.Sequence(lambda n: f"Подписант {n}")
    name_en = factory.Sequence(lambda n: f"Signer {n}")


class PositionFactory(WriteFactory):
    class Meta:
        model = models.Position

    person = factory.SubFactory(PersonFactory)
    title_ru = "Министр"
    title_en = "Minister"


class IdentifierFactory(WriteFactory):
    class Meta:
        model = models.DocumentIdentifier

    document = factory.SubFactory(DocumentFactory)
    scheme = models.DocumentIdentifier.Scheme.ADILET
    value = factory.Sequence(lambda n: f"Z13000{n:05d}")


class ParticipationFactory(WriteFactory):
    class Meta:
        model = models.Participation

    document = factory.SubFactory(DocumentFactory)
    party = factory.SubFactory(PartyFactory)
    role = models.Participation.Role.PARTY


class EventFactory(WriteFactory):
    class Meta:
        model = models.LifecycleEvent

    document = factory.SubFactory(DocumentFactory)
    kind = models.LifecycleEvent.Kind.SIGNED
    occurred_on = datetime.date(2024, 5, 1)


class SourceFactory(WriteFactory):
    class Meta:
        model = models.Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    language = "en"


class CitationFactory(WriteFactory):
    class Meta:
        model = models.Citation

    source = factory.SubFactory(SourceFactory)
    document = factory.SubFactory(DocumentFactory)


def documents_with_relations(n, sector=None):
    """`n` documents of one occasion, each with two parties, a sector, an event
    and a citation."""
    with transaction.atomic():  # derived once, as they commit
        sector = sector or SectorFactory()
        source = SourceFactory()
        docs = DocumentFactory.create_batch(n, occasion=OccasionFactory())
        for doc in docs:
            doc.sectors.add(sector)
            ParticipationFactory(document=doc)
            ParticipationFactory(document=doc)
            EventFactory(document=doc)
            CitationFactory(document=doc, source=source)
    return docs
