"""The public site as a journalist or researcher reads it: on a phone, in one
language at a time, following a country, a question or a change."""

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
