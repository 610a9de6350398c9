import csv
import io
import json
import tracemalloc

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from agreements.export import COLUMNS
from agreements.history import document_history
from agreements.importing import ImportResult, read_rows, validate_rows
from agreements.models import (
    Document,
    DocumentIdentifier,
    LifecycleEvent,
    Participation,
)

pytestmark = pytest.mark.django_db


def export(fmt="csv"):
    response = APIClient().get(f"/api/v1/documents/export/?format={fmt}")
    return b"".join(response.streaming_content)


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(**values):
    base = {c: "" for c in COLUMNS}
    base.update(
        slug="imported-doc",
        kind="agreement",
        title_en="Imported",
        signed_on="2024-02-01",
    )
    base.update(values)
    return base


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_into_an_empty_database_export_is_identical(
    seeded, tmp_path, fmt
):
    first = export(fmt)
    path = tmp_path / f"documents.{fmt}"
    path.write_bytes(first)
    Document.objects.all().delete()
    out, _ = run_import(path)
    assert "created 12" in out
    assert export(fmt) == first


def test_importing_twice_changes_nothing(seeded, tmp_path):
    path = tmp_path / "documents.csv"
    path.write_bytes(export())
    history = Document.history.count()
    out, _ = run_import(path)
    assert "created 0, updated 0, unchanged 12" in out
    assert Document.history.count() == history


def test_dry_run_writes_nothing(seeded, tmp_path):
    path = write_csv(
        tmp_path / "new.csv", [row(parties="russia:party", events="signed:2024-02-01")]
    )
    out, _ = run_import(path, "--dry-run")
    assert "would have created 1" in out
    assert not Document.objects.filter(slug="imported-doc").exists()


def test_a_valid_row_creates_the_document_with_parties_events_and_derived_status(
    seeded, tmp_path
):
    path = write_csv(
        tmp_path / "new.csv",
        [
            row(
                parties="russia:party; kazakhstan:party",
                sectors="energy",
                events="signed:2024-02-01; entered_into_force:2024-03-01",
                occasion="kostanay-forum-2023",
            )
        ],
    )
    run_import(path)
    doc = Document.objects.get(slug="imported-doc")
    assert doc.status == "in_force"
    assert {p.party.slug for p in doc.participations.all()} == {"russia", "kazakhstan"}
    assert list(doc.sectors.values_list("slug", flat=True)) == ["energy"]


def test_a_broken_row_in_the_middle_writes_nothing_and_names_its_line(seeded, tmp_path):
    rows = [row(slug=f"doc-{n}") for n in range(5)]
    rows[2] = row(slug="doc-2", kind="poem")
    path = write_csv(tmp_path / "broken.csv", rows)
    with pytest.raises(CommandError, match="nothing was written"):
        run_import(path)
    assert not Document.objects.filter(slug__startswith="doc-").exists()


@pytest.mark.parametrize(
    "values, message",
    [
        ({"value_amount": "-5", "value_currency": "USD"}, "column value_amount"),
        ({"value_amount": "5", "value_currency": "usd"}, "column value_currency"),
        ({"valid_until": "2020-01-01"}, "column valid_until"),
        ({"signed_on": "2024-02-30"}, "column signed_on"),
        ({"sectors": "astrology"}, "no sector «astrology»"),
        ({"parties": "atlantis:party"}, "no party «atlantis»"),
        ({"parties": "russia:king"}, "unknown role «king»"),
        ({"events": "signed:tomorrow"}, "needs kind:YYYY-MM-DD"),
        ({"occasion": "moon-landing"}, "no occasion «moon-landing»"),
        ({"slug": "not a slug!"}, "column slug"),
        ({"identifiers": "isbn:123"}, "column identifiers: unknown scheme «isbn»"),
        ({"identifiers": "Z1300000117"}, "column identifiers: «Z1300000117» needs"),
        ({"identifiers": "adilet:"}, "column identifiers: «adilet:» needs"),
        ({"identifiers": "other:" + "9" * 201}, "column identifiers: longer than"),
    ],
)
def test_every_refused_value_is_reported_with_line_and_column(
    seeded, tmp_path, values, message
):
    path = write_csv(tmp_path / "bad.csv", [row(slug="fine-doc"), row(**values)])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(path), stderr=err, stdout=io.StringIO())
    assert "line 3" in err.getvalue() and message in err.getvalue()
    assert not Document.objects.filter(slug="fine-doc").exists()


def test_export_import_round_trip_keeps_the_identifiers(seeded, tmp_path):
    doc = Document.objects.order_by("slug").first()
    url = "https://adilet.zan.kz/rus/docs/Z1300000117"
    DocumentIdentifier.objects.create(
        document=doc, scheme="adilet", value="Z1300000117", url=url
    )
    DocumentIdentifier.objects.create(document=doc, scheme="wikidata", value="Q1")
    first = export()
    path = tmp_path / "documents.csv"
    path.write_bytes(first)
    out, _ = run_import(path)
    assert "unchanged 12" in out
    assert doc.identifiers.get(scheme="adilet").url == url
    Document.objects.all().delete()
    out, _ = run_import(path)
    assert "created 12" in out
    assert export() == first
    assert set(
        Document.objects.get(slug=doc.slug).identifiers.values_list("scheme", "value")
    ) == {("adilet", "Z1300000117"), ("wikidata", "Q1")}


def test_an_edited_identifiers_cell_adds_and_removes_and_keeps_links(
    seeded, tmp_path, analyst
):
    path = write_csv(tmp_path / "a.csv", [row(identifiers="adilet:Z1; wikidata:Q1")])
    run_import(path)
    doc = Document.objects.get(slug="imported-doc")
    doc.identifiers.filter(scheme="adilet").update(url="https://adilet.zan.kz/Z1")
    write_csv(path, [row(identifiers="adilet:Z1; ru_pravo:0001202311090001")])
    out, _ = run_import(path, "--user", "analyst")
    assert "updated 1" in out
    kept = {(i.scheme, i.value): i.url for i in doc.identifiers.all()}
    assert kept == {
        ("adilet", "Z1"): "https://adilet.zan.kz/Z1",
        ("ru_pravo", "0001202311090001"): "",
    }
    change = document_history(doc)[0]  # newest first: the import as one change
    assert {(p.model, p.action) for p in change.parts} >= {
        ("documentidentifier", "created"),
        ("documentidentifier", "deleted"),
    }
    assert change._author == analyst.pk
    write_csv(path, [row(identifiers="")])
    run_import(path)
    assert not doc.identifiers.exists()


def test_a_bad_identifier_is_refused_with_line_and_column_and_nothing_written(
    seeded, tmp_path
):
    path = write_csv(tmp_path / "a.csv", [row(identifiers="adilet:Z1")])
    run_import(path)
    write_csv(
        path,
        [row(identifiers="wikidata:Q1"), row(slug="other-doc", identifiers="isbn:1")],
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_documents", str(path), stderr=err, stdout=io.StringIO())
    assert "line 3, column identifiers: unknown scheme «isbn»" in err.getvalue()
    doc = Document.objects.get(slug="imported-doc")
    assert list(doc.identifiers.values_list("scheme", "value")) == [("adilet", "Z1")]
    assert not Document.objects.filter(slug="other-doc").exists()


@pytest.mark.parametrize("held_at", ["database", "file"])
def test_an_identifier_of_another_document_is_refused(seeded, tmp_path, held_at):
    other = row(slug="other-doc", identifiers="adilet:Z1")
    if held_at == "database":
        run_import(write_csv(tmp_path / "a.csv", [other]))
    first = row(slug="fine-doc") if held_at == "database" else other
    path = write_csv(tmp_path / "b.csv", [first, row(identifiers="adilet:Z1")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(path), stderr=err, stdout=io.StringIO())
    assert "line 3, column identifiers: adilet:Z1 already identifies" in (
        err.getvalue()
    )


def test_a_duplicate_slug_in_the_file_is_refused(seeded, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [row(), row()])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(path), stderr=err, stdout=io.StringIO())
    assert "already used at line 2" in err.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        ("not,the,right,columns\n1,2,3,4\n", "missing columns"),
        ('[{"slug": "a", ', "not valid JSON"),
        ("[1, 2]", "expected a JSON list of objects"),
        ('{"slug": "a"}', "expected a JSON list of objects"),
        ('[{"slug": "a", "kind": "treaty"} {"slug": "b"}]', "not valid JSON"),
        ('[{"slug": "a", "kind": "treaty"}] x', "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"slug": ' + "[" * 100_000 + "]" * 100_000 + "}]", "nested too deeply"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(db, tmp_path, content, message):
    path = tmp_path / ("bad.csv" if content.startswith("not") else "bad.json")
    path.write_text(content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(path), stderr=err, stdout=io.StringIO())
    assert message in err.getvalue()


def test_import_is_recorded_in_history_with_the_user(seeded, tmp_path, analyst):
    path = write_csv(tmp_path / "new.csv", [row()])
    run_import(path, "--user", "analyst")
    assert (
        Document.objects.get(slug="imported-doc").history.first().history_user
        == analyst
    )


def test_removing_a_party_or_event_from_the_file_removes_it(seeded, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [row(parties="russia:party; kazakhstan:party", events="signed:2024-02-01")],
    )
    run_import(path)
    write_csv(path, [row(parties="russia:party", events="")])
    out, _ = run_import(path)
    assert "updated 1" in out
    doc = Document.objects.get(slug="imported-doc")
    assert Participation.objects.filter(document=doc).count() == 1
    assert not LifecycleEvent.objects.filter(document=doc).exists()
    assert doc.status == "unknown"


def big_file(path, fmt, megabytes):
    """A file of valid-looking rows of about `megabytes` MB, written row by row."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        else:
            handle.write("[")
        n = 0
        while handle.tell() < megabytes * 1_000_000:
            values = row(
                slug=f"big-{n}", summary_en="текст " * 1500
            )  # within LONG_TEXT
            if writer:
                writer.writerow(values)
            else:
                handle.write(
                    ("," if n else "") + json.dumps(values, ensure_ascii=False)
                )
            n += 1
        if not writer:
            handle.write("]")
    return n


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_50_mb_file_is_read_in_bounded_memory(tmp_path, fmt):
    path = tmp_path / f"big.{fmt}"
    rows = big_file(path, fmt, 50)
    tracemalloc.start()
    try:
        read = sum(1 for _ in read_rows(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == rows
    assert peak < 2_000_000  # bytes: a few rows at a time, not the 50 MB file


def test_validating_a_big_file_keeps_memory_flat(seeded, tmp_path):
    """Validation (the pass over every row) holds no rows: memory for a 5 MB file
    stays far below the file's size, and the import then writes it all."""
    path = tmp_path / "big.csv"
    rows = big_file(path, "csv", 5)
    tracemalloc.start()
    try:
        result = ImportResult()
        assert validate_rows(path, result) == rows and not result.errors
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000


def test_a_column_the_file_leaves_out_keeps_what_is_stored(seeded, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [row(identifiers="adilet:Z1", parties="kazakhstan:party", summary_en="Kept")],
    )
    run_import(path)
    # An older or hand-made file: three columns, no identifiers, parties or dates.
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("slug,kind,title_en\r\nimported-doc,agreement,Renamed\r\n")
    out, err = run_import(path)
    assert "updated 1" in out, err
    doc = Document.objects.get(slug="imported-doc")
    assert doc.title_en == "Renamed"
    assert (doc.summary_en, str(doc.signed_on)) == ("Kept", "2024-02-01")
    assert list(doc.identifiers.values_list("scheme", "value")) == [("adilet", "Z1")]
    assert list(doc.participations.values_list("party__slug", flat=True)) == [
        "kazakhstan"
    ]
    # A column given empty still empties its field.
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("slug,kind,summary_en\r\nimported-doc,agreement,\r\n")
    run_import(path)
    doc.refresh_from_db()
    assert (doc.summary_en, doc.title_en) == ("", "Renamed")
