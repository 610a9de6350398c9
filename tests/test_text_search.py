"""Search inside attached texts costs the same whatever their length: a 4 MB
annex, a query with nothing to look for, a client searching without pause."""

import itertools
import re
import string

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import SimpleRateThrottle

from .factories import DocumentFactory
from .test_texts import attach

pytestmark = pytest.mark.django_db


def distinct_words(size):
    """`size` bytes of words that are all different ("aaaa aaab …"): the most
    a text can cost a full-text vector."""
    words = ("".join(w) for w in itertools.product(string.ascii_lowercase, repeat=5))
    text = " ".join(itertools.islice(words, size // 6))
    return text.encode()


def test_a_4_mb_annex_does_not_break_the_searches_that_match_its_document(
    client, settings
):
    settings.TEXT_MAX_CHARS = 5_000_000
    doc, other = DocumentFactory(title_en="Heliotrope accord"), DocumentFactory()
    annex = attach(doc, "annex.txt", b"heliotrope turbine " + distinct_words(4 << 20))
    assert len(annex.extracted_text) > 4_000_000
    attach(other, "other.txt", b"turbine " + distinct_words(1 << 20))
    with CaptureQueriesContext(connection) as queries:
        for q in ["heliotrope", "turbine", "aaaab"]:
            page = client.get("/en/documents/", {"q": q})
            assert page.status_code == 200, q
            assert doc.slug in page.content.decode()
            api = client.get("/api/v1/documents/", {"q": q})
            assert api.status_code == 200, q
            assert doc.slug in [d["slug"] for d in api.json()["results"]]
    # Bounded work: the texts are read by one query a response, for its page's
    # rows only, and only their first SNIPPET_TEXT_CHARS; on PostgreSQL no query
    # reads the documents' whole folded text (`search_text`, as long as all its
    # texts).
    read = [q["sql"] for q in queries.captured_queries if "extracted_text" in q["sql"]]
    assert len(read) == 6
    for sql in read:
        assert '"agreements_documenttext"."document_id" IN (' in sql
        bounded = re.sub(  # LEFT(text, n) on PostgreSQL, SUBSTR(text, 1, n) on SQLite
            r'(LEFT|SUBSTR)\("agreements_documenttext"\."extracted_text",( 1,)? 100000\)',
            "",
            sql,
        )
        assert "extracted_text" not in bounded
    if connection.vendor == "postgresql":  # SQLite searches `search_text` itself
        assert not [q for q in queries.captured_queries if "search_text" in q["sql"]]
    snippet = client.get("/api/v1/documents/", {"q": "heliotrope"}).json()
    assert "heliotrope" in snippet["results"][0]["text_snippet"].lower()
    with CaptureQueriesContext(connection) as queries:
        one = client.get("/api/v1/documents/", {"q": "turbine", "page_size": 1})
    assert one.json()["count"] == 2 and len(one.json()["results"]) == 1
    [read] = [
        q["sql"] for q in queries.captured_queries if "extracted_text" in q["sql"]
    ]
    assert re.search(r'"document_id" IN \(\d+\)', read)  # the one row shown


@pytest.mark.parametrize("q", ["!!! ,,, ???", "—", "-", "😀", "the of and"])
def test_a_query_with_no_word_to_look_for_finds_nothing_at_once_with_a_hint(client, q):
    doc = DocumentFactory(title_en="The parties")
    attach(doc, "a.txt", b"The parties agree on grain deliveries.", language="en")
    for url in ["/en/documents/", "/api/v1/documents/"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": q})
        assert response.status_code == 200
        searched = [
            s["sql"]
            for s in queries.captured_queries
            if re.search(
                "extracted_text|search_vector|search_text|agreements_document_words",
                s["sql"],
            )
        ]
        assert queries.captured_queries and searched == [], url
    html = client.get("/en/documents/", {"q": q}).content.decode()
    assert doc.slug not in html
    assert "has no word to search for" in html
    api = client.get("/api/v1/documents/", {"q": q}).json()
    assert api["count"] == 0 and api["results"] == []


@pytest.fixture
def throttled(monkeypatch):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/day"})
    yield
    cache.clear()


def test_anonymous_html_searches_are_throttled_like_the_api(analyst_client, throttled):
    DocumentFactory()
    client = Client()  # anonymous (analyst_client is the signed-in `client`)
    codes = [client.get("/en/documents/", {"q": f"word{n}"}) for n in range(4)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert int(codes[-1]["Retry-After"]) > 0
    assert "no-store" in codes[-1]["Cache-Control"]
    assert client.get("/en/documents/").status_code == 200  # browsing is not searching
    signed_in = [analyst_client.get("/en/documents/", {"q": f"w{n}"}) for n in range(5)]
    assert {r.status_code for r in signed_in} == {200}


def test_a_long_text_of_distinct_cyrillic_words_leaves_its_document_searchable(
    client, settings
):
    # 600,000 characters of words that are all different, two bytes a letter:
    # more than a full-text vector can hold.
    settings.TEXT_MAX_CHARS = 1_000_000
    letters = "абвгдежзиклмнопрстуфхцчшщэюя"
    words = ("".join(w) for w in itertools.product(letters, repeat=5))
    text = " ".join(itertools.islice(words, 100_000))
    doc = DocumentFactory(title_en="Annexed")
    attach(doc, "annex.txt", f"гелиотроп {text}".encode(), language="en")
    doc.title_en = "Annexed, corrected"
    doc.save()
    api = client.get("/api/v1/documents/", {"q": "гелиотроп"})
    assert api.status_code == 200
    assert [d["slug"] for d in api.json()["results"]] == [doc.slug]
