"""Each party's status, the document's from its parties', and the day the
entry-into-force rule gives: in Python (stored) and in SQL (as of a date, in
force for a party), on the list page and in the API."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from agreements import dataset
from agreements.derive import differences
from agreements.lifecycle import acts_for, expected_in_force_on
from agreements.models import Document, LifecycleEvent, Participation, Party, Status

from .factories import (
    CitationFactory,
    DocumentFactory,
    EventFactory,
    ParticipationFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db
Kind = LifecycleEvent.Kind
Rule = Document.Rule
D = datetime.date
SIGNED_ON = D(2020, 1, 10)


def bound(*countries, **rule):
    """A document signed by a party of each country, with this rule."""
    document = DocumentFactory(signed_on=SIGNED_ON, **rule)
    parties = [PartyFactory(country=c) for c in countries]
    for position, party in enumerate(parties):
        ParticipationFactory(document=document, party=party, position=position)
    EventFactory(document=document, kind=Kind.SIGNED, occurred_on=SIGNED_ON)
    return document, parties


def step(document, kind, day, party=None):
    EventFactory(document=document, kind=kind, occurred_on=day, party=party)


def statuses(document):
    """{party: status} as stored, and the document's status."""
    document.refresh_from_db()
    rows = Participation.objects.filter(document=document).select_related("party")
    return {p.party: p.status for p in rows}, document.status


def in_force_for(party, day):
    return set(Document.objects.in_force_for(Party.objects.filter(pk=party.pk), day))


def test_a_signature_alone_leaves_every_party_signed():
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.LAST_NOTIFICATION)
    assert statuses(document) == ({ru: Status.SIGNED, kz: Status.SIGNED}, Status.SIGNED)
    assert document.expected_in_force_on is None


def test_one_party_ratifying_completes_its_procedures_only():
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.LAST_NOTIFICATION)
    step(document, Kind.RATIFIED, D(2020, 5, 1), kz)
    assert statuses(document) == (
        {ru: Status.SIGNED, kz: Status.DOMESTIC_PROCEDURES_DONE},
        Status.SIGNED,
    )
    assert set(Document.objects.awaiting(Party.objects.filter(pk=ru.pk))) == {document}
    assert not Document.objects.awaiting(Party.objects.filter(pk=kz.pk)).exists()


def test_both_notified_puts_it_in_force_from_the_day_the_rule_gives():
    document, (ru, kz) = bound(
        "RU",
        "KZ",
        entry_into_force_rule=Rule.DAYS_AFTER_LAST_NOTIFICATION,
        entry_into_force_days=30,
    )
    step(document, Kind.NOTIFIED, D(2020, 3, 1), ru)
    step(document, Kind.NOTIFIED, D(2020, 4, 1), kz)
    assert statuses(document) == (
        {ru: Status.IN_FORCE, kz: Status.IN_FORCE},
        Status.IN_FORCE,
    )
    assert document.expected_in_force_on == D(2020, 5, 1)
    # As of a date, in SQL as in Python: in force from the rule's day on.
    for day, status in [
        (D(2020, 4, 30), Status.SIGNED),
        (D(2020, 5, 1), Status.IN_FORCE),
    ]:
        assert document.status_on(day) == status
        in_sql = Document.objects.with_status_on(day).get(pk=document.pk)
        assert in_sql.status_on_day == status
    assert in_force_for(kz, D(2020, 4, 30)) == set()
    assert in_force_for(kz, D(2020, 5, 1)) == {document}


def test_one_party_withdrawing_ends_a_bilateral_document_for_both():
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.ON_SIGNATURE)
    step(document, Kind.WITHDRAWN, D(2023, 1, 1), ru)
    assert statuses(document) == (
        {ru: Status.WITHDRAWN, kz: Status.TERMINATED},
        Status.TERMINATED,
    )
    in_sql = Document.objects.with_status_on(D(2023, 1, 1)).get(pk=document.pk)
    assert in_sql.status_on_day == Status.TERMINATED
    assert in_force_for(kz, D(2022, 12, 31)) == {document}
    assert in_force_for(kz, D(2023, 1, 1)) == set()


def test_a_multilateral_document_stays_in_force_for_the_others():
    document, (ru, kz, by) = bound(
        "RU", "KZ", "BY", entry_into_force_rule=Rule.RATIFICATION_BY_ALL
    )
    for party, day in [(ru, D(2020, 2, 1)), (kz, D(2020, 3, 1)), (by, D(2020, 4, 1))]:
        step(document, Kind.RATIFIED, day, party)
    step(document, Kind.WITHDRAWN, D(2023, 1, 1), by)
    assert statuses(document) == (
        {ru: Status.IN_FORCE, kz: Status.IN_FORCE, by: Status.WITHDRAWN},
        Status.IN_FORCE,
    )
    day = D(2024, 1, 1)
    assert Document.objects.with_status_on(day).get().status_on_day == Status.IN_FORCE
    assert in_force_for(kz, day) == {document}
    assert in_force_for(by, day) == set()
    assert in_force_for(by, D(2022, 1, 1)) == {document}


def test_events_naming_no_party_give_the_status_as_before():
    document, (ru, kz) = bound("RU", "KZ")
    step(document, Kind.RATIFIED, D(2020, 2, 1))
    step(document, Kind.ENTERED_INTO_FORCE, D(2020, 3, 1))
    assert statuses(document) == (
        {ru: Status.IN_FORCE, kz: Status.IN_FORCE},
        "in_force",
    )
    assert document.expected_in_force_on is None


def rule(kind, days=None, on=None):
    return SimpleNamespace(
        entry_into_force_rule=kind, entry_into_force_days=days, entry_into_force_on=on
    )


def event(kind, day, party=None):
    return SimpleNamespace(kind=kind, occurred_on=day, party_id=party, pk=None)


EVENTS = [
    event(Kind.SIGNED, D(2020, 1, 10)),
    event(Kind.RATIFIED, D(2020, 2, 1), 1),
    event(Kind.NOTIFIED, D(2020, 3, 1), 1),
    event(Kind.APPROVED, D(2020, 2, 15), 2),
    event(Kind.NOTIFIED, D(2020, 4, 1), 2),
]


@pytest.mark.parametrize(
    "document, events, expected",
    [
        (rule(Rule.UNKNOWN), EVENTS, None),
        (rule(Rule.ON_SIGNATURE), EVENTS, D(2020, 1, 10)),
        (rule(Rule.ON_SIGNATURE), EVENTS[1:], None),
        (rule(Rule.ON_DATE, on=D(2021, 1, 1)), [], D(2021, 1, 1)),
        (rule(Rule.LAST_NOTIFICATION), EVENTS, D(2020, 4, 1)),
        (rule(Rule.LAST_NOTIFICATION), EVENTS[:4], None),
        (rule(Rule.DAYS_AFTER_LAST_NOTIFICATION, days=30), EVENTS, D(2020, 5, 1)),
        (rule(Rule.DAYS_AFTER_LAST_NOTIFICATION, days=30), EVENTS[:3], None),
        (rule(Rule.RATIFICATION_BY_ALL), EVENTS, D(2020, 2, 15)),
        (rule(Rule.RATIFICATION_BY_ALL), EVENTS[:3], None),
    ],
)
def test_the_expected_day_follows_each_kind_of_rule(document, events, expected):
    assert expected_in_force_on(document, events, [1, 2]) == expected


@pytest.fixture
def notified_in_april(db):
    """Russia notified in March, Kazakhstan in April 2020: in force on the last."""
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.LAST_NOTIFICATION)
    step(document, Kind.NOTIFIED, D(2020, 3, 1), ru)
    step(document, Kind.NOTIFIED, D(2020, 4, 1), kz)
    bound("RU", "KZ", entry_into_force_rule=Rule.LAST_NOTIFICATION)  # never in force
    return document


@pytest.mark.parametrize("day, in_force", [("2020-03-31", False), ("2020-04-01", True)])
def test_in_force_for_kz_on_a_day_agrees_on_the_page_and_in_the_api(
    client, notified_in_april, day, in_force
):
    query = {"in_force_for": "KZ", "in_force_on": day}
    expected = [notified_in_april.slug] if in_force else []
    api = client.get(reverse("api:document-list"), query)
    assert [row["slug"] for row in api.json()["results"]] == expected
    page = client.get(reverse("agreements:documents"), query)
    shown = [d.slug for d in page.context["documents"]]
    assert shown == expected
    feed = client.get(reverse("agreements:documents-feed"), query)
    assert (notified_in_april.get_absolute_url() in feed.text) is in_force


def test_awaiting_domestic_procedures_in_a_country(client):
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.LAST_NOTIFICATION)
    step(document, Kind.NOTIFIED, D(2020, 3, 1), ru)
    api = client.get(reverse("api:document-list"), {"awaiting": "KZ"}).json()
    assert [row["slug"] for row in api["results"]] == [document.slug]
    api = client.get(reverse("api:document-list"), {"awaiting": "RU"}).json()
    assert api["results"] == []


@pytest.mark.parametrize("value", ["kz", "K", "<script>", "x" * 121])
def test_a_party_that_is_no_slug_or_country_is_a_400_or_nothing(client, value):
    response = client.get(reverse("api:document-list"), {"in_force_for": value})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []


def test_the_page_shows_each_partys_steps_with_the_act_and_its_sources(client):
    document, (ru, kz) = bound(
        "RU",
        "KZ",
        entry_into_force_rule=Rule.DAYS_AFTER_LAST_NOTIFICATION,
        entry_into_force_days=30,
    )
    ratified = EventFactory(
        document=document,
        kind=Kind.RATIFIED,
        occurred_on=D(2020, 3, 1),
        party=kz,
        act_kind="law",
        act_number="117-V",
        published_in_ru="Бюллетень международных договоров РК, 2020 г., № 6, ст. 57",
    )
    CitationFactory(event=ratified, document=None, field="act_number")
    step(document, Kind.NOTIFIED, D(2020, 4, 1), kz)
    step(document, Kind.NOTIFIED, D(2020, 4, 2), ru)
    with translation.override("en"):
        page = client.get(document.get_absolute_url())
    table = page.text[page.text.index('class="cards party-standing"') :]
    table = table[: table.index("</table>")]
    assert "117-V" in table and "Бюллетень" in table
    assert ratified.citations.get().source.label in table
    assert "expected 2020-05-02" in table
    assert table.count("not known") == 1  # Russia's act


def test_the_api_schema_documents_the_parties_fields_and_filters(client):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    document = components["Document"]["properties"]
    assert {"entry_into_force_rule", "expected_in_force_on"} <= set(document)
    assert "expected" in document["expected_in_force_on"]["description"]
    event = components["Event"]["properties"]
    assert {"act_kind", "act_number", "published_in_ru", "citations"} <= set(event)
    assert "status" in components["PartyInDetail"]["properties"]
    listing = schema["paths"]["/api/v1/documents/"]["get"]["parameters"]
    declared = {p["name"]: p for p in listing}
    assert declared["in_force_for"]["schema"]["pattern"]
    assert "awaiting" in declared


def test_the_country_and_party_pages_count_what_is_in_force_for_them(client):
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.ON_SIGNATURE)
    waiting, _ = bound("RU", "KZ", entry_into_force_rule=Rule.LAST_NOTIFICATION)
    step(document, Kind.WITHDRAWN, D(2021, 1, 1), ru)  # ends it for both
    fresh, (by, kz2) = bound("BY", "KZ", entry_into_force_rule=Rule.ON_SIGNATURE)
    for url, in_force, awaiting in [
        (reverse("agreements:country", args=["KZ"]), "1", "1"),
        (kz2.get_absolute_url(), "1", "0"),
        (ru.get_absolute_url(), "0", "0"),  # withdrew
    ]:
        page = client.get(url).text
        assert f'data-in-force="{in_force}" data-awaiting="{awaiting}"' in page


def test_the_dataset_has_a_row_per_document_and_party_with_its_status():
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.ON_SIGNATURE)
    table = next(t for t in dataset.TABLES if t.name == "participations")
    status = table.column_names.index("status")
    assert sorted(row[status] for row in table.rows()) == ["in_force", "in_force"]
    described = {(c["table"], c["column"]): c for c in dataset.codebook()}
    assert (
        "One row per document and party"
        in (described[("participations", "status")]["description"])
    )
    assert (
        "never a fact"
        in (described[("documents", "expected_in_force_on")]["description"])
    )
    assert (
        "domestic_procedures_done" in described[("participations", "status")]["values"]
    )


def test_refresh_statuses_catches_up_when_the_rules_day_comes():
    document, (ru, kz) = bound(
        "RU",
        "KZ",
        entry_into_force_rule=Rule.ON_DATE,
        entry_into_force_on=D(2021, 1, 1),
    )
    # Derived before that day came (no write marks it when it does):
    Document._base_manager.filter(pk=document.pk).update(status=Status.SIGNED)
    Participation._base_manager.filter(document=document).update(status="signed")
    out = io.StringIO()
    call_command("refresh_statuses", stdout=out)
    assert "1 document(s) checked, 1 status(es) changed" in out.getvalue()
    assert statuses(document) == ({ru: "in_force", kz: "in_force"}, Status.IN_FORCE)


# A state acts for its government and ministries, and they for it (issue 25):
# a state's parliament ratifies what its government concluded.


def governments(*countries, **rule):
    """A document of the governments of these countries (each a Party whose
    parent is its state), signed: ({country: state}, {country: government})."""
    document = DocumentFactory(signed_on=SIGNED_ON, **rule)
    states, governed = {}, {}
    for position, country in enumerate(countries):
        states[country] = PartyFactory(country=country)
        governed[country] = PartyFactory(
            country=country, kind=Party.Kind.GOVERNMENT, parent=states[country]
        )
        ParticipationFactory(
            document=document, party=governed[country], position=position
        )
    EventFactory(document=document, kind=Kind.SIGNED, occurred_on=SIGNED_ON)
    return document, states, governed


def test_a_states_ratification_completes_its_governments_procedures(client):
    document, state, gov = governments(
        "RU", "KZ", entry_into_force_rule=Rule.RATIFICATION_BY_ALL
    )
    ratified = EventFactory(
        document=document,
        kind=Kind.RATIFIED,
        occurred_on=D(2020, 5, 1),
        party=state["KZ"],
        act_kind="law",
        act_number="117-V",
    )
    assert statuses(document) == (
        {gov["RU"]: Status.SIGNED, gov["KZ"]: Status.DOMESTIC_PROCEDURES_DONE},
        Status.SIGNED,
    )
    assert document.expected_in_force_on is None
    awaiting = Document.objects.awaiting
    assert not awaiting(Party.objects.filter(country="KZ")).exists()
    assert set(awaiting(Party.objects.filter(country="RU"))) == {document}
    assert set(Document.objects.without_domestic_procedure()) == {document}
    with translation.override("en"):
        page = client.get(document.get_absolute_url())
    rows = {s.participation.party: s for s in page.context["standings"]}
    assert rows[gov["KZ"]].act.event == ratified
    assert rows[gov["RU"]].act.event is None
    table = page.text[page.text.index('class="cards party-standing"') :]
    assert "117-V" in table[: table.index("</table>")]

    step(document, Kind.RATIFIED, D(2020, 6, 1), state["RU"])
    assert statuses(document) == (
        {gov["RU"]: Status.IN_FORCE, gov["KZ"]: Status.IN_FORCE},
        Status.IN_FORCE,
    )
    assert document.expected_in_force_on == D(2020, 6, 1)
    assert not Document.objects.without_domestic_procedure().exists()
    assert in_force_for(gov["KZ"], D(2020, 5, 31)) == set()
    assert in_force_for(gov["KZ"], D(2020, 6, 1)) == {document}


def test_a_states_withdrawal_ends_a_multilateral_document_for_its_government():
    document, state, gov = governments(
        "RU", "KZ", "BY", entry_into_force_rule=Rule.ON_SIGNATURE
    )
    step(document, Kind.WITHDRAWN, D(2023, 1, 1), state["KZ"])
    assert statuses(document) == (
        {
            gov["RU"]: Status.IN_FORCE,
            gov["KZ"]: Status.WITHDRAWN,
            gov["BY"]: Status.IN_FORCE,
        },
        Status.IN_FORCE,
    )
    for country, day, expected in [
        ("KZ", D(2022, 12, 31), {document}),
        ("KZ", D(2023, 1, 1), set()),
        ("RU", D(2023, 1, 1), {document}),
    ]:
        assert in_force_for(gov[country], day) == expected
        by_country = Party.objects.filter(country=country)
        assert set(Document.objects.in_force_for(by_country, day)) == expected


def test_a_governments_withdrawal_ends_the_document_for_its_state_only():
    document, (ru, kz, by) = bound(
        "RU", "KZ", "BY", entry_into_force_rule=Rule.ON_SIGNATURE
    )
    kz_gov = PartyFactory(country="KZ", kind=Party.Kind.GOVERNMENT, parent=kz)
    # Two ministries of a state that is no party: one of them is.
    am = PartyFactory(country="AM")
    ministry, sibling = (
        PartyFactory(country="AM", kind=Party.Kind.MINISTRY, parent=am)
        for _ in range(2)
    )
    ParticipationFactory(document=document, party=ministry, position=3)
    step(document, Kind.WITHDRAWN, D(2023, 1, 1), kz_gov)
    step(document, Kind.WITHDRAWN, D(2023, 2, 1), sibling)  # not the ministry's
    found, status = statuses(document)
    assert status == Status.IN_FORCE
    assert found == {
        ru: Status.IN_FORCE,
        kz: Status.WITHDRAWN,
        by: Status.IN_FORCE,
        ministry: Status.IN_FORCE,
    }
    day = D(2024, 1, 1)
    for party, expected in found.items():
        assert bool(in_force_for(party, day)) == (expected == Status.IN_FORCE)


def test_a_new_parent_derives_the_documents_of_the_parties_below_again():
    document, (ru, kz) = bound("RU", "KZ", entry_into_force_rule=Rule.ON_DATE)
    government = PartyFactory(country="KZ", kind=Party.Kind.GOVERNMENT)
    ministry = PartyFactory(country="KZ", kind=Party.Kind.MINISTRY, parent=government)
    Participation.objects.filter(document=document, party=kz).update(party=ministry)
    step(document, Kind.RATIFIED, D(2020, 5, 1), kz)
    assert statuses(document)[0][ministry] == Status.SIGNED
    government.parent = kz
    government.save()
    assert statuses(document)[0][ministry] == Status.DOMESTIC_PROCEDURES_DONE
    assert differences([document.pk]) == []


def lines(**chains):
    return {int(k[1:]): v for k, v in chains.items()}


@pytest.mark.parametrize(
    "actor, party, expected",
    [
        (None, 2, True),  # naming no party: every party's
        (2, 2, True),
        (1, 2, True),  # the state for its government
        (2, 1, True),  # the government for its state
        (1, 3, True),  # the state for its ministry under the government
        (3, 4, False),  # two bodies of one state: the state acts for both
        (5, 2, False),  # another state
    ],
)
def test_a_step_counts_for_the_parties_up_and_down_its_parents(actor, party, expected):
    chains = lines(p1=(1,), p2=(2, 1), p3=(3, 2, 1), p4=(4, 1), p5=(5,))
    assert acts_for(actor, party, chains) is expected


def test_ratification_by_both_states_gives_the_day_for_their_governments():
    events = [
        event(Kind.SIGNED, D(2020, 1, 10)),
        event(Kind.RATIFIED, D(2020, 2, 1), 1),  # Kazakhstan, for its government 2
        event(Kind.RATIFIED, D(2020, 3, 1), 3),  # Russia, for its government 4
    ]
    chains = lines(p2=(2, 1), p4=(4, 3))
    document = rule(Rule.RATIFICATION_BY_ALL)
    assert expected_in_force_on(document, events, [2, 4], chains) == D(2020, 3, 1)
    assert expected_in_force_on(document, events[:2], [2, 4], chains) is None
    assert expected_in_force_on(document, events, [2, 4]) is None  # no chains
