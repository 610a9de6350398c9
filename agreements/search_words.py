"""A document's row in the SQLite FTS5 search index (`DocumentWords`).

On SQLite the full-text search reads stemmed words from an FTS5 table instead
of PostgreSQL's search vector: `search_words` computes a document's row (the
same fields, weighed in the same four steps, as `derive.search_vector`),
`words_store` writes rows and `words_differences` says which stored rows are
not what they should be (manage.py check_derived). Apart from derive.py
because it is the one SQLite-only part of the derived data.
"""

from django.db import connection

from .models import Document, DocumentWords
from .stemming import stems
from .text_search import TEXT_CONFIG

# PostgreSQL refuses a tsvector whose words pass 1 MB, and a document's vector
# holds its texts in both languages: at most this many characters of each
# language's texts (all of them together) are indexed, 400 KB even if every
# character took four bytes. (500,000 a text let one 600,000-character text of
# distinct Cyrillic words make its document impossible to save.)
VECTOR_TEXT_LIMIT = 100_000


def search_words(document, participations, texts):
    """{column: stemmed words} of a document's row in the SQLite search index:
    what `search_vector` holds on PostgreSQL, weighed by column in the same
    four steps (title, summary, names, texts), each field stemmed in its
    language (`stemming.stems`), attached texts cut as the vector cuts them."""
    names = {"ru": [document.place_ru], "en": [document.place_en]}
    for p in participations:
        names["ru"] += [p.party.name_ru, p.signatory_ru]
        names["en"] += [p.party.name_en, p.signatory_en]
        if p.person_id:  # the person who signed, by their record's names
            names["ru"].append(p.person.name_ru)
            names["en"].append(p.person.name_en)
    attached = {language: [] for language in TEXT_CONFIG}
    for text in sorted(texts, key=lambda t: t.pk):
        if text.language in attached and text.extracted_text:
            attached[text.language].append(text.extracted_text[:VECTOR_TEXT_LIMIT])

    def words(*fields):
        return " ".join(filter(None, (stems(text, lang) for text, lang in fields)))

    return {
        "title": words(
            (document.title_ru, "ru"),
            (document.title_en, "en"),
            (document.title_kk, None),
        ),
        "summary": words((document.summary_ru, "ru"), (document.summary_en, "en")),
        "names": words(
            *((" ".join(filter(None, n)), lang) for lang, n in names.items()),
            (document.slug, None),
        ),
        "texts": words(
            *(
                (" ".join(parts)[:VECTOR_TEXT_LIMIT], language)
                for language, parts in attached.items()
            )
        ),
    }


def words_store(ids, words):
    """Replace the search index rows of documents `ids` with `words` ({pk:
    {column: words}}): a document not in `words` (deleted) loses its row."""
    columns = ["title", "summary", "names", "texts"]
    table = DocumentWords._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE rowid IN ({', '.join(['%s'] * len(ids))})",
            list(ids),
        )
        cursor.executemany(
            f"INSERT INTO {table} (rowid, {', '.join(columns)}) "
            f"VALUES (%s, {', '.join(['%s'] * len(columns))})",
            [[pk, *(row[c] for c in columns)] for pk, row in words.items()],
        )


def words_differences(ids, expected):
    """[(pk, slug, "search_words", stored, expected)] where a document's row in
    the SQLite search index is missing or not `expected` ({pk: computed})."""
    stored = {
        row.pop("document"): row
        for row in DocumentWords.objects.filter(document__in=ids).values(
            "document", "title", "summary", "names", "texts"
        )
    }
    slugs = dict(Document.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [
        (pk, slugs[pk], "search_words", stored.get(pk), row["search_words"])
        for pk, row in sorted(expected.items())
        if stored.get(pk) != row["search_words"]
    ]
