""" "Cite this record": a hostile title cannot change the citation's structure."""

import html
import re

import pytest

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db

FIELDS = ["title", "author", "year", "version", "date", "url", "urldate"]
HOSTILE_TITLES = [
    "Memo}},\n  note = {owned}}\n@misc{second, title = {x}",
    "Memo}}, publisher = {{Evil",
    "Memo\\}} , note={x",
    "Memo\r\n@comment{\n@misc{second,",
    "100% of {unbalanced {{ braces # & $ _ ^ ~ \\end{document}",
]


def bibtex_entries(text):
    """[(type, key, [field names])] read as BibTeX reads them: `@` starts an
    entry between entries; a braced value ends at its matching brace, a
    backslash escaping nothing."""
    entries, depth, i = [], 0, 0
    while i < len(text):
        if depth == 0 and text[i] == "@":
            head = re.match(r"@(\w+)\s*\{([^,]*),", text[i:])
            assert head, text[i : i + 40]
            entries.append((head[1], head[2], []))
            i += head.end()
            depth = 1
            continue
        if depth == 1:
            field = re.match(r"\s*(\w+)\s*=", text[i:])
            if field:
                entries[-1][2].append(field[1])
                i += field.end()
                continue
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        assert depth >= 0, "a brace closes what was never opened"
        i += 1
    assert depth == 0, "an entry is left open"
    return entries


def bibtex_of(client, document):
    page = client.get(f"/en/documents/{document.slug}/").content.decode()
    block = re.search(r'<pre class="data" data-format="bibtex">(.*?)</pre>', page, re.S)
    return html.unescape(block[1])


def test_the_reader_of_the_test_sees_an_injected_field():
    forged = "@misc{a_v1,\n  title = {{Memo}},\n  note = {owned},\n}\n@misc{b,\n}"
    assert bibtex_entries(forged) == [
        ("misc", "a_v1", ["title", "note"]),
        ("misc", "b", []),
    ]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_stays_inside_the_title_of_the_one_entry(client, title):
    document = DocumentFactory(slug="hostile", title_en=title, title_ru="")
    bibtex = bibtex_of(client, document)
    assert bibtex_entries(bibtex) == [("misc", f"hostile_v{document.version}", FIELDS)]
    assert "\n" not in bibtex.split("title = ")[1].split("},\n")[0]


def test_an_ordinary_title_reads_as_typed(client):
    document = DocumentFactory(title_en="Memorandum on plants", title_ru="")
    assert "title = {{Memorandum on plants}}," in bibtex_of(client, document)
