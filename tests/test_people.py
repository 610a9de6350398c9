"""People as records: a person's page and the index, the API, the search
that finds a document by who signed it, and merging two records of one person."""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from agreements.models import Citation, Document, Participation, Person, Position

from .conftest import count_queries
from .factories import (
    ParticipationFactory,
    PersonFactory,
    PositionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

MEMO = "astana-2023-tpp-memorandum"


def signed_by(person, n, position=None):
    """`n` documents, each with a participation signed by `person`."""
    with transaction.atomic():
        return [
            ParticipationFactory(person=person, person_position=position).document
            for _ in range(n)
        ]


@pytest.mark.parametrize(
    "lang, post",
    [
        ("en", "Minister of Energy of Russia"),
        ("ru", "Министр энергетики Российской Федерации"),
        ("kk", "Министр энергетики Российской Федерации"),
    ],
)
def test_a_persons_page_lists_what_they_signed_with_the_post_at_the_time(
    client, seeded, lang, post
):
    page = client.get(f"/{lang}/people/n-g-shulginov/")
    assert page.status_code == 200
    html = page.content.decode()
    signatures = html[html.index('id="signed"') :]
    memo = Document.objects.get(slug=MEMO)
    assert memo.get_absolute_url() in signatures
    assert post in signatures
    assert "2023-11-09" in signatures
    assert "/parties/ru-ministry-of-energy/" in signatures


def test_a_post_no_source_gives_is_shown_as_not_known(client, seeded):
    """A. B. Miller signed for Gazprom; no source names his post."""
    html = client.get("/en/people/a-b-miller/").content.decode()
    signatures = html[html.index('id="signed"') :]
    assert "/documents/gazprom-kazakhstan-2023-11-01/" in signatures
    assert "not known" in signatures
    assert "No posts recorded." in html


def test_the_people_index_lists_each_signatory_with_their_count(client, seeded):
    html = client.get("/en/people/").content.decode()
    for person in Person.objects.all():
        assert person.get_absolute_url() in html
    assert Person.objects.count() == 6  # the signatories a source names


def test_the_document_page_links_the_signatory_to_their_page(client, seeded):
    html = client.get(f"/en/documents/{MEMO}/").content.decode()
    assert 'href="/en/people/n-g-shulginov/"' in html


@pytest.mark.parametrize(
    "url", ["/en/people/", "/en/people/{slug}/", "/api/v1/people/"]
)
def test_people_pages_take_as_many_queries_for_many_signatures_as_for_one(client, url):
    person = PersonFactory()
    position = PositionFactory(person=person)
    signed_by(person, 1, position)
    url = url.format(slug=person.slug)
    one = count_queries(client, url)
    signed_by(person, 6, position)
    signed_by(PersonFactory(), 3)
    assert count_queries(client, url) == one


def test_the_api_gives_people_and_the_signatory_of_each_party(seeded):
    api = APIClient()
    person = api.get("/api/v1/people/n-g-shulginov/").json()
    assert person["name_en"] == "N. G. Shulginov"
    assert person["wikidata_id"] == ""
    (post,) = person["positions"]
    assert post == {
        "title_ru": "Министр энергетики Российской Федерации",
        "title_en": "Minister of Energy of Russia",
        "party": "ru-ministry-of-energy",
        "held_from": None,
        "held_until": None,
    }
    assert api.get("/api/v1/people/").json()["count"] == 6
    record = api.get(f"/api/v1/documents/{MEMO}/").json()
    first = record["parties"][0]
    assert first["person"]["slug"] == "n-g-shulginov"
    assert first["person_position"]["title_en"] == "Minister of Energy of Russia"
    unsigned = api.get("/api/v1/documents/gazprom-qazaqgaz-transit-contract-2023/")
    assert {p["person"] for p in unsigned.json()["parties"]} == {None}


def test_renaming_a_person_re_derives_the_documents_they_signed():
    """The search text and stored record show the person's names: a rename
    marks their documents (marks.py), derived before commit."""
    person = PersonFactory(name_en="Ivanov")
    (document,) = signed_by(person, 1)
    assert list(Document.objects.search("ivanov")) == [document]
    with transaction.atomic():
        person.name_en = "Petrov"
        person.save()
    assert list(Document.objects.search("petrov")) == [document]
    assert not Document.objects.search("ivanov").exists()
    assert '"Petrov"' in Document.objects.get(pk=document.pk).api_record


def test_the_participation_picker_finds_people_by_name(analyst_client):
    PersonFactory(name_ru="Шульгинов", name_en="Shulginov")
    found = analyst_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "agreements",
            "model_name": "participation",
            "field_name": "person",
            "term": "шульг",
        },
    )
    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["Shulginov"]


def test_merging_two_people_keeps_both_histories_and_moves_what_they_signed(
    analyst_client,
):
    kept = PersonFactory(name_en="N. Shulginov", wikidata_id="")
    other = PersonFactory(name_en="Nikolai Shulginov", wikidata_id="Q1")
    post = PositionFactory(person=other, title_en="Minister of Energy")
    (mine,) = signed_by(kept, 1)
    (theirs,) = signed_by(other, 1, post)
    source = SourceFactory()
    with transaction.atomic():
        Citation.objects.create(source=source, person=other, field="name_en")
        with transaction.atomic():
            other.name_ru = "Николай Шульгинов"
            other._change_reason = "the Russian name from a source"
            other.save()

    response = analyst_client.post(
        "/admin/agreements/person/",
        {
            "action": "merge_people",
            "_selected_action": [kept.pk, other.pk],
            "choice": kept.pk,
            "apply": "1",
        },
    )
    assert response.status_code == 302

    assert not Person.objects.filter(pk=other.pk).exists()
    kept.refresh_from_db()
    assert kept.wikidata_id == "Q1"  # taken where the kept one had none
    assert set(
        Participation.objects.filter(person=kept).values_list("document", flat=True)
    ) == {mine.pk, theirs.pk}
    assert Position.objects.get(pk=post.pk).person == kept
    assert Citation.objects.get(source=source).person == kept
    # The kept person's history records the merge; the merged one's history
    # (its edits, then its deletion) is still there.
    # (The reason is written in the analyst's language: the slug names the merged.)
    assert other.slug in kept.history.first().history_change_reason
    merged = Person.history.filter(id=other.pk).order_by("history_date")
    assert [h.history_type for h in merged] == ["+", "~", "-"]
    assert merged[1].history_change_reason == "the Russian name from a source"
    moved = Participation.history.filter(person=kept, document=theirs).first()
    assert other.slug in moved.history_change_reason
    # The signatory's page of the document now names the kept person.
    assert kept.slug in Document.objects.get(pk=theirs.pk).api_record


def test_the_merge_action_asks_which_record_to_keep(analyst_client):
    one, two = PersonFactory(), PersonFactory()
    page = analyst_client.post(
        "/admin/agreements/person/",
        {"action": "merge_people", "_selected_action": [one.pk, two.pk]},
    )
    assert page.status_code == 200
    assert 'name="choice"' in page.content.decode()
    assert Person.objects.count() == 2
