"""A document's public change history: page and API."""

import datetime

import pytest

from agreements.models import Document, LifecycleEvent

from .conftest import count_queries
from .factories import DocumentFactory, ParticipationFactory, PartyFactory

pytestmark = pytest.mark.django_db
MEMORANDUM = "astana-2023-tpp-memorandum"


def edit(document, user=None, reason=None, **fields):
    """Saves as an analyst's form does: the user and reason go into the history."""
    for name, value in fields.items():
        setattr(document, name, value)
    document._history_user = user
    document._change_reason = reason
    document.save()


def history(client, slug):
    response = client.get(f"/api/v1/documents/{slug}/history/")
    assert response.status_code == 200, response.content
    return response.json()


def test_each_change_says_which_fields_and_rows_changed_and_why(client, analyst):
    document = DocumentFactory()
    edit(document, analyst, "Official title found", title_en="The official title")
    party = PartyFactory(name_en="Kazakhstan")
    ParticipationFactory(document=document, party=party)

    changes = history(client, document.slug)["history"]

    assert [c["version"] for c in changes] == [2, 2, 1]
    added_row, edited, created = changes
    assert added_row["changes"] == [
        {
            "record": "participation",
            "row": "Kazakhstan — party",
            "action": "created",
            "fields": [],
        }
    ]
    assert edited["reason"] == "Official title found"
    assert edited["changes"][0]["fields"] == ["title_en"]
    assert created["changes"][0]["action"] == "created"


def test_the_page_shows_the_changes_with_anchors_but_not_who_made_them(client, analyst):
    document = DocumentFactory()
    edit(document, analyst, "Official title found", title_en="The official title")
    page = client.get(f"/en/documents/{document.slug}/history/").content.decode()
    for change in history(client, document.slug)["history"]:
        assert f'id="{change["id"]}"' in page
        assert change["url"].endswith(
            f"/en/documents/{document.slug}/history/#{change['id']}"
        )
    assert "title (English)" in page and "Official title found" in page
    assert analyst.username not in page
    ru = client.get(f"/ru/documents/{document.slug}/history/").content.decode()
    assert "название (англ.)" in ru and "title (English)" not in ru


def test_anchors_stay_the_same_when_later_changes_come(client):
    document = DocumentFactory()
    edit(document, reason="first", summary_en="One.")
    before = [c["id"] for c in history(client, document.slug)["history"]]
    edit(document, reason="second", summary_en="Two.")
    after = [c["id"] for c in history(client, document.slug)["history"]]
    assert after[1:] == before and after[0] not in before


def test_events_sectors_and_removed_rows_are_changes_too(client):
    document = DocumentFactory()
    event = LifecycleEvent.objects.create(
        document=document, kind="signed", occurred_on=datetime.date(2024, 5, 1)
    )
    participation = ParticipationFactory(document=document)
    participation._change_reason = "Wrong party"
    participation.delete()
    edit(document, reason="Sector assigned")
    document.sectors.create(slug="energy", name_ru="Энергетика", name_en="Energy")
    edit(document, reason="Sector assigned")

    changes = history(client, document.slug)["history"]
    parts = [p for c in changes for p in c["changes"]]
    assert {"record": "lifecycleevent", "action": "created"}.items() <= next(
        p for p in parts if p["record"] == "lifecycleevent"
    ).items()
    assert str(event.occurred_on) in next(
        p["row"] for p in parts if p["record"] == "lifecycleevent"
    )
    assert any(
        p["record"] == "participation" and p["action"] == "deleted" for p in parts
    )
    assert changes[0]["changes"][-1]["fields"] == ["sectors"]


def test_a_loaded_document_starts_from_its_first_recorded_state(client, seeded):
    """Fixture loads record the loaded state (without what came before it), so
    the first edit after a load shows its fields; the load itself is not a
    change (issue 24: it read "changed" on the day of the load)."""
    edit(Document.objects.get(slug=MEMORANDUM), reason="Typo", summary_en="Fixed.")
    changes = history(client, MEMORANDUM)["history"]
    assert [p["fields"] for c in changes for p in c["changes"]] == [["summary_en"]]
    page = client.get(f"/en/documents/{MEMORANDUM}/history/").content.decode()
    assert "the earlier state was not recorded" not in page


def test_a_document_with_no_recorded_change_says_so(client):
    Document.objects.bulk_create([Document(slug="unrecorded", kind="treaty")])
    assert history(client, "unrecorded")["history"] == []
    page = client.get("/en/documents/unrecorded/history/").content.decode()
    assert "No changes recorded" in page


def test_the_document_page_links_to_its_history(client, seeded):
    page = client.get(f"/en/documents/{MEMORANDUM}/").content.decode()
    assert f'href="/en/documents/{MEMORANDUM}/history/"' in page


@pytest.mark.parametrize(
    "url", ["/en/documents/no-such/history/", "/api/v1/documents/no-such/history/"]
)
def test_an_unknown_document_has_no_history(client, url):
    assert client.get(url).status_code == 404


def test_the_history_endpoint_is_read_only_and_in_the_schema(client, seeded):
    url = f"/api/v1/documents/{MEMORANDUM}/history/"
    assert client.post(url, {}, content_type="application/json").status_code == 405
    schema = client.get("/api/schema/?format=json").json()
    assert "get" in schema["paths"]["/api/v1/documents/{slug}/history/"]


def many_changes(document, n):
    party = PartyFactory()
    for i in range(n):
        edit(document, reason=f"edit {i}", summary_en=f"Summary {i}.")
        LifecycleEvent.objects.create(
            document=document,
            kind="signed",
            occurred_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
            party=party,
        )


@pytest.mark.parametrize(
    "prefix", ["/en/documents/{}/history/", "/api/v1/documents/{}/history/"]
)
def test_history_query_count_does_not_grow_with_the_changes(client, prefix):
    few, many = DocumentFactory(), DocumentFactory()
    many_changes(few, 1)
    many_changes(many, 4)
    ParticipationFactory(document=few)
    ParticipationFactory(document=many)
    assert count_queries(client, prefix.format(few.slug)) == count_queries(
        client, prefix.format(many.slug)
    )
