"""The public site as a journalist or researcher reads it: on a phone, in one
language at a time, following a country, a question or a change."""

import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from agreements.models import Document, Party
from tests.conftest import ASTANA
from tests.factories import DocumentFactory, EventFactory

from .conftest import serious_violations

pytestmark = pytest.mark.browser

# One page of every type the public site has.
PAGE_TYPES = [
    "/en/documents/",
    "/ru/documents/?country=RU&ordering=-title",
    "/en/documents/astana-2023-tpp-memorandum/",
    "/ru/documents/kostanay-forum-2023-package/",
    "/en/parties/",
    "/ru/parties/russia/",
    "/en/sectors/",
    "/ru/sectors/energy/",
    "/en/occasions/",
    f"/ru/occasions/{ASTANA}/",
    "/en/data-quality/",
    "/ru/about/",
    "/en/documents/?q=zzzz",
    "/en/countries/",
    "/ru/countries/RU/",
    "/en/",
    "/ru/",
    "/en/documents/astana-2023-tpp-memorandum/history/",
    "/ru/documents/kostanay-forum-2023-package/history/",
]


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_type_fits_a_375_px_phone_without_horizontal_scroll(
    phone, site, path
):
    phone.goto(site + path)
    assert page_width(phone) <= 375


def test_on_a_phone_the_list_is_cards_and_the_filters_come_before_the_results(
    phone, site
):
    phone.goto(f"{site}/en/documents/")
    filters = phone.locator("details.filters")
    results = phone.locator("section.results")
    assert filters.bounding_box()["y"] < results.bounding_box()["y"]
    assert not phone.locator("#signed_after").is_visible()  # folded away
    phone.locator("details.filters summary").click()
    expect(phone.locator("#signed_after")).to_be_visible()
    row = phone.locator("table.documents tbody tr").first
    assert phone.evaluate("el => getComputedStyle(el).display", row.element_handle())
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    assert phone.locator("table.documents thead").bounding_box()["height"] <= 1


def test_on_a_desktop_the_filters_are_open_beside_the_results(page, site):
    page.goto(f"{site}/en/documents/")
    assert page.locator("#signed_after").is_visible()
    facets = page.locator("aside.facets").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]


# Text in the other language that is interface all the same: codes and names.
NAMES = {
    "API",
    "JSON",
    "CSV",
    "ZIP",
    "OpenAPI",
    "UTC",
    "RU",
    "EN",
    "Atom",
    "BibTeX",
    "CSL",
}
INTERFACE_TEXT = """lang => {
    const other = lang === "en" ? /[А-Яа-яЁё]+/g : /[A-Za-z]{2,}/g;
    // Data is not interface: records' texts carry their own lang, sources and
    // slugs are quoted as they are.
    const data = `[lang]:not(html), code, .citations, .slug, .data, script, style`;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (node.parentElement.closest(data)) continue;
        for (const word of node.textContent.match(other) || []) found.push(word);
    }
    for (const el of document.querySelectorAll("[placeholder], [aria-label], option"))
        for (const word of (el.getAttribute("placeholder") || el.getAttribute("aria-label") || el.textContent).match(other) || [])
            if (!el.closest(data)) found.push(word);
    return found;
}"""


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_each_language_has_no_interface_text_in_the_other(page, site, lang):
    leaks = {}
    for path in PAGE_TYPES:
        page.goto(f"{site}/{lang}/{path.split('/', 2)[2]}")
        words = set(page.evaluate(INTERFACE_TEXT, lang)) - NAMES
        if words:
            leaks[path] = sorted(words)
    assert leaks == {}, json.dumps(leaks, ensure_ascii=False)


def test_the_russian_federation_counts_documents_its_ministries_signed(page, site):
    page.goto(f"{site}/en/parties/")
    page.get_by_role("link", name="Russian Federation").first.click()
    page.wait_for_url("**/countries/RU/")
    ministries = page.locator('table.by-kind tr[data-kind="ministry"] td.num')
    assert ministries.inner_text() == "3"
    assert "8 documents" in page.locator("main h2").all_inner_texts()
    page.goto(f"{site}/en/parties/russia/")
    split = page.locator("p.split")
    assert split.get_attribute("data-own") == "1"
    assert split.get_attribute("data-subordinate") == "4"
    page.get_by_role("link", name="Filter and download these documents").click()
    assert int(page.locator(".result-count").get_attribute("data-count")) == 5


ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_filtered_feed_holds_exactly_the_filtered_documents(page, site):
    page.goto(f"{site}/en/documents/?sector=energy&country=KZ&ordering=title")
    listed = {
        a.get_attribute("href")
        for a in page.locator("table.documents td.title-cell > a").all()
    }
    link = page.get_by_role("link", name="Follow these documents (Atom feed)")
    feed_url = link.get_attribute("href")
    assert "sector=energy" in feed_url and "country=KZ" in feed_url
    body = page.request.get(site + feed_url).text()
    entries = ET.fromstring(body).findall(f"{ATOM}entry")
    linked = {e.find(f"{ATOM}link").get("href").removeprefix(site) for e in entries}
    assert linked == listed and len(listed) == 5


def test_the_as_of_switch_walks_through_a_suspension_and_its_lifting(page, site):
    doc = DocumentFactory(slug="suspended-accord", title_en="Suspended accord")
    for kind, day in [
        ("signed", "2020-01-10"),
        ("entered_into_force", "2020-03-01"),
        ("suspended", "2022-06-01"),
        ("resumed", "2023-02-01"),
    ]:
        EventFactory(document=doc, kind=kind, occurred_on=day)
    page.goto(f"{site}/en/documents/suspended-accord/")
    status = page.locator(".facts .status").first
    assert status.inner_text() == "in force"
    for day, expected in [
        ("2020-02-01", "signed"),
        ("2021-01-01", "in force"),
        ("2022-12-31", "suspended"),
        ("2023-02-01", "in force"),
    ]:
        page.locator("#as_of").fill(day)
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(f"**as_of={day}*")
        assert status.inner_text() == expected
        assert status.get_attribute("data-as-of") == day
    page.get_by_role("link", name="Back to today").click()
    assert status.get_attribute("data-as-of") is None
    # The list and the API answer the same question the same way.
    page.goto(f"{site}/en/documents/?as_of=2022-12-31&q=suspended")
    assert page.locator("table.documents .status").inner_text() == "suspended"
    api = page.request.get(
        f"{site}/api/v1/documents/suspended-accord/?as_of=2022-12-31"
    )
    assert api.json()["status"] == "suspended"


def test_the_home_page_charts_have_text_alternatives(page, site):
    page.goto(f"{site}/en/")
    chart = page.locator('figure[data-chart="sector"] svg[role="img"]')
    assert chart.count() == 1
    names = chart.get_attribute("aria-labelledby").split()
    alternative = " ".join(page.locator(f"#{n}").text_content() for n in names)
    assert "Documents by sector" in alternative and "Energy: 5" in alternative
    page.locator('figure[data-chart="year"] summary').click()
    assert page.locator('figure[data-chart="year"] table').is_visible()
    assert page.locator('figure[data-chart="status"] rect').count() >= 1
    assert page.console_errors == []


def test_detail_pages_carry_json_ld_and_their_own_og_title(page, site):
    titles = set()
    for slug in ["astana-2023-tpp-memorandum", "kostanay-forum-2023-package"]:
        page.goto(f"{site}/en/documents/{slug}/")
        ld = json.loads(
            page.locator('script[type="application/ld+json"]').text_content()
        )
        assert ld["@type"] == "CreativeWork" and ld["url"].endswith(f"/{slug}/")
        titles.add(page.locator('meta[property="og:title"]').get_attribute("content"))
        assert page.locator("[data-format=bibtex]").text_content().startswith("@misc{")
        csl = json.loads(page.locator("[data-format=csl-json]").text_content())
        assert csl["URL"] == ld["url"] and csl["version"]
    assert len(titles) == 2
    assert page.request.get(f"{site}/favicon.ico").status == 200
    assert page.console_errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/ru/countries/",
        "/en/countries/RU/",
        "/ru/parties/russia/",
        "/en/documents/?as_of=2023-11-08&country=KZ",
        "/ru/documents/astana-2023-tpp-memorandum/?as_of=2023-11-08",
        "/en/documents/astana-2023-tpp-memorandum/history/",
    ],
)
def test_axe_finds_no_serious_violations_on_the_new_pages(axe_page, site, path):
    serious = serious_violations(axe_page, site + path)
    assert serious == [], json.dumps(serious, ensure_ascii=False)


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_save_screenshots_of_the_home_country_and_phone_list(browser, site):
    shots = [
        ("home.png", "/en/", 1280, 900),
        ("country-russia.png", "/en/countries/RU/", 1280, 900),
        ("phone-list.png", "/ru/documents/", 375, 800),
    ]
    for name, path, width, height in shots:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(site + path)
        page.screenshot(path=str(SCREENSHOTS / name))
        assert (SCREENSHOTS / name).stat().st_size > 10_000
        context.close()


MEMORANDUM = "astana-2023-tpp-memorandum"


def edit_memorandum(django_user_model):
    """Two changes, as analysts make them: a field edit with a reason, an event."""
    anna = django_user_model.objects.create_user("anna", password="x-long-pass-1")
    memo = Document.objects.get(slug=MEMORANDUM)
    memo.title_en = "Memorandum of understanding on thermal power plants"
    memo._history_user = anna
    memo._change_reason = "Official English wording from the ministry's release"
    memo.save()
    EventFactory(
        document=memo,
        kind="ratified",
        occurred_on=datetime.date(2024, 3, 1),
        party=Party.objects.get(slug="kazakhstan"),
    )
    return anna


def test_a_reader_finds_and_cites_a_change_in_the_history(
    page, site, django_user_model
):
    anna = edit_memorandum(django_user_model)
    page.goto(f"{site}/en/documents/{MEMORANDUM}/")
    page.get_by_role("link", name="History of changes").click()
    page.wait_for_url(f"**/{MEMORANDUM}/history/")
    changes = page.locator("ol.history > li")
    api = page.request.get(f"{site}/api/v1/documents/{MEMORANDUM}/history/").json()
    assert [c.get_attribute("id") for c in changes.all()] == [
        c["id"] for c in api["history"]
    ]
    edit = page.locator("ol.history > li", has_text="Official English wording")
    assert edit.locator('[data-field="title_en"]').inner_text() == "title (English)"
    edit.locator("h2 a").click()
    assert page.url.endswith("#" + edit.get_attribute("id"))
    assert "ratified" in changes.first.inner_text()
    assert anna.username not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "document-history.png"), full_page=True)
    assert (SCREENSHOTS / "document-history.png").stat().st_size > 10_000
    for lang in ("en", "ru"):
        page.goto(f"{site}/{lang}/documents/{MEMORANDUM}/history/")
        assert set(page.evaluate(INTERFACE_TEXT, lang)) - NAMES == set(), lang
    assert page.console_errors == []


def test_the_history_fits_a_phone(phone, site, django_user_model):
    edit_memorandum(django_user_model)
    phone.goto(f"{site}/ru/documents/{MEMORANDUM}/history/")
    # The edit and the entries before it (the fixture load itself is not shown).
    assert phone.locator("ol.history > li").count() >= 2
    assert page_width(phone) <= 375
