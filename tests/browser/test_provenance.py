import json

import pytest

from .conftest import serious_violations
from .test_public_site import SCREENSHOTS

pytestmark = pytest.mark.browser
MEMO = "astana-2023-tpp-memorandum"
TRANSIT = "gazprom-qazaqgaz-transit-contract-2023"


def test_from_a_fact_to_its_source_page_and_back(page, site):
    page.goto(f"{site}/en/documents/{MEMO}/")
    signatories = page.locator('.provenance[data-fact="participations"]')
    assert signatories.get_attribute("data-state") == "sourced"
    signatories.get_by_role("link", name="S26", exact=True).click()
    page.wait_for_url("**/en/sources/astana-2023-s26/")
    assert "Agenzia Nova" in page.locator("main").inner_text()
    fact = page.locator(f'li[data-fact="{MEMO}:participations"]')
    assert "Shulginov" in fact.inner_text()
    fact.get_by_role("link", name="Parties and signatories").click()
    page.wait_for_url(f"**/en/documents/{MEMO}/#cite-participations")
    assert page.locator("#cite-participations").is_visible()
    assert page.console_errors == []


def test_a_label_in_a_summary_leads_to_the_source(page, site):
    page.goto(f"{site}/ru/documents/{TRANSIT}/")
    page.locator("p a.source-ref", has_text="S22").first.click()
    page.wait_for_url("**/ru/sources/astana-2023-s22/")
    assert (
        "Trend" in page.locator("h1").inner_text() + page.locator("main").inner_text()
    )


def test_save_screenshots_of_provenance(browser, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(f"{site}/en/sources/astana-2023-s26/")
    page.screenshot(path=str(SCREENSHOTS / "source-page.png"), full_page=True)
    page.goto(f"{site}/en/documents/{TRANSIT}/")
    facts = page.locator("section", has=page.locator("#facts"))
    states = set(
        facts.locator(".provenance").evaluate_all(
            "nodes => nodes.map(n => n.dataset.state)"
        )
    )
    assert {"sourced", "editorial", "unknown"} <= states
    facts.screenshot(path=str(SCREENSHOTS / "facts-sourced-editorial-unknown.png"))
    for name in ("source-page.png", "facts-sourced-editorial-unknown.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/en/sources/",
        "/ru/sources/astana-2023-s1/",
        f"/en/documents/{TRANSIT}/",
        "/ru/data-quality/",
    ],
)
def test_provenance_pages_have_no_serious_accessibility_violations(
    axe_page, site, path
):
    serious = serious_violations(axe_page, site + path)
    assert serious == [], json.dumps(serious, ensure_ascii=False)
