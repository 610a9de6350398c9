"""Whole filtered sets as CSV or JSON, streamed row by row.

The columns are also what `import_documents` reads, so an export imports back.
"""

import csv
import io
import itertools
import json
import re

from . import renderings
from .models import (
    Document,
    DocumentIdentifier,
    DocumentText,
    LifecycleEvent,
    Participation,
)
from .streaming import streamed_download

COLUMNS = [
    *Document.headline_fields,
    "place_ru",
    "place_en",
    "occasion",
    "sectors",
    "parties",
    "events",
    "identifiers",
    *Document.terms_fields,
    "texts",
    "updated_at",
]
LIST_SEPARATOR = "; "
# BOM: Excel then reads the UTF-8 Cyrillic correctly.
CSV_HEADER = "\ufeff" + ",".join(COLUMNS) + "\r\n"
CHUNK = 2000
# Spreadsheets run a cell starting with one of these as a formula (OWASP, "CSV
# injection"). A spreadsheet may split the file on another separator than
# ours (Excel in a Russian locale splits on `;`, others on tabs) or break a
# line inside a quoted cell, so every place a cell can start in any of them,
# after blanks or quotes, is neutralised with a `'`; a `'` already there is escaped
# the same way, so that `csv_cell_value` gives back exactly what was exported.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
_STARTS = '(^|[,;\t\r\n])([ "]*)'
_RISKY = "(?=[" + re.escape("".join(FORMULA_STARTS) + NEUTRALISER) + "])"
_TO_NEUTRALISE = re.compile(_STARTS + _RISKY)
_NEUTRALISED = re.compile(_STARTS + NEUTRALISER + _RISKY)


def csv_cell(value):
    """A CSV cell of which no part any spreadsheet splits off runs as a formula:
    a `'` added wherever one could start."""
    return _TO_NEUTRALISE.sub(r"\1\2" + NEUTRALISER, value)


def csv_cell_value(cell):
    """The exported value back from a `csv_cell` (the importer's side)."""
    return _NEUTRALISED.sub(r"\1\2", cell)


# Columns made of a document's rows, joined by LIST_SEPARATOR; the others are
# its own values, read as plain values (no model instances).
NESTED = ("sectors", "parties", "events", "identifiers", "texts")
OWN = ["id", "occasion__slug", *(c for c in COLUMNS if c not in (*NESTED, "occasion"))]


def _text(value):
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def document_row(doc, sectors, parties, events, texts, identifiers=()):
    """One flat row: a document's own values (a dict of `OWN`) and its rows.
    Sectors, parties ("slug:role"), events ("kind:date[:party]") and official
    identifiers ("scheme:value") are joined by "; "; texts as the paths that
    serve them (read back, never imported).
    Signatories, citations and relations are in the API and in dumpdata
    backups, not in this flat file."""
    row = {column: _text(doc.get(column)) for column in COLUMNS}
    row["occasion"] = doc["occasion__slug"] or ""
    row["sectors"] = LIST_SEPARATOR.join(sectors)
    row["parties"] = LIST_SEPARATOR.join(f"{slug}:{role}" for slug, role in parties)
    row["events"] = LIST_SEPARATOR.join(
        ":".join(filter(None, [kind, day.isoformat(), party]))
        for kind, day, party in events
    )
    row["identifiers"] = LIST_SEPARATOR.join(f"{s}:{v}" for s, v in identifiers)
    row["texts"] = LIST_SEPARATOR.join(texts)
    return row


def grouped(rows):
    """{document id: [rest of the row, ...]} from (document id, ...) rows."""
    groups = {}
    for document, *rest in rows:
        groups.setdefault(document, []).append(rest[0] if len(rest) == 1 else rest)
    return groups


def document_rows(queryset):
    """Rows of the whole queryset: plain values read a chunk of documents at a
    time, with one query per kind of nested row and chunk (no model instances:
    a million rows stream in bounded memory at tens of thousands a second)."""
    for _pk, row in keyed_rows(queryset):
        yield row


def keyed_rows(queryset, overrides=None):
    """(pk, row) of `document_rows`; `overrides` ({pk: {field: value}})
    replace values read (`derive` renders what it is about to store)."""
    documents = queryset.values(*OWN).iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(documents, CHUNK)):
        ids = [doc["id"] for doc in chunk]
        for doc in chunk:
            doc.update((overrides or {}).get(doc["id"], {}))
        sectors = grouped(
            Document.sectors.through.objects.filter(document__in=ids)
            .order_by("sector__name_en")
            .values_list("document", "sector__slug")
        )
        parties = grouped(
            Participation.objects.filter(document__in=ids).values_list(
                "document", "party__slug", "role"
            )
        )
        events = grouped(
            LifecycleEvent.objects.filter(document__in=ids).values_list(
                "document", "kind", "occurred_on", "party__slug"
            )
        )
        identifiers = grouped(
            DocumentIdentifier.objects.filter(document__in=ids)
            .order_by("scheme", "value")
            .values_list("document", "scheme", "value")
        )
        texts = grouped(
            (text.document_id, text.get_absolute_url())
            for text in DocumentText.objects.filter(document__in=ids)
            .order_by("pk")
            .only("document", "file", "sha256")
        )
        for doc in chunk:
            pk = doc["id"]
            yield (
                pk,
                document_row(
                    doc,
                    sectors.get(pk, []),
                    parties.get(pk, []),
                    events.get(pk, []),
                    texts.get(pk, []),
                    identifiers.get(pk, []),
                ),
            )


def json_chunks(rows):
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


def csv_line(row):
    """One exported row as its CSV line, without the line break."""
    out = io.StringIO()  # the csv module's "\r\n": it quotes a cell holding one
    csv.DictWriter(out, fieldnames=COLUMNS).writerow(
        {k: csv_cell(v) for k, v in row.items()}
    )
    return out.getvalue().removesuffix("\r\n")


@renderings.register("export_line")
def export_lines(ids, overrides, documents=None):
    """{pk: {"export_line": CSV line}} of these documents (stored); read by
    columns, not from `documents` (model instances cost more to read)."""
    documents = Document.objects.filter(pk__in=ids).order_by("pk")
    return {
        pk: {"export_line": csv_line(row)}
        for pk, row in keyed_rows(documents, overrides)
    }


def stored_csv_lines(queryset):
    """The CSV file of the queryset from the stored lines, read a chunk
    at a time in the queryset's order; a line made by other code (another
    `renderings.version()`) is rendered again."""
    yield CSV_HEADER
    current = renderings.version()
    rows = queryset.values_list("pk", "export_line", "rendered_by")
    rows = rows.iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(rows, CHUNK)):
        stale = [pk for pk, _line, version in chunk if version != current]
        fresh = export_lines(stale, {}) if stale else {}
        yield "".join(
            (fresh[pk]["export_line"] if pk in fresh else line) + "\r\n"
            for pk, line, _version in chunk
        )


def export_response(queryset, fmt, filename="documents"):
    # The first rows are read before the response starts: a database outage is
    # then a 503 with Retry-After (middleware), not a 200 cut after the header.
    if fmt == "csv":
        body = stored_csv_lines(queryset)
        body = itertools.chain(list(itertools.islice(body, 2)), body)  # a block read
    else:
        rows = document_rows(queryset)
        rows = itertools.chain(list(itertools.islice(rows, 1)), rows)
        body = json_chunks(rows)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return streamed_download(body, content_type, f"{filename}.{fmt}")
