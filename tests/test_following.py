"""Follow links: the pages of a country, party, sector, occasion and document
link their Atom feed and the e-mail subscription to the same documents."""

import pytest
from django.test import Client

from tests.factories import (
    DocumentFactory,
    OccasionFactory,
    ParticipationFactory,
    PartyFactory,
    SectorFactory,
)


@pytest.fixture
def document(db):
    sector, occasion = SectorFactory(slug="energy"), OccasionFactory(slug="visit")
    document = DocumentFactory(slug="pipeline", occasion=occasion, title_en="Pipeline")
    document.sectors.add(sector)
    ParticipationFactory(document=document, party=PartyFactory(slug="kz", country="KZ"))
    document.title_en = "Pipeline agreement"
    document.save()
    return document


@pytest.mark.parametrize(
    "page,feed,subscribe",
    [
        (
            "/en/countries/KZ/",
            "/en/documents/feed/?country=KZ",
            "kind=country&amp;value=KZ",
        ),
        ("/en/parties/kz/", "/en/documents/feed/?party=kz", "kind=party&amp;value=kz"),
        (
            "/en/sectors/energy/",
            "/en/documents/feed/?sector=energy",
            "kind=sector&amp;value=energy",
        ),
        (
            "/en/occasions/visit/",
            "/en/documents/feed/?occasion=visit",
            "kind=occasion&amp;value=visit",
        ),
        (
            "/en/documents/pipeline/",
            "/en/documents/pipeline/history/feed/",
            "kind=document&amp;value=pipeline",
        ),
        (
            "/en/documents/?sector=energy",
            "/en/documents/feed/?sector=energy",
            "kind=query&amp;value=sector%3Denergy",
        ),
    ],
)
def test_a_page_links_its_feed_and_its_email_alert(document, page, feed, subscribe):
    client = Client()
    html = client.get(page).content.decode()
    assert f'href="{feed}"' in html
    assert f'href="/en/alerts/subscribe/?{subscribe}"' in html
    link = f"/en/alerts/subscribe/?{subscribe.replace('&amp;', '&')}"
    form = client.get(link).content.decode()
    assert 'name="email"' in form
    assert client.get(feed).status_code == 200


def test_a_documents_feed_lists_its_changes_linking_their_history_entries(document):
    feed = Client().get("/en/documents/pipeline/history/feed/").content.decode()
    assert "/en/documents/pipeline/history/#change-document-" in feed
    assert "Document added" in feed


def test_following_a_party_follows_its_ministries_as_its_page_does(document):
    from agreements import following

    state = PartyFactory(slug="state", country="KZ")
    ministry = PartyFactory(slug="ministry", country="KZ", parent=state)
    ParticipationFactory(party=ministry)
    assert following.documents("party", "state").count() == 1
