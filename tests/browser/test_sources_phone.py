"""The sources a reader checks on a phone: the list of sources fits 375 px,
with nothing in it scrolling sideways (it was a table wider than the screen
inside a scrolling box)."""

import pytest

from agreements.models import Source

pytestmark = pytest.mark.browser

SIDEWAYS = """[...document.querySelectorAll('main *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1
               && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .map(e => e.tagName + '.' + e.className)"""


@pytest.mark.parametrize("path", ["/en/sources/", "/ru/sources/"])
def test_the_sources_list_fits_a_375_px_phone_without_sideways_scroll(
    browser, site, path
):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site + path)
    assert page.locator("table.sources tbody tr").count() == Source.objects.count()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate(SIDEWAYS) == []
    label = page.locator("table.sources tbody tr").first.locator("td").first
    assert label.bounding_box()["x"] + label.bounding_box()["width"] <= 375
    context.close()
