import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.derive import record_changed
from agreements.models import Document, LifecycleEvent, Status

from .factories import (
    CitationFactory,
    DocumentFactory,
    EventFactory,
    ParticipationFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db
Kind = LifecycleEvent.Kind
D = datetime.date


@pytest.fixture
def reversed_document():
    """Signed, in force, suspended, then resumed."""
    doc = DocumentFactory()
    for kind, day in [
        (Kind.SIGNED, D(2020, 1, 10)),
        (Kind.ENTERED_INTO_FORCE, D(2020, 6, 1)),
        (Kind.SUSPENDED, D(2022, 3, 1)),
        (Kind.RESUMED, D(2023, 9, 1)),
    ]:
        EventFactory(document=doc, kind=kind, occurred_on=day)
    return doc


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2019, 12, 31), Status.UNKNOWN),
        (D(2020, 1, 10), Status.SIGNED),
        (D(2021, 1, 1), Status.IN_FORCE),
        (D(2022, 3, 1), Status.SUSPENDED),
        (D(2023, 1, 1), Status.SUSPENDED),
        (D(2024, 1, 1), Status.IN_FORCE),
    ],
)
def test_status_as_of_a_date_follows_a_suspension_and_its_lifting(
    reversed_document, day, expected
):
    assert reversed_document.status_on(day) == expected
    in_sql = Document.objects.with_status_on(day).get(pk=reversed_document.pk)
    assert in_sql.status_on_day == expected


def test_in_force_on_excludes_the_suspension_period(reversed_document):
    assert not Document.objects.in_force_on(D(2022, 6, 1)).exists()
    assert Document.objects.in_force_on(D(2024, 1, 1)).get() == reversed_document


def test_stored_status_follows_events_as_they_are_added_and_removed(reversed_document):
    reversed_document.refresh_from_db()
    assert reversed_document.status == Status.IN_FORCE
    ended = EventFactory(
        document=reversed_document, kind=Kind.TERMINATED, occurred_on=D(2024, 2, 1)
    )
    reversed_document.refresh_from_db()
    assert reversed_document.status == Status.TERMINATED
    ended.delete()
    record_changed(ended)  # as every write path does after a delete
    reversed_document.refresh_from_db()
    assert reversed_document.status == Status.IN_FORCE


def test_ratification_by_one_party_does_not_change_the_status():
    doc = DocumentFactory()
    EventFactory(document=doc, kind=Kind.SIGNED, occurred_on=D(2020, 1, 1))
    EventFactory(
        document=doc,
        kind=Kind.RATIFIED,
        occurred_on=D(2020, 2, 1),
        party=PartyFactory(),
    )
    doc.refresh_from_db()
    assert doc.status == Status.SIGNED == doc.status_on(D(2020, 3, 1))


def test_a_document_without_events_has_unknown_status():
    assert DocumentFactory().status == Status.UNKNOWN


def test_search_folds_cyrillic_case_and_yo():
    memo = DocumentFactory(title_ru="Меморандум по ТЭЦ «Кокшетау»", title_en="")
    DocumentFactory(title_ru="Другое", title_en="")
    assert list(Document.objects.search("кокшетау")) == [memo]
    assert list(Document.objects.search("КОКШЕТАУ меморандум")) == [memo]
    yo = DocumentFactory(title_ru="Объём поставок", title_en="")
    assert list(Document.objects.search("объем")) == [yo]


def test_search_finds_a_document_by_its_signatory():
    p = ParticipationFactory(signatory_ru="Н. Г. Шульгинов, Министр энергетики")
    assert list(Document.objects.search("шульгинов")) == [p.document]


def test_renaming_a_party_updates_the_search_text_of_its_documents():
    p = ParticipationFactory()
    p.party.name_en = "Zanzibar Ministry of Mangoes"
    p.party.save()
    record_changed(p.party)  # as the admin and the API do after a save
    assert list(Document.objects.search("mangoes")) == [p.document]


def test_different_claims_from_two_sources_mark_a_fact_disputed():
    doc = DocumentFactory()
    CitationFactory(document=doc, field="value_amount", claim="100 mln USD")
    CitationFactory(document=doc, field="value_amount", claim="83 mln USD")
    CitationFactory(document=doc, field="signed_on", claim="2024-01-01")
    CitationFactory(document=doc, field="signed_on", claim="2024-01-01")
    assert doc.disputed_fields() == ["value_amount"]


@pytest.mark.parametrize(
    "fields",
    [
        {"value_amount": -1, "value_currency": "USD"},
        {"value_amount": 5, "value_currency": ""},
        {"value_amount": 5, "value_currency": "usd"},
        {"signed_on": D(2024, 1, 1), "valid_until": D(2023, 1, 1)},
    ],
)
def test_the_database_refuses_inconsistent_documents(fields):
    doc = DocumentFactory.build(**fields)
    with pytest.raises(ValidationError):
        doc.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        doc.save()


def test_the_database_refuses_a_self_relation():
    doc = DocumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        doc.relations_out.create(to_document=doc, kind="related")


def test_a_party_takes_one_place_per_role_in_a_document():
    p = ParticipationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(document=p.document, party=p.party, role=p.role)


def test_localized_text_falls_back_to_the_other_language_and_says_so():
    from django.utils import translation

    doc = DocumentFactory(title_ru="Только по-русски", title_en="")
    with translation.override("en"):
        assert doc.title == ("Только по-русски", "ru", True)
    with translation.override("ru"):
        assert doc.title == ("Только по-русски", "ru", False)


def test_edits_are_recorded_in_history_with_the_changed_fields():
    doc = DocumentFactory(title_en="First")
    doc.title_en = "Second"
    doc.save()
    new, old = doc.history.all()[:2]
    assert [c.field for c in new.diff_against(old).changes] == ["title_en"]


def test_refresh_statuses_catches_up_with_events_dated_in_the_future():
    import io

    from django.core.management import call_command

    doc = DocumentFactory()
    EventFactory(document=doc, kind=Kind.SIGNED, occurred_on=D(2020, 1, 1))
    entry = EventFactory(
        document=doc, kind=Kind.ENTERED_INTO_FORCE, occurred_on=D(2020, 6, 1)
    )
    # As if the entry into force had been recorded a month before it happened:
    LifecycleEvent.objects.filter(pk=entry.pk).update(
        created_at=datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC)
    )
    Document.objects.filter(pk=doc.pk).update(status=Status.SIGNED)
    out = io.StringIO()
    call_command("refresh_statuses", stdout=out)
    assert "1 document(s) checked, 1 status(es) changed" in out.getvalue()
    doc.refresh_from_db()
    assert doc.status == Status.IN_FORCE
