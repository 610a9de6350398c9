"""Status from lifecycle events: the rule in Python and in SQL, stored and as of a date."""

import datetime

import pytest

from agreements.models import Document, LifecycleEvent, Status

from .factories import DocumentFactory, EventFactory, PartyFactory

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
    # Time has passed since it was derived (no write marks it):
    Document._base_manager.filter(pk=doc.pk).update(status=Status.SIGNED)
    out = io.StringIO()
    call_command("refresh_statuses", stdout=out)
    assert "1 document(s) checked, 1 status(es) changed" in out.getvalue()
    doc.refresh_from_db()
    assert doc.status == Status.IN_FORCE
