"""The PostgreSQL full-text query of a search: what `DocumentQuerySet.search`
looks for (`search_query`) and orders by under a RUM index (`RankDistance`).

Also `normalize`, the case folding every search shares (the stored
`search_text`, SQLite's stemmed words, the queries): the query needs it, and
querysets.py, which imports this module, re-exports it for the rest of the
project.
"""

import functools
import operator
import re

from django.contrib.postgres.search import SearchQuery
from django.db import models

from .text_search import TEXT_CONFIG

# Quotes, a leading minus or "or": the reader asked for precise matching.
WEB_SEARCH_OPERATORS = re.compile(r'"|(^|\s)-|\sor\s', re.IGNORECASE)
# The last word typed is also looked for as a word's start from this many
# letters: a shorter start stands for too many words.
PREFIX_MIN_CHARS = 3


def normalize(text):
    """Fold case (Cyrillic included) and ё→е, and keep only words, so search works
    on any backend: SQLite's LIKE folds ASCII only, so records keep a normalised
    copy of their text (`search_text`) and queries are normalised the same way."""
    return re.sub(r"[\W_]+", " ", text.casefold().replace("ё", "е")).strip()


class RankDistance(models.Func):
    """`vector <=> query` (RUM): the smaller, the better the match; what the
    RUM index orders by (`search_index.py`)."""

    template = "(%(expressions)s)"
    arg_joiner = " <=> "
    output_field = models.FloatField()


def search_query(query):
    """The tsquery of `query` in each text search configuration (web-search
    syntax); for plain words, the last one also as the start of a word (from
    PREFIX_MIN_CHARS letters, stemmed: «соглаш» finds «соглашение»), as the
    reader may not have finished typing it."""

    def each_config(text, search_type="websearch"):
        return functools.reduce(
            operator.or_,
            (
                SearchQuery(text, config=config, search_type=search_type)
                for config in TEXT_CONFIG.values()
            ),
        )

    wanted = each_config(query)
    words = normalize(query).split()
    if WEB_SEARCH_OPERATORS.search(query) or len(words[-1]) < PREFIX_MIN_CHARS:
        return wanted
    *head, last = words
    started = each_config(f"{last}:*", search_type="raw")
    if head:
        started = each_config(" ".join(head)) & started
    return wanted | started
