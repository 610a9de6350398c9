"""A document's public change history, read from django-simple-history.

The document's own saves and those of the rows shown with it (parties, events,
citations, relations, identifiers) are grouped into changes: what one save by one editor
wrote, with its reason. Editors' identities stay private. Each change has a
stable anchor (its first historical record), so a reader can cite it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from .models import (
    Citation,
    Document,
    DocumentIdentifier,
    DocumentRelation,
    DocumentText,
    LifecycleEvent,
    Participation,
    Party,
    Source,
)
from .models.documents import FIXTURE_LOAD
from .provenance import field_label

# The rows shown inside a document's form and page: their history is the document's.
ROW_HISTORY = [
    (Participation, "document"),
    (LifecycleEvent, "document"),
    (Citation, "document"),
    (DocumentRelation, "from_document"),
    (DocumentText, "document"),
    (DocumentIdentifier, "document"),
]
# Bookkeeping, and the status derived from the events (whose changes are shown).
NOT_SHOWN = {"id", "created_at", "updated_at", "version", "status", "document"}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
ACTION_LABELS = {
    "created": _("added"),
    "changed": _("changed"),
    "deleted": _("removed"),
}
# Records written by one save arrive within moments of each other.
ONE_SAVE = timedelta(seconds=5)


@dataclass
class Part:
    """What one change did to the document itself or to one of its rows."""

    model: str  # "document", "participation", …
    label: str  # its verbose name, in the reader's language
    row: str  # which row ("" for the document itself)
    action: str  # created / changed / deleted
    fields: list | None  # [(name, label)]; None: the earlier state is not recorded

    @property
    def action_label(self):
        return ACTION_LABELS[self.action]


@dataclass
class Change:
    anchor: str
    changed_at: datetime
    reason: str
    version: int | None  # the document's version after this change
    last_at: datetime | None = None  # when its last record was written
    _author: object = None  # grouping only, never shown
    _parts: dict = field(default_factory=dict)

    def add(self, key, part):
        """A row saved twice in one change (its fields, then its sectors) is one
        part: created or deleted if either was (no field listed: an added row's
        sectors are not a change), else changed, with the fields of both."""
        if key not in self._parts:
            self._parts[key] = part
            return
        known = self._parts[key]
        if part.action != "changed":
            known.action = part.action
        if known.action != "changed":
            known.fields = []  # every field of an added row is new, none "changed"
        elif known.fields is None or part.fields is None:
            known.fields = None
        else:
            known.fields += [f for f in part.fields if f not in known.fields]

    @property
    def parts(self):
        """What changed; a save that changed none of the document's own fields
        is left out when the change did something else."""
        parts = list(self._parts.values())
        busy = [p for p in parts if p.action != "changed" or p.fields != []]
        return busy or parts


def _fields_changed(model, record, previous, m2m=None):
    """[(name, label)] of the fields that differ from `previous`, or None."""
    if record.history_type != "~":
        return []
    if previous is None:
        return None
    names = [
        f.name
        for f in type(record).tracked_fields
        if f.name not in NOT_SHOWN
        and getattr(record, f.attname) != getattr(previous, f.attname)
    ]
    if m2m is not None and m2m.get(record.pk) != m2m.get(previous.pk):
        names.append("sectors")
    opts = model._meta
    return [(name, opts.get_field(name).verbose_name) for name in names]


def _with_previous(records):
    """(record, the same row's record before it) in order of time."""
    last = {}
    for record in records:
        yield record, last.get(record.id)
        last[record.id] = record


def _row_names(records_by_model):
    """How each row reads: the names of the parties, sources and documents they
    point at, read in one query per kind of record."""
    ids = {Party: set(), Source: set(), Document: set()}
    for records in records_by_model.values():
        for record in records:
            ids[Party].add(getattr(record, "party_id", None))
            ids[Source].add(getattr(record, "source_id", None))
            ids[Document].add(getattr(record, "to_document_id", None))
    only = {Party: ["name_ru", "name_en"], Source: ["label", "title"]}
    only[Document] = ["slug", "title_ru", "title_en"]
    return {
        model: model.objects.only(*only[model]).in_bulk(pks - {None})
        for model, pks in ids.items()
    }


def _describe(record, names):
    """One row as a reader knows it, e.g. "Kazakhstan — party"."""
    party = names[Party].get(getattr(record, "party_id", None))
    party = str(party.name) if party else ""
    if isinstance(record, Participation.history.model):
        role = Participation.Role(record.role).label
        return " — ".join(filter(None, [party, str(role)]))
    if isinstance(record, LifecycleEvent.history.model):
        kind = LifecycleEvent.Kind(record.kind).label
        return " — ".join(filter(None, [str(kind), str(record.occurred_on), party]))
    if isinstance(record, Citation.history.model):
        source = names[Source].get(record.source_id)
        source = (source.label or source.title) if source else ""
        return " — ".join(
            filter(None, [source, str(field_label(Document, record.field))])
        )
    if isinstance(record, DocumentText.history.model):
        name = str(record.file).rsplit("/", 1)[-1]
        kind = DocumentText.Kind(record.kind).label
        return " — ".join(filter(None, [name, str(kind), record.language]))
    if isinstance(record, DocumentIdentifier.history.model):
        return f"{DocumentIdentifier.Scheme(record.scheme).label}: {record.value}"
    document = names[Document].get(record.to_document_id)
    title = str(document.title) if document else ""
    return " — ".join(filter(None, [DocumentRelation.Kind(record.kind).label, title]))


def document_history(document):
    """The changes of `document`, newest first, in a fixed number of queries
    however many there are."""
    own = list(document.history.order_by("history_date", "history_id"))
    sectors = {}
    m2m = Document.history.model._meta.get_field(
        "historicaldocument_sectors"
    ).related_model
    for history_id, sector_id in m2m.objects.filter(
        history__in=[r.pk for r in own]
    ).values_list("history_id", "sector_id"):
        sectors.setdefault(history_id, set()).add(sector_id)
    rows = {
        model: list(
            model.history.filter(**{f"{fk}_id": document.pk}).order_by(
                "history_date", "history_id"
            )
        )
        for model, fk in ROW_HISTORY
    }
    names = _row_names(rows)
    parts = [
        (
            record,
            Part(
                "document",
                Document._meta.verbose_name,
                "",
                ACTIONS[record.history_type],
                _fields_changed(Document, record, previous, sectors),
            ),
        )
        for record, previous in _with_previous(own)
        if record.history_change_reason != FIXTURE_LOAD  # the loaded state
    ]
    for model, records in rows.items():
        parts += [
            (
                record,
                Part(
                    model._meta.model_name,
                    model._meta.verbose_name,
                    _describe(record, names),
                    ACTIONS[record.history_type],
                    _fields_changed(model, record, previous),
                ),
            )
            for record, previous in _with_previous(records)
        ]
    parts.sort(key=lambda p: (p[0].history_date, p[1].model != "document"))
    return _grouped(parts)[::-1]


def _grouped(parts):
    """Consecutive records of one editor, with one reason, moments apart: one change."""
    changes, version = [], None
    for record, part in parts:
        if part.model == "document":
            version = record.version
        last = changes[-1] if changes else None
        reason = record.history_change_reason or ""
        if (
            last is None
            or last._author != record.history_user_id
            or last.reason != reason
            or record.history_date - last.changed_at > ONE_SAVE
        ):
            last = Change(
                anchor=f"change-{part.model}-{record.history_id}",
                changed_at=record.history_date,
                reason=reason,
                version=version,
                _author=record.history_user_id,
            )
            changes.append(last)
        last.version = version
        last.last_at = record.history_date
        last.add((part.model, record.id), part)
    return changes
