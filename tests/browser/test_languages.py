"""One language per page: a reader of Russian, Kazakh or English meets text in
another language only where the page says so (`lang`), records' texts included."""

import json
from pathlib import Path

import pytest

from tests.conftest import ASTANA

pytestmark = pytest.mark.browser

# Every page type of the public site, with the fixtures' richest records.
PAGES = [
    "",
    "documents/",
    "documents/?q=Kokshetau",
    "documents/astana-2023-tpp-memorandum/",
    "documents/kostanay-forum-2023-package/",
    "documents/gazprom-kazakhstan-2023-11-01/",
    "documents/astana-2023-joint-action-plan-2024-2026/",
    "documents/samruk-kazyna-inter-rao-export-2023-12-26/",
    "documents/astana-2023-tpp-memorandum/history/",
    "parties/",
    "parties/qazaqgaz/",
    "people/",
    "people/n-g-shulginov/",
    "sectors/",
    "sectors/energy/",
    "occasions/",
    f"occasions/{ASTANA}/",
    "occasions/kostanay-forum-2023/",
    "countries/",
    "countries/KZ/",
    "data-quality/",
    "sources/",
    "sources/astana-2023-s6/",
    "sources/astana-2023-s28/",
    "about/",
    "alerts/subscribe/?kind=country&value=KZ",
]

# The text nodes of the page in a language other than the page's, where no
# `lang` says so. English: a word of three or more Latin letters, not all
# capitals (codes such as API, USD, TASS are the same in every language), in a
# node with no Cyrillic (a Latin name inside a Russian sentence is Russian
# text); addresses, file names and identifiers are not words. Russian: any
# Cyrillic letter. Machine formats (`translate="no"`, code, the cite box's pre) are not language.
UNMARKED = r"""pageLang => {
    const cyrillic = /[\u0400-\u04FF]/;
    const notWords = /\S+:\/\/\S+|[\w.-]+\.(ru|kz|com|net|org|it|az|tv|io|zip|json|csv)\b\S*|\S*[-_/]\S*|\S*\d\S*/g;
    const englishWord = /\b(?=[A-Za-z]*[a-z])[A-Za-z]{3,}\b/;
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (el.closest('script, style, code, pre, [translate="no"]')) continue;
        const text = node.textContent.trim();
        if (!text) continue;
        const declared = el.closest("[lang]").getAttribute("lang").slice(0, 2);
        if (declared !== pageLang) continue;
        const words = text.replace(notWords, " ");
        const foreign = pageLang === "en"
            ? cyrillic.test(text)
            : !cyrillic.test(text) && englishWord.test(words);
        if (foreign) found.push(text.slice(0, 80));
    }
    return found;
}"""


def unmarked_text(page, site, lang):
    found = {}
    for path in PAGES:
        page.goto(f"{site}/{lang}/{path}")
        assert page.locator("html").get_attribute("lang") == lang
        texts = page.evaluate(UNMARKED, lang)
        if texts:
            found[path] = sorted(set(texts))
    return found


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_russian_and_kazakh_pages_have_no_english_text_without_lang_en(
    page, site, lang
):
    found = unmarked_text(page, site, lang)
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_english_pages_have_no_russian_or_kazakh_text_without_its_lang(page, site):
    found = unmarked_text(page, site, "en")
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_language_switch_offers_three_languages_each_named_in_itself(page, site):
    page.goto(f"{site}/kk/documents/astana-2023-tpp-memorandum/")
    switch = page.locator("nav.langs")
    assert switch.locator("[aria-current]").inner_text() == "Қазақша"
    links = {a.get_attribute("hreflang"): a for a in switch.locator("a").all()}
    assert {code: a.inner_text() for code, a in links.items()} == {
        "ru": "Русский",
        "en": "English",
    }
    alternates = page.locator('head link[rel="alternate"][hreflang]')
    assert sorted(a.get_attribute("hreflang") for a in alternates.all()) == [
        "en",
        "kk",
        "ru",
    ]
    links["ru"].click()
    page.wait_for_url("**/ru/documents/astana-2023-tpp-memorandum/")
    assert page.locator("h1").get_attribute("lang") is None
    assert page.locator("h1 [lang]").first.get_attribute("lang") == "ru"


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_save_screenshots_of_a_document_page_in_kazakh_and_russian_on_a_phone(
    browser, site, lang
):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/{lang}/documents/astana-2023-tpp-memorandum/")
    name = f"document-phone-{lang}.png"
    page.screenshot(path=str(SCREENSHOTS / name))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert (SCREENSHOTS / name).stat().st_size > 10_000
    context.close()
