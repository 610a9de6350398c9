"""Words to stems, for the SQLite search (FTS5, `models.DocumentWords`).

Made to find what PostgreSQL's search finds: the same Snowball stemmers its
'russian' and 'english' configurations use (PyStemmer), applied the same way.
In a Russian field a Cyrillic word takes the Russian stemmer and a Latin one
the English; in an English field a Latin word takes the English stemmer and
any other is kept whole; Kazakh (no Snowball stemmer, 'simple' on PostgreSQL)
and slugs are kept whole. Stop words are left out. A query looks for each of
its words in any of those forms, the last one also as the start of a word
(it may not be typed out yet).
"""

import re

import Stemmer

from .search_query import PREFIX_MIN_CHARS, normalize
from .stop_words import ENGLISH, RUSSIAN

STEMMERS = {"ru": Stemmer.Stemmer("russian"), "en": Stemmer.Stemmer("english")}
CYRILLIC = re.compile(r"^[а-яё]+$")
LATIN = re.compile(r"^[a-z]+$")
STOP_WORDS = ENGLISH | RUSSIAN


def _stemmer(word, language):
    """The stemmer `word` takes in a field of `language`, or None."""
    if LATIN.match(word) and language in ("ru", "en"):
        return STEMMERS["en"]
    if CYRILLIC.match(word) and language == "ru":
        return STEMMERS["ru"]
    return None


def stems(text, language):
    """The words of `text` (a field in `language`: "ru", "en", else every word
    kept whole) as the index holds them, space-separated."""
    found = []
    for word in normalize(text or "").split():
        stemmer = _stemmer(word, language)
        if stemmer is None:
            found.append(word)
        elif word not in STOP_WORDS:
            found.append(stemmer.stemWord(word))
    return " ".join(found)


def search_words(query):
    """The words of `query` worth looking for (not stop words), case-folded."""
    return [w for w in normalize(query or "").split() if w not in STOP_WORDS]


def forms(word):
    """The forms a (case-folded) query word may have in the index: itself, and
    its stems in the languages whose stemmer takes it."""
    return sorted(
        {word}
        | {
            stemmer.stemWord(word)
            for language in ("ru", "en")
            if (stemmer := _stemmer(word, language))
        }
    )


def match_expression(query):
    """An FTS5 query: every word of `query` in any of its indexed forms, the
    last (of PREFIX_MIN_CHARS letters or more) also as the start of a word in
    any of them, as PostgreSQL's search does («казахстаном» finds
    «казахстанско-»); "" when it has no word to look for."""
    words = search_words(query)
    terms = []
    for position, word in enumerate(words, 1):
        quoted = [f'"{form}"' for form in forms(word)]
        if position == len(words) and len(word) >= PREFIX_MIN_CHARS:
            quoted += [f'"{form}"*' for form in forms(word)]
        terms.append(f"({' OR '.join(quoted)})")
    return " AND ".join(terms)
