"""The "disputed" badge: written once (includes/_disputed.html), shown where facts are disputed."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
BADGE = ' <span class="disputed">{}</span>'


def test_the_disputed_badge_is_written_in_one_include():
    writers = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if 'class="disputed"' in path.read_text(encoding="utf-8")
    ]
    assert writers == ["includes/_disputed.html"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang, slug, word, badges",
    [
        # value_amount: its row in the facts and its heading among the sources
        ("en", "kostanay-forum-2023-package", "disputed", 2),
        # term_years (row and heading) and subject (heading only)
        ("ru", "gazprom-kazakhstan-2023-11-01", "спорно", 3),
    ],
)
def test_a_disputed_fact_carries_the_badge(client, seeded, lang, slug, word, badges):
    page = client.get(f"/{lang}/documents/{slug}/").content.decode()
    assert page.count(BADGE.format(word)) == badges
    assert page.count('class="disputed"') == badges


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/ru/documents/astana-2023-tpp-memorandum/",
        "/en/documents/astana-2023-tpp-memorandum/history/",
        "/ru/documents/astana-2023-joint-statement/history/",
        "/en/parties/russia/",
        "/ru/countries/KZ/",
    ],
)
def test_title_and_description_have_no_line_breaks(client, seeded, url):
    """Both are captured into attributes (og:title, description), where a line
    break in the template would stay."""
    page = client.get(url).content.decode()
    for name in ('property="og:title"', 'name="description"'):
        content = re.search(name + r' content="([^"]*)"', page).group(1)
        assert content and content == content.strip() and "\n" not in content
