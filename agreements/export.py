"""Whole filtered sets as CSV or JSON, streamed row by row.

The columns are also what `import_documents` reads, so an export imports back.
"""

import csv
import itertools
import json

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse

from .models import Document, DocumentText, LifecycleEvent, Participation

COLUMNS = [
    *Document.headline_fields,
    "place_ru",
    "place_en",
    "occasion",
    "sectors",
    "parties",
    "events",
    *Document.terms_fields,
    "texts",
    "updated_at",
]
LIST_SEPARATOR = "; "
CHUNK = 2000
# Spreadsheets run a cell starting with one of these as a formula (OWASP, "CSV
# injection"); the quote that neutralises them is itself escaped the same way,
# so that `csv_cell_value` gives back exactly what was exported.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def csv_cell(value):
    """A CSV cell that no spreadsheet runs as a formula: a leading `'` added."""
    if value.startswith((*FORMULA_STARTS, NEUTRALISER)):
        return NEUTRALISER + value
    return value


def csv_cell_value(cell):
    """The exported value back from a `csv_cell` (the importer's side)."""
    if (
        cell.startswith(NEUTRALISER)
        and cell[1:2]
        and cell[1:].startswith((*FORMULA_STARTS, NEUTRALISER))
    ):
        return cell[1:]
    return cell


# Columns made of a document's rows, joined by LIST_SEPARATOR; the others are
# its own values, read as plain values (no model instances).
NESTED = ("sectors", "parties", "events", "texts")
OWN = ["id", "occasion__slug", *(c for c in COLUMNS if c not in (*NESTED, "occasion"))]


def _text(value):
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def document_row(doc, sectors, parties, events, texts):
    """One flat row: a document's own values (a dict of `OWN`) and its rows.
    Sectors, parties ("slug:role") and events ("kind:date[:party]") are joined by
    "; "; texts as the paths that serve them (read back, never imported).
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
    documents = queryset.values(*OWN).iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(documents, CHUNK)):
        ids = [doc["id"] for doc in chunk]
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
        texts = grouped(
            (text.document_id, text.get_absolute_url())
            for text in DocumentText.objects.filter(document__in=ids)
            .order_by("pk")
            .only("document", "file", "sha256")
        )
        for doc in chunk:
            pk = doc["id"]
            yield document_row(
                doc,
                sectors.get(pk, []),
                parties.get(pk, []),
                events.get(pk, []),
                texts.get(pk, []),
            )


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    writer = csv.DictWriter(_Echo(), fieldnames=COLUMNS)
    yield "\ufeff"  # BOM: Excel then reads the UTF-8 Cyrillic correctly
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow({k: csv_cell(v) for k, v in row.items()})


def json_chunks(rows):
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


# On PostgreSQL the database writes each document's CSV line itself, byte for
# byte what `csv_lines(document_rows(...))` writes (tests compare them), and
# stores it (`Document.export_line`, kept by `derive`): an export reads stored
# lines in order. The SQL of each cell is that of `document_row`, `csv_cell` and
# the csv module's minimal quoting, over `f`, the queryset's own values (`OWN`).
NEUTRALISED = "CASE WHEN left({0}, 1) IN ({1}) THEN {2} || {0} ELSE {0} END"
QUOTED = (  # quoted if it holds a quote, comma or line break (csv.QUOTE_MINIMAL)
    "CASE WHEN strpos(t.{0}, '\"') + strpos(t.{0}, ',') + strpos(t.{0}, chr(10)) "
    "+ strpos(t.{0}, chr(13)) = 0 THEN t.{0} "
    "ELSE '\"' || replace(t.{0}, '\"', '\"\"') || '\"' END"
)
ISO_DATE = "to_char(f.{0}, 'YYYY-MM-DD')"
ISO_TIME = (  # datetime.isoformat() in UTC: microseconds only when not zero
    "to_char(f.{0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE "
    "WHEN to_char(f.{0}, 'US') = '000000' THEN '' "
    "ELSE to_char(f.{0} AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)
# A file's name as reverse() writes it in a URL: percent-encoded UTF-8 but for
# the characters Django leaves as they are.
URL_NAME = (
    "(SELECT string_agg(CASE WHEN c ~ '^[A-Za-z0-9_.~!$&''()*+,;=:@/-]$' THEN c "
    "ELSE regexp_replace(upper(encode(convert_to(c, 'UTF8'), 'hex')), '(..)', "
    "E'\\x25\\\\1', 'g') END, '' ORDER BY i) FROM regexp_split_to_table("
    "regexp_replace(t.file, '^.*/', ''), '') WITH ORDINALITY AS n(c, i))"
)
# Each nested column, aggregated for the exported documents (`f`) at once.
NESTED_SQL = {
    "sectors": "SELECT ds.document_id AS id, string_agg(s.slug, {sep} "
    "ORDER BY s.name_en) AS v FROM f JOIN agreements_document_sectors ds "
    "ON ds.document_id = f.id JOIN agreements_sector s ON s.id = ds.sector_id "
    "GROUP BY 1",
    "parties": "SELECT r.document_id AS id, string_agg(p.slug || ':' || r.role, "
    "{sep} ORDER BY r.position, r.id) AS v FROM f JOIN agreements_participation r "
    "ON r.document_id = f.id JOIN agreements_party p ON p.id = r.party_id GROUP BY 1",
    "events": "SELECT e.document_id AS id, string_agg(concat_ws(':', e.kind, "
    "to_char(e.occurred_on, 'YYYY-MM-DD'), p.slug), {sep} "
    "ORDER BY e.occurred_on, e.id) AS v FROM f JOIN agreements_lifecycleevent e "
    "ON e.document_id = f.id LEFT JOIN agreements_party p ON p.id = e.party_id "
    "GROUP BY 1",
    "texts": "SELECT t.document_id AS id, string_agg({files} || t.sha256 || '/' || "
    + URL_NAME
    + ", {sep} ORDER BY t.id) AS v FROM f JOIN agreements_documenttext t "
    "ON t.document_id = f.id GROUP BY 1",
}


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def csv_line_sql(queryset, touched_at=None):
    """(SQL, params) of the documents' CSV lines: rows (id, line), in no order;
    with `touched_at`, the lines they have once `updated_at` is that."""
    own, params = queryset.values(*OWN).query.sql_with_params()
    fields = {f.name: f.get_internal_type() for f in Document._meta.concrete_fields}
    constants = {
        "sep": _literal(LIST_SEPARATOR),
        "files": _literal(reverse("file", args=["0" * 64, "x"])[: -(64 + 2)]),
    }
    starts = ", ".join(_literal(c) for c in (*FORMULA_STARTS, NEUTRALISER))
    cells, nested = [], []
    for column in COLUMNS:
        if column in NESTED:
            nested.append(f"{column} AS ({NESTED_SQL[column].format(**constants)})")
            sql = f"{column}.v"
        elif column == "occasion":
            sql = "f.occasion__slug"
        elif fields[column] == "DateField":
            sql = ISO_DATE.format(column)
        elif fields[column] == "DateTimeField":
            sql = ISO_TIME.format(column)
        else:
            sql = f"f.{column}::text"
        cell = NEUTRALISED.format(sql, starts, _literal(NEUTRALISER))
        cells.append(f"coalesce({cell}, '') AS {column}")
    names = [connection.ops.quote_name(name) for name in OWN]
    values = [  # f's columns: the queryset's own values, or the new timestamp
        f"{_literal(touched_at.isoformat())}::timestamptz AS {column}"
        if touched_at and name == "updated_at"
        else column
        for name, column in zip(OWN, names, strict=True)
    ]
    joins = " ".join(f"LEFT JOIN {c} ON {c}.id = f.id" for c in NESTED)
    line = " || ',' || ".join(QUOTED.format(column) for column in COLUMNS)
    # OFFSET 0 keeps each cell computed once, not once per mention in `line`.
    # No % sign in what is added here: only `own` has parameters.
    sql = (
        f"WITH f AS MATERIALIZED (SELECT {', '.join(values)} "
        f"FROM ({own}) AS f({', '.join(names)})), "
        f"{', '.join(nested)} SELECT t.id, {line} AS line FROM (SELECT f.id, "
        f"{', '.join(cells)} FROM f {joins} OFFSET 0) AS t"
    )
    return sql, params


def sql_csv_lines(queryset):
    """`csv_lines(document_rows(queryset))` from the lines PostgreSQL stored,
    read in the queryset's order through a server-side cursor a block at a time
    (the first block comes as soon as the first rows are found)."""
    yield "\ufeff" + ",".join(COLUMNS) + "\r\n"
    try:
        sql, params = queryset.values_list("export_line").query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing before any SQL is run
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        lines = cursor.fetchmany(CHUNK)
        while len(lines) == CHUNK:
            yield "".join(line + "\r\n" for (line,) in lines)
            lines = cursor.fetchmany(CHUNK)
    # The last block once the cursor is closed: a short export holds no cursor
    # open while it waits for its reader.
    yield "".join(line + "\r\n" for (line,) in lines)


def export_response(queryset, fmt, filename="documents"):
    # The first rows are read before the response starts: a database outage is
    # then a 503 with Retry-After (middleware), not a 200 cut after the header.
    if fmt == "csv" and connection.vendor == "postgresql":
        body = sql_csv_lines(queryset)
        body = itertools.chain(list(itertools.islice(body, 2)), body)  # a block read
    else:
        rows = document_rows(queryset)
        rows = itertools.chain(list(itertools.islice(rows, 1)), rows)
        body = csv_lines(rows) if fmt == "csv" else json_chunks(rows)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
