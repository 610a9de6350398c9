"""Search inside attached texts, with work bounded whatever their length.

A text may be millions of characters (up to TEXT_MAX_CHARS): PostgreSQL
refuses a tsvector over 1 MB, and `ts_headline` costs as much as the text it
reads. So snippets are looked for in the first SNIPPET_TEXT_CHARS characters
of each text only (the document is found by its stored vector all the same),
and a query with no word to look for (only punctuation or stop words) does
no snippet work at all.
"""

import re

from django.db import connections, models
from django.db.models import Case, Value, When
from django.db.models.functions import Left

# PostgreSQL text search configuration of an attached text's language.
# Kazakh: PostgreSQL has no Kazakh stemmer (nor does any Snowball release), so
# its words are matched whole, case-folded, by the 'simple' configuration.
TEXT_CONFIG = {"ru": "russian", "en": "english", "kk": "simple"}
# Where a snippet is looked for: the start of each text, as much as the
# document's search vector holds (derive.VECTOR_TEXT_LIMIT).
SNIPPET_TEXT_CHARS = 100_000


def has_lexemes(query, using="default"):
    """Whether full-text search has a word of `query` to look for: not when it
    is only punctuation, or only stop words such as "the of"."""
    if not re.search(r"[^\W_]", query or ""):
        return False
    connection = connections[using]
    if connection.vendor != "postgresql":
        from .stemming import search_words

        return bool(search_words(query))
    # The stemming languages' stop words: 'simple' (Kazakh) keeps every word,
    # so "the of and" would otherwise always be something to look for.
    configs = sorted(set(TEXT_CONFIG.values()) - {"simple"})
    sql = " + ".join(
        f"numnode(websearch_to_tsquery('{config}', %s))" for config in configs
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [query] * len(configs))
        return cursor.fetchone()[0] > 0


def _postgresql_snippets(texts, query):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchVector,
        SearchVectorExact,
    )

    start = Left("extracted_text", SNIPPET_TEXT_CHARS)
    # One branch per language, each with a literal configuration.
    matches, headlines = [], []
    for language, config in TEXT_CONFIG.items():
        search = SearchQuery(query, config=config, search_type="websearch")
        vector = SearchVector(start, config=config)
        matches.append(When(language=language, then=SearchVectorExact(vector, search)))
        headlines.append(
            When(
                language=language,
                then=SearchHeadline(
                    start,
                    search,
                    config=config,
                    start_sel="\x02",
                    stop_sel="\x03",
                    max_words=30,
                    min_words=12,
                ),
            )
        )
    return texts.filter(
        Case(*matches, default=False, output_field=models.BooleanField())
    ).annotate(snippet=Case(*headlines, output_field=models.TextField()))


def text_snippets(documents, query):
    """Set `text_snippet` on each of `documents` (the rows of a page, fetched):
    where `query` occurs in one of the document's texts, a passage around it
    with the matches between \x02 and \x03 (None when no text matches). One
    query for the page, whatever the rows before it or the texts' length.
    PostgreSQL: `ts_headline` over the texts that match in their language's
    configuration; SQLite: a plain excerpt around the first word found, or the
    stem of one (`files.excerpt`, registered per connection)."""
    query = (query or "").strip()
    if not query or not documents:
        return
    for document in documents:
        document.text_snippet = None
    using = documents[0]._state.db
    if not has_lexemes(query, using):
        return
    texts = documents[0]._meta.get_field("texts").related_model.objects.using(using)
    texts = texts.filter(document__in=[d.pk for d in documents])
    if connections[using].vendor == "postgresql":
        texts = _postgresql_snippets(texts, query)
    else:
        from .stemming import forms, search_words

        # Each word, then its stems: the start of its other forms in the text.
        stems = [
            form
            for word in search_words(query)
            for form in sorted(forms(word), key=len, reverse=True)
        ]
        texts = texts.annotate(
            snippet=models.Func(
                Left("extracted_text", SNIPPET_TEXT_CHARS),
                Value(" ".join(stems)),
                function="agreements_excerpt",
                output_field=models.TextField(),
            )
        ).exclude(snippet=None)
    found = {}
    rows = texts.order_by("document", "kind", "pk").values_list("document", "snippet")
    for pk, snippet in rows:
        found.setdefault(pk, snippet)
    for document in documents:
        document.text_snippet = found.get(document.pk)
