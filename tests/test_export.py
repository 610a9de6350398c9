"""Exports are safe to open in a spreadsheet, import back losslessly, and fail
cleanly (503 before the first byte) when the database is down."""

import csv
import datetime
import io
import json

import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from agreements.export import csv_cell, csv_cell_value
from agreements.models import Document

from .factories import DocumentFactory, EventFactory
from .test_importing import run_import

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("x")']
HARMLESS = ["'quoted", "''twice", "'=already", "plain", "", "a=b", "1-2"]
# Harmless read with commas, formulas where a spreadsheet splits on `;`, tabs
# or line breaks (Excel in a Russian locale), or after a quote.
INSIDE = [
    'Plan; =HYPERLINK("http://evil.example/")',
    "Plan;=1+1",
    "a\t-2+3",
    "x,@cmd",
    "line\n+1",
    "line\r\n =1",
    'say "=1+1"',
    "; '=already",
]
EXPORTS = ["/api/v1/documents/export/?format=csv", "/en/documents/export.csv"]


def csv_lines(rows):
    """The CSV file of these rows, each line rendered now."""
    from agreements.export import CSV_HEADER, csv_line

    yield CSV_HEADER
    for row in rows:
        yield csv_line(row) + "\r\n"


def csv_rows(url):
    response = APIClient().get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("value", DANGEROUS + HARMLESS)
def test_a_neutralised_cell_reads_back_as_the_original(value):
    cell = csv_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_cell_value(cell) == value


@pytest.mark.parametrize("value", INSIDE)
def test_a_cell_neutralised_inside_reads_back_as_the_original(value):
    assert csv_cell_value(csv_cell(value)) == value


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_no_field_of_a_csv_export_is_a_formula_whatever_the_separator(url, separator):
    for n, value in enumerate(DANGEROUS + INSIDE):
        DocumentFactory(slug=f"risky-{n}", title_en=value, summary_ru=value)
    response = APIClient().get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    fields = [
        field.lstrip(' "')
        for line in text.replace("\r", "\n").split("\n")
        for field in line.split(separator)
    ]
    formulas = [f for f in fields if f.startswith(("=", "+", "-", "@"))]
    assert not formulas


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_exports_neutralise_formulas(url, value):
    DocumentFactory(slug="risky", title_en=value, summary_ru=value, place_en=value)
    (row,) = csv_rows(url)
    for column in ("title_en", "summary_ru", "place_en"):
        assert row[column] == "'" + value


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_dangerous_and_quoted_texts_survive_an_export_import_round_trip(tmp_path, fmt):
    # (The importer trims surrounding blanks, as forms do: "\tx" comes back "x".)
    texts = [v for v in DANGEROUS + HARMLESS + INSIDE if v == v.strip()]
    for n, value in enumerate(texts):
        DocumentFactory(
            slug=f"doc-{n}", title_en=value.strip() or "x", summary_en=value
        )
    before = {d.slug: (d.title_en, d.summary_en) for d in Document.objects.all()}
    response = APIClient().get(f"/api/v1/documents/export/?format={fmt}")
    path = tmp_path / f"all.{fmt}"
    path.write_bytes(b"".join(response.streaming_content))
    summaries = (
        {row["summary_en"] for row in json.loads(path.read_text())}
        if (fmt == "json")
        else set()
    )
    assert fmt == "csv" or "=1+1" in summaries  # JSON is not altered
    Document.objects.all().delete()
    run_import(path)
    after = {d.slug: (d.title_en, d.summary_en) for d in Document.objects.all()}
    assert after == before


def database_down(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/documents/export/?format=csv",
        "/api/v1/documents/export/?format=json",
        "/en/documents/export.csv",
        "/en/documents/export.json",
    ],
)
def test_a_database_outage_during_an_export_is_a_503_before_any_byte(client, url):
    DocumentFactory()
    # The filters' choices are read while the request is parsed; the outage
    # starts with the export's own query.
    client.get(url)
    with connection.execute_wrapper(database_down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert not getattr(response, "streaming", False)


def test_the_atom_feed_carries_summaries_as_plain_text(client):
    DocumentFactory(summary_en="<b>bold</b> & <script>alert(1)</script>")
    body = client.get("/en/documents/feed/").content.decode()
    assert 'type="html"' not in body
    assert '<summary type="text">&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;' in body


def test_postgresql_writes_the_same_csv_as_python(seeded):
    """The lines PostgreSQL writes are byte for byte the row-by-row export's, for
    the fixtures and for texts that need quoting, neutralising or URL-encoding."""
    from django.core.files.base import ContentFile

    from agreements.export import document_rows, stored_csv_lines
    from agreements.models import DocumentText

    tricky = DocumentFactory(
        slug="tricky",
        title_en='He said "yes", then\nno',
        summary_ru="=SUM(A1); 'quoted",
        place_en="-minus",
        value_amount="1500000.50",
        value_currency="USD",
    )
    Document.objects.filter(pk=tricky.pk).update(
        updated_at=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    )
    DocumentText.objects.create(
        document=tricky,
        kind="original",
        language="ru",
        file=ContentFile("текст".encode(), name="Соглашение №1 (проект).txt"),
    )

    queryset = Document.objects.order_by("-signed_on", "slug")
    python = "".join(csv_lines(document_rows(queryset)))
    assert python.count("\r\n") > Document.objects.count()
    assert "".join(stored_csv_lines(queryset)) == python


def test_stored_export_lines_follow_every_change_to_what_they_show(seeded):
    """A line names sectors, parties and the occasion by slug (sectors in the
    order of their English names) and carries `updated_at`, which a change to
    any record shown on the document touches: after each change through its
    write path, the stored lines are still the ones the row-by-row export
    writes."""
    from agreements.export import document_rows, stored_csv_lines

    def stored_lines_are_current():
        queryset = Document.objects.order_by("-signed_on", "slug")
        python = "".join(csv_lines(document_rows(queryset)))
        assert "".join(stored_csv_lines(queryset)) == python
        return python

    document = Document.objects.filter(
        sectors__isnull=False, occasion__isnull=False, citations__isnull=False
    )[0]
    before = stored_lines_are_current()
    sector, occasion = document.sectors.first(), document.occasion
    party = document.participations.first().party
    source = document.citations.first().source  # not in the line: its updated_at is
    changes = [
        (sector, "name_en"),
        (occasion, "slug"),
        (party, "slug"),
        (source, "title"),
    ]
    for record, field in changes:
        setattr(record, field, "zz-renamed-" + record._meta.model_name)
        record.save()
    EventFactory(document=document, occurred_on=datetime.date(2030, 1, 2))
    after = stored_lines_are_current()
    assert after != before
    assert "zz-renamed-occasion" in after and "zz-renamed-party" in after
    assert "signed:2030-01-02" in after


@pytest.mark.parametrize("url", EXPORTS)
def test_a_search_that_can_match_nothing_exports_the_header_only(seeded, url):
    """A search of no usable word matches nothing before any SQL is written
    (EmptyResultSet): the export is its header, not a 500."""
    assert csv_rows(url + "&q=ä,ÐË" if "?" in url else url + "?q=ä,ÐË") == []
