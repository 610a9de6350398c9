"""`manage.py check_derived` finds stale derived data and mends it; a stored
rendering made by other code is never served."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from agreements import renderings
from agreements.models import Document, DocumentWords, FacetCount

from .conftest import assert_derived
from .factories import DocumentFactory
from .test_export import csv_rows

pytestmark = pytest.mark.django_db
MEMO = "astana-2023-tpp-memorandum"
WORDS = DocumentWords._meta.db_table


def check(*args):
    out = io.StringIO()
    call_command("check_derived", *args, stdout=out)
    return out.getvalue()


def test_a_clean_database_checks_clean(seeded):
    out = check()
    assert "0 derived value(s) differ in 0 document(s); 0 facet count(s) differ" in out
    assert (
        f"{Document.objects.count()}/{Document.objects.count()} documents checked"
        in out
    )


def test_a_planted_stale_value_is_found_by_document_and_column_and_fixed(seeded):
    # Written past every write path (the base manager marks nothing): as a
    # restore of an old backup or a hand-edited row would leave it.
    Document._base_manager.filter(slug=MEMO).update(
        status="terminated", search_text="stale"
    )
    FacetCount.objects.filter(facet="kind").update(documents=999)
    with pytest.raises(CommandError, match="differ") as failed:
        check()
    assert "Run with --fix" in str(failed.value)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_derived", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith(f"{MEMO} (id ") and " status: stored 'terminated'" in line
        for line in lines
    )
    assert any(
        f"{MEMO} (id " in line and "search_text: stored 'stale'" in line
        for line in lines
    )
    assert any(line.startswith("facet count kind=") for line in lines)
    assert "Fixed." in check("--fix")
    assert "0 derived value(s) differ" in check()
    assert_derived()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search index")
def test_a_missing_or_stale_search_index_row_is_found_and_fixed(seeded):
    """As a hand-edited database would leave them: the memorandum's row of
    stemmed words gone, another document's row holding other words."""
    memo = Document.objects.get(slug=MEMO)
    other = Document.objects.exclude(pk=memo.pk).order_by("pk")[0]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {WORDS} WHERE rowid = %s", [memo.pk])
        cursor.execute(
            f"UPDATE {WORDS} SET title = 'stale' WHERE rowid = %s", [other.pk]
        )
    assert memo not in Document.objects.search("Кокшетау")
    out = io.StringIO()
    with pytest.raises(CommandError, match="differ in 2 document"):
        call_command("check_derived", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"{MEMO} (id {memo.pk}) search_words: stored None, expected {{" in "\n".join(
        lines
    )
    assert any(
        line.startswith(
            f"{other.slug} (id {other.pk}) search_words: stored {{'title': 'stale'"
        )
        for line in lines
    )
    assert "Fixed." in check("--fix")
    assert memo in Document.objects.search("Кокшетау")
    assert_derived()


def test_fix_stores_in_a_transaction_of_its_own(transactional_db):
    """Outside a test's transaction, as on a server: the marks are derived as
    the command's transaction commits (this raised TransactionManagementError
    when nothing had announced the change before)."""
    planted = DocumentFactory(title_en="Heliotrope")
    Document._base_manager.filter(pk=planted.pk).update(search_text="stale")
    assert "Fixed." in check("--fix")
    assert "0 derived value(s) differ" in check()
    assert planted in Document.objects.search("heliotrope")


def test_sample_and_since_check_part_of_the_documents(seeded):
    assert "3/3 documents checked" in check("--sample", "3")
    assert "0 document(s) checked" in check("--since", "2999-01-01T00:00:00Z")
    with pytest.raises(CommandError, match="--since 'soon'"):
        check("--since", "soon")
    with pytest.raises(CommandError, match="--sample must be at least 1"):
        check("--sample", "0")


@pytest.mark.underived
def test_renderings_of_another_code_version_are_never_served(seeded, client, settings):
    """As after a deploy that changed a serializer or a CSV column: the stored
    API record, list row and CSV line say what the old code said (here: a
    planted title) and carry its version; readers get today's rendering."""
    settings.READ_CACHE_SECONDS = 0  # what the code serves, not a cached response
    planted = Document.objects.get(slug=MEMO)
    old_record = json.loads(planted.api_record) | {"title_en": "OLD CODE"}
    old_row = json.loads(planted.api_row) | {"title_en": "OLD CODE"}
    Document._base_manager.filter(slug=MEMO).update(
        api_record=json.dumps(old_record),
        api_row=json.dumps(old_row),
        export_line=planted.export_line.replace(planted.slug, "OLD-CODE"),
        rendered_by="0ld0ld0ld0ld",
    )
    detail = client.get(f"/api/v1/documents/{MEMO}/").json()
    assert detail["title_en"] == planted.title_en
    rows = client.get("/api/v1/documents/?page_size=100").json()["results"]
    assert "OLD CODE" not in json.dumps(rows)
    assert MEMO in {row["slug"] for row in csv_rows("/en/documents/export.csv")}
    # The same value stored by today's code is served as stored.
    Document._base_manager.filter(slug=MEMO).update(rendered_by=renderings.version())
    assert client.get(f"/api/v1/documents/{MEMO}/").json()["title_en"] == "OLD CODE"
    call_command("check_derived", "--fix", stdout=io.StringIO())
    assert (
        client.get(f"/api/v1/documents/{MEMO}/").json()["title_en"] == planted.title_en
    )
    assert_derived()


def test_the_version_follows_the_code_behind_each_rendering():
    """Every registered rendering's module and what it uses is hashed: a change
    to the serializers or the export gives another version."""
    import sys

    reached = {}
    for function in renderings.RENDERERS.values():
        renderings._reached(sys.modules[function.__module__], reached)
    assert {
        "agreements.api.serializers",
        "agreements.export",
        "agreements.models.documents",
        "agreements.provenance",
    } <= set(reached)
    assert "agreements.admin" not in reached  # what it does not use
    assert len(renderings.version()) == 12
