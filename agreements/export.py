"""Whole filtered sets as CSV or JSON, streamed row by row.

The columns are also what `import_documents` reads, so an export imports back.
"""

import csv
import itertools
import json

from django.db.models import Prefetch
from django.http import StreamingHttpResponse

COLUMNS = [
    "slug",
    "title_ru",
    "title_en",
    "title_status",
    "kind",
    "legal_level",
    "status",
    "signed_on",
    "signed_precision",
    "place_ru",
    "place_en",
    "occasion",
    "sectors",
    "parties",
    "events",
    "summary_ru",
    "summary_en",
    "term_years",
    "valid_until",
    "value_amount",
    "value_currency",
    "full_text_url",
    "texts",
    "updated_at",
]
LIST_SEPARATOR = "; "
CHUNK = 500
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


def document_row(doc):
    """One flat row; sectors, parties ("slug:role") and events ("kind:date[:party]")
    joined by "; "; texts as the paths that serve them (read back, never imported).
    Signatories, citations and relations are in the API and in
    dumpdata backups, not in this flat file."""
    return {
        "slug": doc.slug,
        "title_ru": doc.title_ru,
        "title_en": doc.title_en,
        "title_status": doc.title_status,
        "kind": doc.kind,
        "legal_level": doc.legal_level,
        "status": doc.status,
        "signed_on": doc.signed_on.isoformat() if doc.signed_on else "",
        "signed_precision": doc.signed_precision,
        "place_ru": doc.place_ru,
        "place_en": doc.place_en,
        "occasion": doc.occasion.slug if doc.occasion_id else "",
        "sectors": LIST_SEPARATOR.join(s.slug for s in doc.sectors.all()),
        "parties": LIST_SEPARATOR.join(
            f"{p.party.slug}:{p.role}" for p in doc.participations.all()
        ),
        "events": LIST_SEPARATOR.join(
            ":".join(
                filter(
                    None, [e.kind, e.occurred_on.isoformat(), e.party and e.party.slug]
                )
            )
            for e in doc.events.all()
        ),
        "summary_ru": doc.summary_ru,
        "summary_en": doc.summary_en,
        "term_years": "" if doc.term_years is None else str(doc.term_years),
        "valid_until": doc.valid_until.isoformat() if doc.valid_until else "",
        "value_amount": "" if doc.value_amount is None else str(doc.value_amount),
        "value_currency": doc.value_currency,
        "full_text_url": doc.full_text_url,
        "texts": LIST_SEPARATOR.join(t.get_absolute_url() for t in doc.texts.all()),
        "updated_at": doc.updated_at.isoformat(),
    }


def document_rows(queryset):
    """Rows of the whole queryset, a chunk of documents in memory at a time."""
    from .models import DocumentText, LifecycleEvent

    events = Prefetch("events", queryset=LifecycleEvent.objects.select_related("party"))
    texts = Prefetch(
        "texts", queryset=DocumentText.objects.only("document_id", "file", "sha256")
    )
    for doc in (
        queryset.with_related()
        .prefetch_related(events, texts)
        .iterator(chunk_size=CHUNK)
    ):
        yield document_row(doc)


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


def export_response(queryset, fmt, filename="documents"):
    # The first rows are read before the response starts: a database outage is
    # then a 503 with Retry-After (middleware), not a 200 cut after the header.
    rows = document_rows(queryset)
    rows = itertools.chain(list(itertools.islice(rows, 1)), rows)
    if fmt == "csv":
        body, content_type = csv_lines(rows), "text/csv; charset=utf-8"
    else:
        body, content_type = json_chunks(rows), "application/json"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
