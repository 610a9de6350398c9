"""All-or-nothing import of documents from the export's CSV or JSON columns."""

import csv
import datetime
import json
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .export import COLUMNS, LIST_SEPARATOR, csv_cell_value, document_rows
from .models import (
    Document,
    DocumentIdentifier,
    LifecycleEvent,
    Occasion,
    Participation,
    Party,
    Sector,
)

REQUIRED = {"slug", "kind"}
# Read back, never written from the file (texts are files: attach them with
# attach_text).
DERIVED = {"status", "expected_in_force_on", "updated_at", "texts"}
# A document's rows as the file keys them: {column: (related name, key fields)}.
# A row whose key stays keeps its other fields (a signatory, an identifier's link).
ROWS = {
    "parties": ("participations", ("party", "role")),
    "events": ("events", ("kind", "occurred_on", "party")),
    "identifiers": ("identifiers", ("scheme", "value")),
}
FIELDS = [c for c in COLUMNS if c not in {"occasion", "sectors", *ROWS, *DERIVED}]


class RowForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = FIELDS


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    more_errors: int = 0


@dataclass
class ParsedRow:
    where: str
    form: RowForm
    occasion: Occasion | None
    sectors: set
    parties: dict  # {(party, role): None}, in the file's order
    events: dict  # {(kind, date, party or None): None}, in the file's order
    identifiers: dict  # {(scheme, value): None}, in the file's order
    updated_at: datetime.datetime | None


MAX_ITEM_CHARS = 1_000_000  # one JSON item; a row of the export is a few KB
MAX_ERRORS = 200
IDENTIFIER_CHARS = DocumentIdentifier._meta.get_field("value").max_length


def read_rows(path):
    """(where, row) pairs, read lazily so that memory stays bounded whatever the
    file's size: 'line N' for CSV (cells neutralised against formulas by the
    export are read back as exported), 'item N' for JSON. ValueError (or
    OSError, UnicodeDecodeError, csv.Error) if the file cannot be read."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if str(path).endswith(".json"):
            for n, item in enumerate(json_items(handle, path), 1):
                if not isinstance(item, dict):
                    raise ValueError(f"{path}: expected a JSON list of objects")
                yield f"item {n}", item
            return
        reader = csv.DictReader(handle)
        for row in reader:
            if None in row:
                raise ValueError(
                    f"{path}: line {reader.line_num} has more values than columns"
                )
            yield (
                f"line {reader.line_num}",
                {k: csv_cell_value(v or "") for k, v in row.items()},
            )


def json_items(handle, path, size=1 << 16):
    """The items of the top-level JSON list in `handle`, decoded one at a time."""
    decoder, buffer, pos = json.JSONDecoder(), "", 0

    def peek():  # the next non-blank character ("" at the end), reading on
        nonlocal buffer, pos
        while True:
            while pos < len(buffer) and buffer[pos].isspace():
                pos += 1
            if pos < len(buffer):
                return buffer[pos]
            more = handle.read(size)
            if not more:
                return ""
            buffer, pos = buffer[pos:] + more, 0

    def invalid(reason):
        return ValueError(f"{path}: not valid JSON ({reason})")

    if peek() != "[":
        raise ValueError(f"{path}: expected a JSON list of objects")
    pos += 1
    if peek() == "]":
        return
    while True:
        peek()
        while True:
            try:
                item, pos = decoder.raw_decode(buffer, pos)
                break
            except RecursionError:
                raise invalid("nested too deeply") from None
            except json.JSONDecodeError as exc:
                more = handle.read(size)
                if not more:
                    raise invalid(exc) from exc
                if len(buffer) - pos > MAX_ITEM_CHARS:
                    reason = f"an item longer than {MAX_ITEM_CHARS} characters"
                    raise invalid(reason) from None
                buffer, pos = buffer[pos:] + more, 0
        yield item
        after = peek()
        if after == "]":
            break
        if after != ",":
            raise invalid(f"expected , or ] after an item, found {after!r}")
        pos += 1
    pos += 1
    if peek():
        raise invalid("extra data after the list")


def column_problems(path, row):
    """Missing or unknown columns (CSV: the header; JSON: an item's keys)."""
    problems = []
    if missing := REQUIRED - set(row):
        problems.append(f"{path}: missing columns: {', '.join(sorted(missing))}")
    if unknown := set(row) - set(COLUMNS):
        problems.append(f"{path}: unknown columns: {', '.join(sorted(unknown))}")
    return problems


def _split(value):
    return [
        part.strip()
        for part in (value or "").split(LIST_SEPARATOR.strip())
        if part.strip()
    ]


class Lookups:
    """Slugs of the referenced records, fetched once per import."""

    def __init__(self):
        self.sectors = {s.slug: s for s in Sector.objects.all()}
        self.occasions = {o.slug: o for o in Occasion.objects.all()}
        self.parties = {p.slug: p for p in Party.objects.all()}


def with_stored_values(row):
    """The row, its missing columns taken from the stored document of its slug
    (as exported): a column left out keeps what is stored; an empty one empties."""
    absent = [name for name in COLUMNS if name not in row]
    document = Document.objects.filter(slug=str(row.get("slug") or "").strip())
    if not absent or not (stored := next(document_rows(document), None)):
        return row
    return {**{name: stored[name] for name in absent}, **row}


def parse_row(where, row, lookups):
    row = with_stored_values(row)
    problems = [
        f"{where}, column {name}: expected text, a number or null"
        for name, value in row.items()
        if isinstance(value, list | dict)
    ]
    values = {
        name: ""
        if isinstance(row.get(name), list | dict)
        else str(row.get(name) or "").strip()
        for name in COLUMNS
    }
    existing = Document.objects.filter(slug=values["slug"]).first()
    data = {name: values[name] for name in FIELDS}
    data["legal_level"] = data["legal_level"] or Document.Level.UNKNOWN
    data["title_status"] = data["title_status"] or Document.TitleStatus.UNKNOWN
    data["signed_precision"] = data["signed_precision"] or "day"
    data["entry_into_force_rule"] = (
        data["entry_into_force_rule"] or Document.Rule.UNKNOWN
    )
    form = RowForm(data, instance=existing)
    if not form.is_valid():
        for name, messages in form.errors.items():
            column = "" if name == "__all__" else f", column {name}"
            problems += [f"{where}{column}: {m}" for m in messages]

    occasion = None
    if values["occasion"]:
        occasion = lookups.occasions.get(values["occasion"])
        if occasion is None:
            problems.append(
                f"{where}, column occasion: no occasion «{values['occasion']}»"
            )
    sectors = set()
    for slug in _split(values["sectors"]):
        if slug in lookups.sectors:
            sectors.add(lookups.sectors[slug])
        else:
            problems.append(f"{where}, column sectors: no sector «{slug}»")
    parties = {}
    for item in _split(values["parties"]):
        slug, _, role = item.partition(":")
        role = role or Participation.Role.PARTY
        if slug not in lookups.parties:
            problems.append(f"{where}, column parties: no party «{slug}»")
        elif role not in Participation.Role.values:
            problems.append(
                f"{where}, column parties: unknown role «{role}» for {slug}"
            )
        else:
            parties[(lookups.parties[slug], role)] = None
    events = {}
    for item in _split(values["events"]):
        kind, _, rest = item.partition(":")
        day, _, party_slug = rest.partition(":")
        try:
            date = datetime.date.fromisoformat(day)
        except ValueError:
            problems.append(
                f"{where}, column events: «{item}» needs kind:YYYY-MM-DD[:party]"
            )
            continue
        if kind not in LifecycleEvent.Kind.values:
            problems.append(f"{where}, column events: unknown event «{kind}»")
        elif party_slug and party_slug not in lookups.parties:
            problems.append(f"{where}, column events: no party «{party_slug}»")
        else:
            events[(kind, date, lookups.parties.get(party_slug))] = None
    identifiers = {}
    for item in _split(values["identifiers"]):
        scheme, _, value = (part.strip() for part in item.partition(":"))
        if not value:
            problems.append(f"{where}, column identifiers: «{item}» needs scheme:value")
        elif scheme not in DocumentIdentifier.Scheme.values:
            problems.append(f"{where}, column identifiers: unknown scheme «{scheme}»")
        elif len(value) > IDENTIFIER_CHARS:
            problems.append(
                f"{where}, column identifiers: longer than {IDENTIFIER_CHARS} "
                f"characters: «{item[:50]}…»"
            )
        else:
            identifiers[(scheme, value)] = None
    problems += _identifiers_held_elsewhere(where, values["slug"], identifiers)
    updated_at = parse_datetime(values["updated_at"]) if values["updated_at"] else None
    if values["updated_at"] and updated_at is None:
        problems.append(f"{where}, column updated_at: not an ISO date-time")
    parsed = ParsedRow(
        where, form, occasion, sectors, parties, events, identifiers, updated_at
    )
    return parsed, problems


def _identifiers_held_elsewhere(where, slug, identifiers):
    """An identifier names one document (a database constraint): one already
    held by another document is refused, not left to fail at writing."""
    if not identifiers:
        return []
    wanted = Q()
    for scheme, value in identifiers:
        wanted |= Q(scheme=scheme, value=value)
    held = DocumentIdentifier.objects.filter(wanted).exclude(document__slug=slug)
    return [
        f"{where}, column identifiers: {scheme}:{value} already identifies «{other}»"
        for scheme, value, other in held.values_list(
            "scheme", "value", "document__slug"
        )
    ]


def _keyed(doc, column):
    """{key: row} of the document's rows of one nested column."""
    related, fields = ROWS[column]
    rows = getattr(doc, related).all()
    return {tuple(getattr(r, name) for name in fields): r for r in rows}


def _unchanged(doc, row):
    return (
        not row.form.has_changed()
        and doc.occasion_id == (row.occasion.pk if row.occasion else None)
        and set(doc.sectors.all()) == row.sectors
        and all(set(_keyed(doc, c)) == set(getattr(row, c)) for c in ROWS)
    )


def _write(row, user):
    doc = row.form.save(commit=False)
    doc.occasion = row.occasion
    doc._history_user = user
    doc.save()
    doc.sectors.set(row.sectors)
    for column, (related, fields) in ROWS.items():
        current, wanted = _keyed(doc, column), getattr(row, column)
        for key, old in current.items():
            if key not in wanted:
                old._history_user = user
                old.delete()
        model = getattr(doc, related).model
        for position, key in enumerate(wanted, 1):
            if key not in current:
                new = model(document=doc, **dict(zip(fields, key, strict=True)))
                if column == "parties":
                    new.position = position
                new._history_user = user
                new.save()
    return doc


def validate_rows(path, result, progress=None):
    """First pass: every row checked, nothing kept but errors, slugs and
    identifiers; the number of rows."""
    lookups, seen, held, n = Lookups(), {}, {}, 0
    for n, (where, row) in enumerate(read_rows(path), 1):
        problems = column_problems(path, row)
        if problems:  # the file's shape is wrong: no point reading on
            result.errors += problems
            return n
        item, problems = parse_row(where, row, lookups)
        slug = item.form.data.get("slug")
        if slug in seen:
            problems.append(f"{where}: slug «{slug}» already used at {seen[slug]}")
        seen[slug] = where
        for scheme, value in item.identifiers:  # one document each, in the file too
            if (scheme, value) in held:
                problems.append(
                    f"{where}, column identifiers: {scheme}:{value} already "
                    f"identifies {held[scheme, value]}"
                )
            held.setdefault((scheme, value), f"«{slug}» at {where}")
        if len(result.errors) < MAX_ERRORS:
            result.errors += problems[: MAX_ERRORS - len(result.errors)]
        elif problems:
            result.more_errors += len(problems)
        if progress:
            progress("validated", n, None)
    return n


def document_import(path, user=None, dry_run=False, progress=None):
    """Validate every row, then write all of them in one transaction, or nothing.

    The file is read twice, row by row (validation, then writing), so that
    memory stays bounded whatever its size."""
    result = ImportResult()
    try:
        total = validate_rows(path, result, progress)
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        result.errors.append(str(exc))
        return result
    if result.more_errors:
        result.errors.append(f"… and {result.more_errors} more problem(s).")
    if result.errors:
        return result

    lookups = Lookups()
    with transaction.atomic():
        written, kept_timestamps = [], []
        for n, (where, raw) in enumerate(read_rows(path), 1):
            row, _problems = parse_row(where, raw, lookups)
            doc = row.form.instance
            if doc.pk and _unchanged(doc, row):
                result.unchanged += 1
            else:
                created = doc.pk is None
                doc = _write(row, user)
                written.append(doc.pk)
                if created and row.updated_at:
                    kept_timestamps.append((doc.pk, row.updated_at))
                result.created += created
                result.updated += not created
            if progress:
                progress("written", n, total)
        for pk, updated_at in kept_timestamps:
            Document.objects.filter(pk=pk).update(updated_at=updated_at)
        if dry_run:
            transaction.set_rollback(True)
    return result
