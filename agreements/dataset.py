"""The whole dataset, every table, as CSV files in a zip or as one JSON
document, each with its codebook; streamed a chunk of rows at a time.

A table is a model and its columns: field paths read with `values_list`, so
a row is a tuple and a foreign key is the slug of the row it points at. The
codebook explains each column from the model's field (its verbose name, help
text and allowed values), or from its words where that is not enough
(codebook.py, with the release README's text).
"""

import csv
import datetime
import decimal
import io
import json
import zipfile
from dataclasses import dataclass

from django.db.models import (
    AutoField,
    DateField,
    DateTimeField,
    DecimalField,
    IntegerField,
)
from django.utils import timezone, translation

from . import models
from .codebook import COLLECTION, DESCRIPTIONS, README, SLUG
from .export import csv_cell

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Agreement Tracker",
}
CHUNK = 1000


@dataclass
class Table:
    name: str
    model: type
    columns: list  # [(column name, field path)]
    order: tuple = ("pk",)

    def rows(self):
        """Tuples of the columns' values, CHUNK rows in memory at a time."""
        paths = [path for _name, path in self.columns]
        return (
            self.model.objects.order_by(*self.order)
            .values_list(*paths)
            .iterator(chunk_size=CHUNK)
        )

    @property
    def column_names(self):
        return [name for name, _path in self.columns]


def _same(*names):
    return [(name, name) for name in names]


NAMES = ("slug", "name_ru", "name_en")


TABLES = [
    Table("sectors", models.Sector, _same("slug", "name_ru", "name_en"), ("slug",)),
    Table(
        "occasions",
        models.Occasion,
        _same("slug", "name_ru", "name_en", "kind", "started_on", "ended_on")
        + _same("place_ru", "place_en", "summary_ru", "summary_en", "wikidata_id"),
        ("slug",),
    ),
    Table(
        "parties",
        models.Party,
        _same("slug", "name_ru", "name_en", "kind", "country")
        + [("parent", "parent__slug"), ("wikidata_id", "wikidata_id")],
        ("slug",),
    ),
    Table("people", models.Person, _same(*NAMES, "wikidata_id"), ("slug",)),
    Table(
        "positions",
        models.Position,
        [("person", "person__slug"), ("title_ru", "title_ru")]
        + [("title_en", "title_en"), ("party", "party__slug")]
        + _same("held_from", "held_until"),
        ("person__slug", "held_from", "pk"),
    ),
    Table(
        "documents",
        models.Document,
        _same(*models.Document.headline_fields, "place_ru", "place_en")
        + [("occasion", "occasion__slug")]
        + _same(*models.Document.terms_fields, "version", "created_at", "updated_at"),
        ("slug",),
    ),
    Table(
        "document_sectors",
        models.Document.sectors.through,
        [("document", "document__slug"), ("sector", "sector__slug")],
        ("document__slug", "sector__slug"),
    ),
    Table(
        "participations",
        models.Participation,
        [("document", "document__slug"), ("party", "party__slug")]
        + _same("role", "signatory_ru", "signatory_en", "position", "status")
        + [("person", "person__slug")]
        + [
            (f"person_position_{name}", f"person_position__{name}")
            for name in ("title_ru", "title_en", "held_from")
        ],
        ("document__slug", "position", "pk"),
    ),
    Table(
        "document_identifiers",
        models.DocumentIdentifier,
        [("document", "document__slug")] + _same("scheme", "value", "url"),
        ("document__slug", "scheme", "value"),
    ),
    Table(
        "events",
        models.LifecycleEvent,
        [("document", "document__slug")]
        + _same("kind", "occurred_on")
        + [("party", "party__slug")]
        + _same("act_kind", "act_number", "act_date", "act_title_ru", "act_title_en")
        + _same("published_in_ru", "published_in_en", "act_url")
        + _same("note_ru", "note_en"),
        ("document__slug", "occurred_on", "pk"),
    ),
    Table(
        "relations",
        models.DocumentRelation,
        [("from_document", "from_document__slug")]
        + [("kind", "kind"), ("to_document", "to_document__slug")]
        + _same("note_ru", "note_en"),
        ("from_document__slug", "to_document__slug", "kind"),
    ),
    Table(
        "sources",
        models.Source,
        _same("slug", "label", "title", "publisher", "url", "archived_url")
        + _same("language", "published_on", "published_precision", "accessed_on")
        + _same("note_ru", "note_en"),
        ("slug",),
    ),
    Table(
        "citations",
        models.Citation,
        [("source", "source__slug"), ("document", "document__slug")]
        + [("occasion", "occasion__slug"), ("party", "party__slug")]
        + [("event_document", "event__document__slug"), ("event_kind", "event__kind")]
        + [("event_on", "event__occurred_on"), ("event_party", "event__party__slug")]
        + [("person", "person__slug")]
        + _same("field", "claim_ru", "claim_en", "quote", "kind", "confidence")
        + _same("note_ru", "note_en"),
        ("pk",),
    ),
]

TABLE_NAMES = {
    models.Sector: "sectors",
    models.Occasion: "occasions",
    models.Party: "parties",
    models.Person: "people",
    models.Document: "documents",
    models.Source: "sources",
}


def _kind(field):
    if isinstance(field, DateTimeField):
        return "datetime"
    if isinstance(field, DateField):
        return "date"
    if isinstance(field, DecimalField):
        return "decimal"
    if isinstance(field, (IntegerField, AutoField)):
        return "integer"
    return "text"


def _field(model, path):
    """The model field a path ends in (`party__slug` → Participation.party)."""
    first, _sep, _rest = path.partition("__")
    return model._meta.get_field(first)


def column_description(table, name, path):
    """(type, description, allowed values) of one column, in English."""
    field = _field(table.model, path)
    kind = "text" if field.is_relation else _kind(field)
    with translation.override("en"):
        text = DESCRIPTIONS.get(table.name, {}).get(name)
        if text is None and name == "slug":
            text = SLUG
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if text is None and field.is_relation:
            text = f"{label} ({TABLE_NAMES[field.related_model]}.slug)."
        if text is None:
            text = f"{label}. {field.help_text}".strip()
        values = {str(value): str(label) for value, label in field.flatchoices}
    if (field.null or field.blank) and "empty" not in text.lower():
        text += " Empty when not known or not applicable."
    return kind, text, "; ".join(f"{v} = {label}" for v, label in values.items() if v)


def codebook():
    """[{table, column, type, description, values}] for every column of every table."""
    return [
        dict(
            zip(
                ("table", "column", "type", "description", "values"),
                (table.name, name, *column_description(table, name, path)),
                strict=True,
            )
        )
        for table in TABLES
        for name, path in table.columns
    ]


def _plain(value):
    """A JSON value: dates ISO 8601, decimals as strings (exact), None as null."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _cell(value):
    value = _plain(value)
    return "" if value is None else csv_cell(str(value))


def readme(generated_at):
    tables = "\n".join(f"- {t.name}.csv" for t in TABLES)
    return README.format(
        generated_at=generated_at,
        licence=LICENCE,
        tables=tables,
        collection=COLLECTION,
    )


class _Sink:
    """A write-only file for ZipFile whose bytes are taken as they come."""

    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _csv_entry(archive, name, header, rows):
    """Write one CSV file into the zip, yielding after each chunk of rows."""
    with archive.open(name, "w", force_zip64=True) as entry:
        text = io.TextIOWrapper(entry, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for i, row in enumerate(rows, 1):
            writer.writerow(row)
            if i % CHUNK == 1:
                text.flush()
                yield
        text.flush()
        text.detach()
    yield


def zip_chunks():
    """The zip, a bounded chunk of bytes at a time."""
    sink = _Sink()
    generated_at = timezone.now().isoformat(timespec="seconds")
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            rows = ([_cell(v) for v in row] for row in table.rows())
            for _ in _csv_entry(archive, f"{table.name}.csv", table.column_names, rows):
                yield sink.take()
        book = codebook()
        columns = list(book[0])
        rows = ([entry[c] for c in columns] for entry in book)
        for _ in _csv_entry(archive, "codebook.csv", columns, rows):
            yield sink.take()
        archive.writestr("README.md", readme(generated_at))
    yield sink.take()


def json_chunks():
    """One JSON document: licence, codebook, then each table as a list of objects."""
    head = {
        "title": "Agreement Tracker: the whole dataset",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": LICENCE,
        "collection": COLLECTION,
        "codebook": codebook(),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {'
    for t, table in enumerate(TABLES):
        yield ("," if t else "") + f"\n{json.dumps(table.name)}: ["
        names = table.column_names
        for i, row in enumerate(table.rows()):
            record = dict(zip(names, map(_plain, row), strict=True))
            yield ("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False)
        yield "]"
    yield "\n}}\n"
