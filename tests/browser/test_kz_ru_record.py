"""The Kazakhstan–Russia record (issue 27) as a reader sees it, in Kazakh and in
Russian: a real document, with its Kazakh title, its parties and the events of
each party, and Kazakhstan's country page; the screenshots go to
docs/screenshots/."""

from pathlib import Path

import pytest
from django.core.management import call_command

from agreements.management.commands.seed import FIXTURES

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DOCUMENT = "kz-ru-2009-border-joint-control"
TITLE_KK = "бірлескен бақылауды жүзеге асыру саласындағы ынтымақтастық туралы келісім"


@pytest.fixture
def record(site):
    call_command("loaddata", *FIXTURES[1:], verbosity=0)  # astana-2023 is loaded
    return site


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_screenshots_of_a_real_document_and_the_country_page(browser, record, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{record}/{lang}/documents/{DOCUMENT}/")
    assert TITLE_KK in page.inner_text("main")
    if lang == "kk":
        assert TITLE_KK in page.inner_text("h1")
    page.screenshot(
        path=str(SCREENSHOTS / f"kz-ru-document-{lang}.png"), full_page=True
    )
    page.goto(f"{record}/{lang}/countries/KZ/")
    assert "Декларация о переходе межгосударственных отношений" in page.inner_text(
        "main"
    )
    page.screenshot(path=str(SCREENSHOTS / f"country-kazakhstan-{lang}.png"))
    for name in (f"kz-ru-document-{lang}.png", f"country-kazakhstan-{lang}.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    context.close()
