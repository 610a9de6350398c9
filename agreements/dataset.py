"""The whole dataset, every table, as CSV files in a zip or as one JSON
document, each with its codebook; streamed a chunk of rows at a time.

A table is a model and its columns: field paths read with `values_list`, so
a row is a tuple and a foreign key is the slug of the row it points at. The
codebook explains each column from the model's field (its verbose name, help
text and allowed values), or from DESCRIPTIONS where that is not enough.
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
from .export import csv_cell

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Agreement Tracker",
}
CHUNK = 1000
SLUG = "The record's stable identifier; other tables refer to it by this."


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

# Where the model's own words are not enough for a reader of the files, by
# table and column; "slug" is described once for every table.
DESCRIPTIONS = {
    "documents": {
        "status": "Where the document stands today, derived from its "
        "lifecycle events (events table), never typed in.",
        "signed_on": "Date of signing. With signed_precision month or "
        "year, the first day of that month or year.",
        "version": "Incremented by every editorial save of the "
        "document; a citation of the record names it.",
        "created_at": "When the record was created (UTC).",
        "updated_at": "When the record or one of its rows (parties, "
        "events, citations, relations) last changed (UTC).",
        "value_amount": "Stated value, in value_currency; empty when "
        "unknown or when the sources disagree (see citations).",
        "expected_in_force_on": "The day the entry-into-force rule gives from "
        "the events recorded (all parties notified, say): computed, expected, "
        "never a fact a source gives. Empty while the rule or the steps it "
        "names are not known.",
    },
    "document_sectors": {
        "document": "The document (documents.slug).",
        "sector": "A sector it touches (sectors.slug).",
    },
    "occasions": {
        "started_on": "First (or only) day of the occasion.",
    },
    "events": {
        "occurred_on": "When the event happened.",
        "party": "The party whose step it is (parties.slug): its ratification, "
        "notification or withdrawal; empty for all parties.",
    },
    "participations": {
        "status": "Where this party stands on the document today, derived "
        "from the events (its own and those for all parties) and the "
        "document's entry-into-force rule, never typed in. One row per "
        "document and party.",
        "position": "Order of the party on the document (0 first).",
        "role": "The party's role in the document.",
        "person": "The person who signed (people.slug), where a source names them.",
        "person_position_title_ru": "The post the person signed in (positions: "
        "person, title_ru, held_from), in Russian.",
        "person_position_title_en": "The post the person signed in, in English.",
        "person_position_held_from": "Since when the person held that post "
        "(positions.held_from).",
    },
    "positions": {
        "person": "Who held the post (people.slug).",
        "party": "The state, government or ministry the post belongs to "
        "(parties.slug).",
    },
    "document_identifiers": {
        "document": "The document (documents.slug).",
        "value": "The identifier as the register or publication writes it; "
        "unique within its scheme.",
    },
    "relations": {
        "from_document": "The document the relation is stated on "
        "(documents.slug); it reads «from_document kind to_document».",
        "to_document": "The other document (documents.slug).",
    },
    "citations": {
        "source": "The source cited (sources.slug); empty for an "
        "editorial citation (kind = editorial).",
        "document": "The document whose fact is supported "
        "(documents.slug); exactly one of document, occasion, party, event and "
        "person is set.",
        "occasion": "The occasion whose fact is supported (occasions.slug).",
        "party": "The party whose fact is supported (parties.slug).",
        "event_document": "With event_kind, event_on and event_party: the "
        "event (events table) whose date or domestic act is supported; exactly "
        "one of document, occasion, party, event and person is set.",
        "event_kind": "The kind of the event supported (events.kind).",
        "event_on": "The date of the event supported (events.occurred_on).",
        "event_party": "The party of the event supported (events.party); empty "
        "for an event of all parties.",
        "person": "The person whose fact is supported (people.slug).",
        "field": "Which fact of that record the citation supports: a "
        "column name of its table, or a wider fact (empty: the record as a whole).",
        "claim_en": "What the source says the value is, where it "
        "differs from others; two citations of one fact with different claims "
        "(compared in English, else in Russian) mark it disputed, unless one is "
        "judged unreliable (confidence = unreliable).",
        "claim_ru": "The claim in Russian.",
    },
}
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


# What the collection is and is not: the release's README and JSON say it,
# so that no count in it is read as the whole relationship.
COLLECTION = """\
The records are the Kazakhstan–Russia documents that a researcher could source
fact by fact from the stored public pages read for them (fixtures/README.md):
the Kazakh legal database Adilet (ratification laws and government resolutions
with the agreement's title, place and date of signature and its entry into
force with the Bulletin of International Treaties reference), Russian federal
ratification laws and reference systems, and news reports of the occasions at
which documents were signed. Every fact is quoted from its source, marked
editorial with a note, or left empty as unknown.

Limits. This is a sample, not the treaty register. No source read gives the
number of documents the two states have concluded since 1992, so the share of
the whole relationship is unknown; where a source counts the documents of one
occasion, the records hold 3 of the 14 signed in Moscow on 12 November 2025
(Kazinform) and 1 of the joint statement and 20 agreements of 27 November 2024
(CMN.KZ). What decided inclusion was what the pages read give, not a
document's importance: Kazakh acts are better covered than Russian ones (most
records have Kazakhstan's ratification or approval and its entry into force, few
have Russia's), documents known only from another document's preamble have no
events, and a document reported by the news has only what the report says. An
empty cell means "not found in the sources read", never "did not happen".
"""

README = """# Agreement Tracker: the whole dataset

Generated {generated_at}. Licence: {licence[name]}, {licence[url]}.
Attribute it as "{licence[attribution]}" with a link to the site.

One CSV file per table, UTF-8 with a byte order mark, comma-separated, one
header row. Rows refer to each other by slug (e.g. participations.party is a
parties.slug). A cell that would start with = + - @ or a tab is prefixed with
a single quote, so that no spreadsheet runs it as a formula.

Every column of every file is explained in codebook.csv.

## The collection and its limits

{collection}
## Tables

{tables}
"""


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
