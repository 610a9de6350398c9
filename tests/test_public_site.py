"""The public reading features: localized sorting and labels, countries and
parties that roll up their subordinate bodies."""

import re
import subprocess

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from agreements.models import DeletedDocument, Document, Party

from .conftest import count_queries
from .factories import DocumentFactory, ParticipationFactory, PartyFactory
from .test_project import ROOT

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def test_the_russian_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = ROOT / "agreements/locale/ru/LC_MESSAGES/django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(
            ["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True
        ).stdout
        assert re.findall(r'^msgid "(.+)"', out, re.M) == [], flag


@pytest.mark.parametrize(
    ("lang", "expected", "unexpected"),
    [
        ("en", "Date signed, newest first", "убыванию"),
        ("ru", "Дата подписания, сначала поздние", "descending"),
    ],
)
def test_sort_options_read_in_the_pages_language(
    client, seeded, lang, expected, unexpected
):
    page = html(client.get(f"/{lang}/documents/"))
    assert expected in page and unexpected not in page


@pytest.mark.parametrize(
    ("lang", "order"),
    [
        ("en", ["Apple", "Banana", "Яблоко-only"]),
        ("ru", ["Zebra-only", "Антон", "Бета"]),
    ],
)
def test_title_sorts_by_the_title_in_the_readers_language(client, lang, order):
    DocumentFactory(slug="a", title_en="Banana", title_ru="Антон")
    DocumentFactory(slug="b", title_en="Apple", title_ru="Бета")
    DocumentFactory(slug="c", title_en="", title_ru="Яблоко-only")
    DocumentFactory(slug="d", title_en="Zebra-only", title_ru="")
    documents = client.get(f"/{lang}/documents/?ordering=title").context["documents"]
    shown = [d.title.text for d in documents]
    assert [t for t in shown if t in order] == order
    reverse = client.get(f"/{lang}/documents/?ordering=-title").context["documents"]
    assert [d.title.text for d in reverse] == shown[::-1]


def test_the_api_sorts_by_english_title(client):
    DocumentFactory(slug="a", title_en="Banana", title_ru="Антон")
    DocumentFactory(slug="b", title_en="Apple", title_ru="Бета")
    rows = client.get("/api/v1/documents/?ordering=title").json()["results"]
    assert [r["slug"] for r in rows] == ["b", "a"]


def test_russias_page_counts_documents_of_its_ministries_and_regions(client, seeded):
    response = client.get("/en/parties/russia/")
    assert response.context["own_count"] == 1
    assert response.context["subordinate_count"] == 4
    assert response.context["page_obj"].paginator.count == 5
    assert "4 more signed only by bodies that belong to it" in html(response)
    assert "party=russia&amp;party=astrakhan-oblast" in html(response)


def test_a_party_rolls_up_bodies_below_its_children():
    state = PartyFactory(kind="state", country="RU")
    ministry = PartyFactory(kind="ministry", country="RU", parent=state)
    agency = PartyFactory(kind="ministry", country="RU", parent=ministry)
    assert set(Party.objects.below(state)) == {ministry, agency}
    assert list(Party.objects.below(agency)) == []


def test_country_page_counts_documents_by_kind_of_party(client, seeded):
    response = client.get("/en/countries/RU/")
    assert response.context["page_obj"].paginator.count == 8
    by_kind = {kind: n for kind, _label, n in response.context["by_kind"]}
    assert by_kind == {"company": 4, "ministry": 3, "region": 1, "state": 1}
    assert "Russian Federation" in html(response)
    assert "?country=RU" in html(response)
    assert client.get("/ru/countries/RU/").context["name"] == "Российская Федерация"


@pytest.mark.parametrize("code", ["XX", "ru", "RUS"])
def test_unknown_countries_are_a_404(client, seeded, code):
    assert client.get(f"/en/countries/{code}/").status_code == 404


def test_a_country_code_the_database_cannot_store_is_a_4xx(client, seeded):
    # PostgreSQL refuses NUL in text: the middleware answers 400, SQLite a 404.
    assert client.get("/en/countries/%00/").status_code in (400, 404)


def test_country_list_links_each_country(client, seeded):
    page = html(client.get("/ru/countries/"))
    assert 'href="/ru/countries/KZ/"' in page and "Казахстан" in page


def test_the_list_page_offers_country_and_date_range_filters(client, seeded):
    response = client.get(
        "/en/documents/?country=KZ&signed_after=2023-11-01&signed_before=2023-11-30"
    )
    page = html(response)
    assert 'name="signed_after" type="date" value="2023-11-01"' in page
    assert '<input type="hidden" name="country" value="KZ">' in page
    countries = next(
        v for _t, name, v in response.context["facets"] if name == "country"
    )
    assert ("Kazakhstan", True) in [
        (str(label), sel) for label, _n, _u, sel in countries
    ]
    expected = Document.objects.filter(
        participations__party__country="KZ",
        signed_on__range=("2023-11-01", "2023-11-30"),
    ).distinct()
    assert response.context["page_obj"].paginator.count == expected.count() > 0


def test_country_page_query_count_does_not_grow(client):
    state = PartyFactory(kind="state", country="RU")
    for _ in range(3):
        ParticipationFactory(party=state)
    small = count_queries(client, "/en/countries/RU/")
    for _ in range(27):
        ParticipationFactory(party=PartyFactory(country="RU", parent=state))
    assert count_queries(client, "/en/countries/RU/") == small


def test_home_page_shows_counts_latest_changes_and_charts(client, seeded):
    response = client.get("/en/")
    charts = {name: rows for name, _title, rows in response.context["charts"]}
    assert ("Energy", 5) in [(label, n) for label, n, _u, _w in charts["sector"]]
    assert sum(n for _l, n, _u, _w in charts["status"]) == 12
    assert len(response.context["latest"]) == 5
    page = html(response)
    assert '<svg role="img"' in page and "<desc" in page


def test_feed_follows_the_lists_filters_and_refuses_bad_ones(client, seeded):
    body = client.get("/en/documents/feed/", {"sector": "sport"}).content.decode()
    assert body.count("<entry>") == 1 and "sector=sport" in body
    assert client.get("/en/documents/feed/", {"year": "x"}).status_code == 400


def test_expiring_feed_lists_documents_whose_term_ends_within_n_days(client):
    import datetime

    today = datetime.date.today()
    DocumentFactory(
        slug="soon", signed_on=None, valid_until=today + datetime.timedelta(days=10)
    )
    DocumentFactory(
        slug="later", signed_on=None, valid_until=today + datetime.timedelta(days=200)
    )
    body = client.get("/en/documents/feed/expiring/", {"days": "30"}).content.decode()
    assert "/documents/soon/" in body and "/documents/later/" not in body
    assert client.get("/en/documents/feed/expiring/", {"days": "0"}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/en/documents/?as_of=2023-02-30",
        "/en/documents/astana-2023-tpp-memorandum/?as_of=x",
    ],
)
def test_a_bad_as_of_date_is_a_400_naming_it(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 400 and "Status as of" in html(response)


def test_as_of_in_the_api_gives_the_status_on_that_day(client, seeded):
    url = "/api/v1/documents/astana-2023-tpp-memorandum/"
    assert client.get(url).json()["status"] == "signed"
    assert client.get(url, {"as_of": "2023-11-08"}).json()["status"] == "unknown"
    assert client.get(url, {"as_of": "nope"}).status_code == 400


def test_citations_use_the_site_url_and_the_version(client, seeded, settings):
    settings.SITE_URL = "https://tracker.example.org"
    page = html(client.get("/en/documents/astana-2023-tpp-memorandum/"))
    assert (
        "https://tracker.example.org/en/documents/astana-2023-tpp-memorandum/" in page
    )
    assert "@misc{astana_2023_tpp_memorandum_v1," in page
    assert '"@type": "CreativeWork"' in page  # a memorandum is not legislation


def test_favicon_is_served(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200


def fixture_document_stamps(name):
    rows = yaml.safe_load((ROOT / "fixtures/astana-2023.yaml").read_text("utf-8"))
    return [r["fields"][name] for r in rows if r["model"] == "agreements.document"]


def test_last_changed_is_the_fixtures_editorial_date_not_the_load(client, seeded):
    stamps = fixture_document_stamps("updated_at")
    assert len(stamps) == Document.objects.count()
    before = timezone.now()
    call_command(
        "loaddata", "astana-2023", verbosity=0
    )  # loading again changes nothing
    for url in ("/en/", "/ru/about/"):
        response = client.get(url)
        assert response.context["last_changed"] == max(stamps) < before
        assert f'datetime="{max(stamps).isoformat()}"' in html(response)
    memo = Document.objects.get(slug="astana-2023-tpp-memorandum")
    assert memo.updated_at in stamps
    assert f"last changed {memo.updated_at:%Y-%m-%d}" in html(
        client.get(memo.get_absolute_url().replace("/ru/", "/en/"))
    )


def test_last_changed_follows_edits_and_deletions(client, seeded):
    edited = DocumentFactory()
    assert (
        client.get("/en/").context["last_changed"]
        == Document.objects.get(pk=edited.pk).updated_at
    )
    Document.objects.get(slug="astana-2023-tpp-memorandum").delete()
    tombstone = DeletedDocument.objects.get(slug="astana-2023-tpp-memorandum")
    tombstone = tombstone.deleted_at
    # The documents it was related to changed with it (their relation is gone).
    related = Document.objects.filter(updated_at__gte=tombstone)
    assert related.exists()
    last_changed = client.get("/en/about/").context["last_changed"]
    assert last_changed == max(tombstone, *related.values_list("updated_at", flat=True))
