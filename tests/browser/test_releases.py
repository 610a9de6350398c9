"""The releases page in a browser: two releases with a changelog, in one
language per page (ru, kk, en), fitting a phone; screenshots for the README."""

import json
from pathlib import Path

import pytest

from agreements.models import Document
from agreements.releasing import release_publish
from tests.factories import DocumentFactory

from .test_languages import UNMARKED

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def two_releases(site):
    leaving = DocumentFactory(slug="withdrawn-draft", title_ru="Проект, снятый с учёта")
    release_publish()
    DocumentFactory(
        slug="new-in-release-2",
        title_ru="Соглашение, добавленное во второй выпуск",
        title_en="An agreement added in release 2",
    )
    leaving.delete()
    memo = Document.objects.get(slug="astana-2023-tpp-memorandum")
    memo.summary_en = "The summary, corrected after release 1."
    memo.save()
    release_publish()
    return site


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_releases_page_is_in_one_language_and_fits_a_phone(
    browser, two_releases, lang
):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{two_releases}/{lang}/releases/")
    assert page.locator("section.release").count() == 2
    assert page.locator(".changelog-added li").count() == 1
    assert page.locator(".changelog-removed li").count() == 1
    assert page.locator(".changelog-changed li").count() == 1
    found = page.evaluate(UNMARKED, lang)
    assert found == [], json.dumps(found, ensure_ascii=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_save_screenshots_of_the_releases_page(browser, two_releases, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{two_releases}/{lang}/releases/")
    name = f"releases-{lang}.png"
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    assert (SCREENSHOTS / name).stat().st_size > 10_000
    context.close()
