"""What a reader trying the site found wrong: Sources missing from the menu,
feed links that ignored the page they were on, "Title unknown" sorted first,
and histories that showed a fixture load or a new document's sectors as edits."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from agreements.models import Document

from .conftest import api_as

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def html(response):
    return response.content.decode()


@pytest.mark.parametrize("lang, label", [("en", "Sources"), ("ru", "Источники")])
def test_sources_are_in_the_main_menu(client, lang, label):
    page = html(client.get(f"/{lang}/"))
    menu = re.search(r'<ul class="nav">(.*?)</ul>', page, re.S).group(1)
    assert f'<a href="/{lang}/sources/">{label}</a>' in menu


def feed_links(page):
    """The feed addresses a page offers: in its head and in its body."""
    return re.findall(r'href="(/\w\w/documents/feed/[^"]*)"', page)


def feed_slugs(client, url):
    root = ET.fromstring(client.get(url.replace("&amp;", "&")).content)
    links = [e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")]
    return sorted(link.rstrip("/").rsplit("/", 1)[-1] for link in links)


@pytest.mark.parametrize(
    "path, query",
    [
        ("/en/countries/RU/", "country=RU"),
        ("/en/parties/russia/", "party=russia&amp;party="),
        ("/en/sectors/energy/", "sector=energy"),
    ],
)
def test_a_record_pages_feed_links_follow_its_own_documents(
    client, seeded, path, query
):
    response = client.get(path)
    links = feed_links(html(response))
    assert len(links) == 2  # <link rel="alternate"> and the visible one
    assert all(query in link for link in links), links
    shown = sorted(d.slug for d in response.context["page_obj"].paginator.object_list)
    assert feed_slugs(client, links[0]) == shown


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("ordering", ["title", "-title"])
def test_sorting_by_title_puts_documents_without_a_title_last(
    client, seeded, lang, ordering
):
    untitled = set(
        Document.objects.filter(title_en="", title_ru="").values_list("slug", flat=True)
    )
    assert untitled  # the fixture's unidentified documents
    response = client.get(f"/{lang}/documents/", {"ordering": ordering})
    slugs = [d.slug for d in response.context["documents"]]
    assert set(slugs[-len(untitled) :]) == untitled
    assert "Title unknown" not in html(response).split("<tbody")[1].split("<tr")[1]
    if lang == "en":  # the API sorts the same way
        rows = client.get("/api/v1/documents/", {"ordering": ordering}).json()
        api_slugs = [r["slug"] for r in rows["results"]]
        assert set(api_slugs[-len(untitled) :]) == untitled


def test_a_seeded_documents_history_does_not_show_the_load_as_a_change(client):
    call_command("loaddata", "astana-2023", verbosity=0)
    for slug in Document.objects.filter(sectors__isnull=False).values_list(
        "slug", flat=True
    ):
        assert client.get(f"/api/v1/documents/{slug}/history/").json()["history"] == []
        page = html(client.get(f"/en/documents/{slug}/history/"))
        assert "No changes recorded since the record was published." in page


def test_a_new_documents_history_reads_added_without_its_sectors(
    client, seeded, analyst
):
    created = api_as(analyst).post(
        "/api/v1/documents/",
        {
            "slug": "new-doc",
            "kind": "agreement",
            "title_en": "A new one",
            "sectors": ["energy", "sport"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    (change,) = client.get("/api/v1/documents/new-doc/history/").json()["history"]
    assert change["changes"] == [
        {"record": "document", "row": "", "action": "created", "fields": []}
    ]
    page = html(client.get("/en/documents/new-doc/history/"))
    assert 'data-action="created"><strong>Document</strong>: added</li>' in page
