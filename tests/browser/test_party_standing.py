"""The per-party table of a document's page: readable at desktop and phone
widths in Russian and English, accessible, and truthful about what is not
known (the Astana sources say nothing of ratification)."""

import pytest

from .conftest import serious_violations
from .test_public_site import SCREENSHOTS

pytestmark = pytest.mark.browser
MEMO = "astana-2023-tpp-memorandum"
NOT_KNOWN = {"en": "not known", "ru": "неизвестно"}


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_save_screenshots_of_the_per_party_table(browser, site, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/{lang}/documents/{MEMO}/")
    table = page.locator("table.party-standing")
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    for row in rows.all():  # the act, the notification, entry into force
        assert row.inner_text().count(NOT_KNOWN[lang]) == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    name = f"parties-table-{lang}-{width}.png"
    section = page.locator("section", has=page.locator("#standing"))
    section.screenshot(path=str(SCREENSHOTS / name))
    assert (SCREENSHOTS / name).stat().st_size > 5_000
    context.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_page_with_the_per_party_table_is_accessible(axe_page, site, lang):
    assert serious_violations(axe_page, f"{site}/{lang}/documents/{MEMO}/") == []
