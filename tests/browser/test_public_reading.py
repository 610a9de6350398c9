"""The public site as a journalist or researcher reads it: on a phone, in one
language at a time, following a country, a question or a change."""

import json

import pytest

from tests.conftest import ASTANA

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
    assert phone.locator("#signed_after").is_visible()
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
NOT_ENGLISH_WORDS = {"API", "JSON", "CSV", "OpenAPI", "UTC", "RU", "EN", "Atom"}
INTERFACE_TEXT = """lang => {
    const other = lang === "ru" ? /[A-Za-z]{2,}/g : /[А-Яа-яЁё]+/g;
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


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_each_language_has_no_interface_text_in_the_other(page, site, lang):
    leaks = {}
    for path in PAGE_TYPES:
        page.goto(f"{site}/{lang}/{path.split('/', 2)[2]}")
        words = set(page.evaluate(INTERFACE_TEXT, lang)) - NOT_ENGLISH_WORDS
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
