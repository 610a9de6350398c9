"""The whole dataset as CSV files in a zip and as one JSON document."""

import csv
import io
import json
import zipfile

import pytest

from agreements.dataset import TABLES
from agreements.export import FORMULA_STARTS
from agreements.models import Document

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db


def download(client, fmt):
    response = client.get(f"/data/agreement-tracker.{fmt}")
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def unzip(client):
    archive = zipfile.ZipFile(io.BytesIO(download(client, "zip")))
    return {
        name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in archive.namelist()
        if name.endswith(".csv")
    }, archive


def test_the_zip_has_every_table_with_all_its_rows(client, seeded):
    files, _archive = unzip(client)
    for table in TABLES:
        header, *rows = files[f"{table.name}.csv"]
        assert len(rows) == table.model.objects.count(), table.name
        assert header == table.column_names
    assert len(files["documents.csv"]) > 1 and len(files["citations.csv"]) > 1


def test_the_codebook_explains_every_column_of_every_file(client, seeded):
    files, archive = unzip(client)
    header, *entries = files.pop("codebook.csv")
    described = {
        (row[header.index("table")], row[header.index("column")]): row
        for row in entries
    }
    columns = {
        (name.removesuffix(".csv"), column)
        for name, (file_header, *_rows) in files.items()
        for column in file_header
    }
    assert columns and columns == set(described)
    assert all(row[header.index("description")].strip() for row in entries)
    assert "CC BY 4.0" in archive.read("README.md").decode()


def test_the_json_parses_and_carries_the_same_tables_and_codebook(client, seeded):
    data = json.loads(download(client, "json"))
    assert "CC BY 4.0" in data["licence"]["name"]
    files, _archive = unzip(client)
    for name, rows in data["tables"].items():
        header, *csv_rows = files[f"{name}.csv"]
        assert len(rows) == len(csv_rows)
        assert all(list(row) == header for row in rows)
    described = {(e["table"], e["column"]) for e in data["codebook"]}
    # Every column, of a table the fixtures leave empty too (its CSV header).
    assert {(t, c) for t in data["tables"] for c in files[f"{t}.csv"][0]} <= described
    documents = {d["slug"]: d for d in data["tables"]["documents"]}
    assert set(documents) == set(Document.objects.values_list("slug", flat=True))


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client):
    DocumentFactory(slug="formula", title_en="=HYPERLINK(1)", summary_en="-1+1")
    files, _archive = unzip(client)
    header, *rows = files["documents.csv"]
    row = dict(zip(header, rows[0], strict=True))
    assert row["title_en"] == "'=HYPERLINK(1)" and row["summary_en"] == "'-1+1"
    assert not any(
        cell.startswith(FORMULA_STARTS)
        for rows in files.values()
        for r in rows
        for cell in r
    )
    # The JSON keeps the values as they are.
    data = json.loads(download(client, "json"))
    assert data["tables"]["documents"][0]["title_en"] == "=HYPERLINK(1)"


# Throttled with the other exports: tests/test_identity.py.


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "zip.exe"])
def test_an_unknown_format_is_a_400(client, fmt):
    assert client.get(f"/data/agreement-tracker.{fmt}").status_code == 400


def test_the_about_page_links_the_downloads_and_states_the_licence(client):
    for lang, words in [("en", "Creative Commons"), ("ru", "Creative Commons")]:
        page = client.get(f"/{lang}/about/").content.decode()
        assert 'href="/data/agreement-tracker.zip"' in page
        assert 'href="/data/agreement-tracker.json"' in page
        assert "CC BY 4.0" in page and words in page
