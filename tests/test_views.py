import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from agreements.facets import FACETS
from agreements.filters import country_choices
from agreements.models import Document, FacetCount, Participation
from agreements.search_index import ranks_by_index

from .conftest import ASTANA, api_as, count_queries
from .factories import DocumentFactory, SectorFactory, documents_with_relations

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def test_root_leads_to_the_home_page(client, seeded):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/ru/"
    assert response.status_code == 200
    assert response.templates[0].name == "agreements/home.html"


def test_search_is_case_insensitive_in_cyrillic(client, seeded):
    page = html(client.get("/ru/documents/", {"q": "КОКШЕТАУ"}))
    assert "Меморандум о взаимопонимании между Министерством энергетики" in page
    assert "Совместное заявление" not in page


def test_sector_facet_narrows_results_and_counts_match(client, seeded):
    everything = client.get("/en/documents/").context
    energy = everything["facets"][0][2]
    label, count, url, selected = next(v for v in energy if str(v[0]) == "Energy")
    narrowed = client.get("/en/documents/" + url)
    assert narrowed.context["page_obj"].paginator.count == count == 5
    assert f'data-count="{count}"' in html(narrowed)


def facet_counts(client, query):
    facets = client.get("/en/documents/", query).context["facets"]
    return {p: [(str(v[0]), v[1]) for v in values] for _t, p, values in facets}


EVERY_KIND = {"kind": [kind for kind, _label in Document.Kind.choices]}


def test_stored_facet_counts_follow_every_write(client, seeded, analyst):
    """Unfiltered, the facets come from the stored counts (`FacetCount`); a
    filter that keeps every document counts them in SQL. Both must agree, from
    the fixtures and after writes by the API and the admin, a party's change of
    country and a deletion (a party twice in a document, in two roles, is one
    document)."""

    def agree():
        everything = facet_counts(client, {})
        assert everything == facet_counts(client, EVERY_KIND)
        assert list(everything) == FACETS  # every facet has values
        return everything

    before = agree()
    api = api_as(analyst)
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    first = doc.participations.first()
    role = next(r for r in Participation.Role if r != first.role)
    etag = api.get(f"/api/v1/documents/{doc.slug}/")["ETag"]
    changed = api.patch(
        f"/api/v1/documents/{doc.slug}/",
        {
            "kind": "action_plan",
            "sectors": ["energy"],
            "participations": [
                *api.get(f"/api/v1/documents/{doc.slug}/").json()["participations"],
                {"party": first.party.slug, "role": role},
            ],
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200, changed.content
    party = first.party
    party.country = "UZ"
    party.save()
    gone = Document.objects.get(slug="astana-2023-joint-statement")
    client.force_login(analyst)
    deleted = client.post(
        f"/admin/agreements/document/{gone.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    client.logout()
    after = agree()
    assert after != before
    assert ("UZ" in dict(after["country"])) or any(
        "Uzbekistan" in label for label, _n in after["country"]
    )
    assert sum(n for _v, n in after["kind"]) == sum(n for _v, n in before["kind"]) - 1


def test_facets_out_of_time_are_left_out_and_the_rows_still_shown(
    client, seeded, settings
):
    settings.FACET_TIME_LIMIT_MS = 0
    page = client.get("/en/documents/", EVERY_KIND)
    assert page.status_code == 200
    assert [values for _title, _param, values in page.context["facets"]] == [
        None
    ] * len(FACETS)
    assert page.context["page_obj"].paginator.count == 12
    assert html(page).count('class="muted facet-timeout"') == len(FACETS)
    assert "no-store" in page["Cache-Control"]  # the page is not kept whole
    # Of every document, the stored counts: no time needed.
    assert len(client.get("/en/documents/").context["facets"]) == len(FACETS)
    settings.FACET_TIME_LIMIT_MS = 60_000  # tried again on the next request
    facets = client.get("/en/documents/", EVERY_KIND).context["facets"]
    assert all(values for _t, _p, values in facets)


def test_a_fixture_loaded_again_is_counted_once(client, seeded):
    """loaddata overwrites the documents it holds: each is taken out of the
    stored counts before it is counted again."""
    before = facet_counts(client, {})
    call_command("loaddata", "astana-2023", verbosity=0)
    assert facet_counts(client, {}) == before == facet_counts(client, EVERY_KIND)


def test_each_recorded_country_is_offered_once(seeded):
    """A state, its ministries and its companies share a country: one choice
    (a DISTINCT that took the parties' ordering in gave one per party)."""
    codes = [code for code, _name in country_choices()]
    assert codes == sorted(set(codes))
    assert {"KZ", "RU"} <= set(codes)


@pytest.mark.underived
def test_a_facet_with_no_stored_count_is_counted_in_sql(client, seeded):
    """As for a facet added to FACETS, before the documents are derived again."""
    before = facet_counts(client, {})
    FacetCount.objects.filter(facet="year").delete()
    assert facet_counts(client, {}) == before


@pytest.mark.underived
def test_a_document_not_counted_yet_has_its_facets_counted_in_sql(
    client, seeded, settings
):
    """After migrating, documents are not counted until `check_derived --fix`:
    meanwhile the list of every document counts in SQL (here: out of time)."""
    settings.FACET_TIME_LIMIT_MS = 0
    Document._base_manager.filter(slug="astana-2023-tpp-memorandum").update(
        facet_keys=None
    )
    facets = client.get("/en/documents/").context["facets"]
    assert [values for _t, _p, values in facets] == [None] * len(FACETS)
    call_command("refresh_statuses", "--all", stdout=io.StringIO())
    facets = client.get("/en/documents/").context["facets"]
    assert all(values for _t, _p, values in facets)


def test_english_page_shows_english_titles_and_marks_fallbacks(client, seeded):
    page = html(client.get("/en/documents/"))
    assert "Memorandum on the construction of thermal power plants" in page
    assert "(in Russian only)" in page  # the sport plan has no English title
    assert "Title unknown" in page


def test_detail_page_shows_parties_events_sources_and_unknowns(client, seeded):
    page = html(client.get("/ru/documents/astana-2023-tpp-memorandum/"))
    for text in [
        "Н. Г. Шульгинов",
        "Министерство энергетики Республики Казахстан",
        "2023-11-09",
        "bizmedia.kz",
        "Кокшетау",
        "неизвестно",
    ]:
        assert text in page
    assert "Inter RAO-Export" in html(
        client.get("/en/documents/tpp-construction-agreement-2024-04-17/")
    )


def test_disputed_facts_show_both_claims_with_their_sources(client, seeded):
    page = html(client.get("/en/documents/kostanay-forum-2023-package/"))
    assert "about 100 mln USD" in page and "83 mln USD" in page
    assert "Sources disagree about" in page


def test_astana_occasion_page_lists_the_seven_documents(client, seeded):
    response = client.get(f"/ru/occasions/{ASTANA}/")
    assert response.context["page_obj"].paginator.count == 7
    assert "28,2 млрд" in html(response)


@pytest.mark.parametrize(
    "url",
    [
        "/ru/parties/",
        "/ru/parties/russia/",
        "/en/sectors/",
        "/en/sectors/energy/",
        "/en/occasions/",
        "/ru/about/",
        "/en/about/",
    ],
)
def test_other_pages_render(client, seeded, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "sector=unknown-sector",
        "page=abc",
        "year=20x3",
        "signed_after=2023-02-30",
        "ordering=price",
        "kind=poem",
        "page=-1",
        "in_force_on=x",
    ],
)
def test_bad_query_values_give_a_friendly_400(client, seeded, query):
    response = client.get(f"/en/documents/?{query}")
    assert response.status_code == 400
    assert "could not be understood" in html(response)


def test_unknown_pages_are_a_styled_404(client, seeded):
    response = client.get("/en/documents/no-such-thing/")
    assert response.status_code == 404
    assert "Page not found" in html(response) and "css/site." in html(response)


def test_csv_download_holds_the_whole_filtered_set_not_one_page(client):
    sector = SectorFactory(slug="energy")
    documents_with_relations(30, sector=sector)
    DocumentFactory()  # not in the sector
    response = client.get("/en/documents/export.csv", {"sector": "energy"})
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 30
    assert client.get("/en/documents/export.csv", {"sector": "nope"}).status_code == 400
    assert client.get("/en/documents/export.xml").status_code == 400


def test_pagination_links_keep_the_filters(client):
    documents_with_relations(30, sector=SectorFactory(slug="energy"))
    page = html(client.get("/en/documents/", {"sector": "energy"}))
    assert "?sector=energy&amp;page=2" in page


def test_the_total_is_written_with_the_languages_thousands_separator(client):
    Document.objects.bulk_create(
        Document(slug=f"bulk-{n}", kind=Document.Kind.AGREEMENT) for n in range(1234)
    )
    assert "1,234 documents" in html(client.get("/en/documents/"))
    assert "1\xa0234 документа" in html(client.get("/ru/documents/"))


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/documents/",
        "/en/documents/?sector=energy&q=agreement",
        "/en/documents/feed/",
        "/en/sectors/energy/",
        "/en/parties/",
        "/en/occasions/",
    ],
)
def test_query_count_does_not_grow_with_the_number_of_documents(client, url):
    sector = SectorFactory(slug="energy")
    documents_with_relations(3, sector=sector)
    ranks_by_index(connection)  # asked once a connection, by the first search
    small = count_queries(client, url)
    documents_with_relations(27, sector=sector)  # 30: more than a page
    assert count_queries(client, url) == small


def document_queries(client, url):
    """The SQL one uncached GET of `url` sends for its data (not the cache's)."""
    with (
        CaptureQueriesContext(connection) as ctx,
        override_settings(READ_CACHE_SECONDS=0),
    ):
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "django_cache" not in q["sql"]]


def test_detail_query_count_does_not_grow_with_related_rows(client):
    doc = documents_with_relations(1)[0]
    small = count_queries(client, doc.get_absolute_url())
    # The document with its occasion, then its sectors, parties, events and
    # citations with their sources: no query for the sets it has none of
    # (texts, relations, research questions, archived sources).
    assert len(document_queries(client, doc.get_absolute_url())) <= 5
    from .factories import CitationFactory, EventFactory, ParticipationFactory

    for _ in range(9):  # 10 of each
        ParticipationFactory(document=doc)
        CitationFactory(document=doc)
        EventFactory(document=doc, occurred_on=f"2024-01-{_ + 2:02d}")
    assert count_queries(client, doc.get_absolute_url()) == small


def test_public_site_is_read_only(client, seeded):
    for url in ["/en/documents/", "/en/documents/astana-2023-tpp-memorandum/"]:
        assert client.post(url).status_code in (403, 405)
    assert Document.objects.count() == 12


def test_pages_carry_title_description_canonical_and_alternates(client, seeded):
    page = html(client.get("/en/documents/astana-2023-tpp-memorandum/"))
    assert "<title>Memorandum on the construction" in page
    assert '<meta name="description"' in page
    assert (
        '<link rel="canonical" href="http://testserver/en/documents/astana-2023-tpp-memorandum/">'
        in page
    )
    assert 'hreflang="ru" href="/ru/documents/astana-2023-tpp-memorandum/"' in page


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_data_quality_page_lists_gaps_and_disputes(client, seeded):
    response = client.get("/en/data-quality/")
    context = response.context
    disputed = {doc.slug: fields for doc, fields in context["disputed"]}
    assert set(disputed) == {
        # not the memorandum: S28's dateline slip is judged unreliable, no dispute
        "kostanay-forum-2023-package",
        "gazprom-kazakhstan-2023-11-01",
        "tpp-construction-agreement-2024-04-17",
    }
    assert [str(f) for f in disputed["kostanay-forum-2023-package"]] == ["value"]
    untitled, reported, no_parties, undated, uncited = (
        {d.slug for d in docs} for _title, docs in context["sections"]
    )
    assert {"astana-2023-unidentified-5", "astana-2023-joint-statement"} <= untitled
    assert "astana-2023-tpp-memorandum" in reported
    assert "astana-2023-unidentified-7" in no_parties
    # The joint action plan is reported adopted, not signed: no signing date.
    assert undated == {
        "kostanay-forum-2023-package",
        "astana-2023-joint-action-plan-2024-2026",
    }
    assert not uncited


def test_data_quality_query_count_does_not_grow(client):
    from .factories import CitationFactory

    def disputed_docs(n):
        for doc in documents_with_relations(n):
            CitationFactory(document=doc, field="value_amount", claim="1")
            CitationFactory(document=doc, field="value_amount", claim="2")

    disputed_docs(3)
    small = count_queries(client, "/en/data-quality/")
    disputed_docs(27)
    assert count_queries(client, "/en/data-quality/") == small


def test_atom_feed_lists_recently_changed_documents(client, seeded):
    response = client.get("/en/documents/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Memorandum on the construction of thermal power plants" in body
    assert "Title unknown (astana-2023-unidentified-5)" in body


def test_the_status_facet_counts_the_status_as_of_the_day_asked(client, seeded):
    today = client.get("/en/documents/").context
    before = client.get("/en/documents/", {"as_of": "2000-01-01"}).context
    status = {name: values for _t, name, values in before["facets"]}["status"]
    # In 2000 nothing had been signed yet: every document's status was unknown.
    assert [(str(label), n) for label, n, _url, _sel in status] == [
        ("no events recorded", 12)
    ]
    assert {name for _t, name, _v in today["facets"]} >= {"status"}
