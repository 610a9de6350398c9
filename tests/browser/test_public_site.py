import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import ASTANA

from .conftest import serious_violations

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def result_count(page):
    return int(page.locator(".result-count").get_attribute("data-count"))


def test_search_for_kokshetau_finds_the_power_plant_memorandum(page, site):
    page.goto(f"{site}/ru/documents/")
    page.get_by_label("Поиск по названиям").fill("кокшетау")
    page.get_by_role("button", name="Найти").click()
    page.wait_for_url("**q=*")
    results = page.locator("table.documents")
    assert (
        results.get_by_role("link", name="Меморандум о взаимопонимании между").count()
        == 1
    )
    assert result_count(page) == 2
    assert page.console_errors == []


def test_a_sector_filter_narrows_results_and_the_count_matches(page, site):
    page.goto(f"{site}/en/documents/")
    total = result_count(page)
    facet = page.locator('a[data-facet="sector"]', has_text="Energy")
    expected = int(facet.locator("xpath=following-sibling::span").inner_text())
    facet.click()
    page.wait_for_url("**sector=energy*")
    assert result_count(page) == expected < total
    assert page.locator("table.documents tbody tr").count() == expected


def test_switching_to_english_shows_english_titles(page, site):
    page.goto(f"{site}/ru/documents/astana-2023-tpp-memorandum/")
    assert "Меморандум о взаимопонимании" in page.locator("h1").inner_text()
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/documents/astana-2023-tpp-memorandum/")
    assert page.locator("h1").inner_text().startswith("Memorandum on the construction")
    assert page.locator("html").get_attribute("lang") == "en"


def test_detail_page_shows_parties_events_and_sources(page, site):
    page.goto(f"{site}/en/documents/astana-2023-tpp-memorandum/")
    parties = page.locator("section", has=page.locator("#parties"))
    assert "Ministry of Energy of the Russian Federation" in parties.inner_text()
    assert "N. G. Shulginov" in parties.inner_text()
    assert "signed" in page.locator("ol.timeline").inner_text()
    sources = page.locator("section", has=page.locator("#sources")).inner_text()
    assert "bizmedia.kz" in sources and "Кокшетау, Семей и Усть-Каменогорск" in sources
    assert page.console_errors == []


def test_csv_download_of_a_filtered_list_has_exactly_the_filtered_rows(page, site):
    page.goto(f"{site}/en/documents/?sector=energy")
    shown = result_count(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == shown == 5
    assert all("energy" in row["sectors"] for row in rows)


def test_keyboard_alone_reaches_the_search_box_and_the_results(page, site):
    page.goto(f"{site}/en/documents/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    focused = []
    for _ in range(15):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.getAttribute('href') || ''"
            )
        )
    assert "q" in focused
    page.locator("#q").focus()
    page.keyboard.type("Kokshetau")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Kokshetau*")
    for _ in range(80):  # past the filters: facets and the date range's fields
        page.keyboard.press("Tab")
        if "/documents/astana-2023-tpp-memorandum/" in (
            page.evaluate("document.activeElement.getAttribute('href')") or ""
        ):
            break
    else:
        pytest.fail("Tab never reached the first result")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/documents/astana-2023-tpp-memorandum/")


def test_pages_have_no_console_errors(page, site):
    for path in [
        "/en/documents/",
        f"/ru/occasions/{ASTANA}/",
        "/en/parties/russia/",
        "/en/sectors/",
        "/ru/about/",
        "/api/docs/",
    ]:
        # Until its requests are done (the API docs fetch the schema after the
        # load): one still served when the test ends raced the database flush.
        page.goto(site + path, wait_until="networkidle")
    assert page.console_errors == []


def test_phone_width_has_no_horizontal_page_scroll(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/en/documents/astana-2023-tpp-memorandum/")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/en/documents/",
        "/ru/documents/astana-2023-tpp-memorandum/",
        f"/ru/occasions/{ASTANA}/",
        "/en/documents/?q=zzzz",
    ],
)
def test_axe_finds_no_serious_accessibility_violations(axe_page, site, path):
    serious = serious_violations(axe_page, site + path)
    assert serious == [], json.dumps(serious, ensure_ascii=False)


def test_save_screenshots_of_the_main_pages(browser, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    shots = {
        "documents-list.png": "/en/documents/",
        "document-detail.png": "/en/documents/kostanay-forum-2023-package/",
        "occasion-astana.png": f"/ru/occasions/{ASTANA}/",
        "search-kokshetau.png": "/ru/documents/?q=кокшетау",
    }
    for name, path in shots.items():
        page.goto(site + path)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=False)
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    context.close()
