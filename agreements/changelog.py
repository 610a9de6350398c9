"""What changed in the documents between two moments, read from their history
(django-simple-history): documents added, removed and changed, field by field.

A release stores the changelog since the release before it when it is
published (`releasing`), so what it says never changes afterwards. A document
with no history before the moment (loaded from a fixture, or made in bulk)
and edited after it is listed as changed with `fields` null: which fields
changed is not recorded, and is not guessed.

`as_released` reads a document as it stood in a release, for its citation.
"""

from django.utils.translation import gettext_lazy as _

from .history import NOT_SHOWN, ROW_HISTORY
from .models import Document

# The rows shown with a document, named in a changelog by their table.
ROW_FIELDS = {model: model._meta.model_name for model, _fk in ROW_HISTORY}


def _titles(record):
    return {"title_ru": record.title_ru, "title_en": record.title_en}


def _entry(record, **more):
    return {"slug": record.slug, **_titles(record), **more}


def _sectors(records):
    """{history_id: frozenset of sector ids} of these historical documents."""
    m2m = Document.history.model._meta.get_field(
        "historicaldocument_sectors"
    ).related_model
    found = {record.pk: set() for record in records}
    rows = m2m.objects.filter(history__in=list(found)).values_list(
        "history_id", "sector_id"
    )
    for history_id, sector_id in rows:
        found[history_id].add(sector_id)
    return {pk: frozenset(ids) for pk, ids in found.items()}


def _differing(before, after, sectors):
    names = [
        f.name
        for f in type(after).tracked_fields
        if f.name not in NOT_SHOWN
        and getattr(before, f.attname) != getattr(after, f.attname)
    ]
    if sectors[before.pk] != sectors[after.pk]:
        names.append("sectors")
    return names


def _rows_changed(since):
    """{document id: [row table names]} of the rows edited after `since`."""
    found = {}
    for model, fk in ROW_HISTORY:
        ids = model.history.filter(history_date__gt=since).values_list(
            f"{fk}_id", flat=True
        )
        for pk in set(ids):
            found.setdefault(pk, []).append(ROW_FIELDS[model])
    return found


def changelog(since):
    """{"added", "removed", "changed"} since the moment `since` (None: the very
    first release, which lists nothing: every document is in it)."""
    if since is None:
        return {"first": True, "added": [], "removed": [], "changed": []}
    rows = _rows_changed(since)
    later = Document.history.filter(history_date__gt=since)
    touched = set(later.values_list("id", flat=True)) | set(rows)
    records = {}
    for record in Document.history.filter(id__in=touched).order_by(
        "history_date", "history_id"
    ):
        records.setdefault(record.id, []).append(record)
    sectors = _sectors([r for rs in records.values() for r in rs])
    current = Document.objects.only("slug", "title_ru", "title_en").in_bulk(touched)
    # A row of a document gone with no history of its own names no document.
    touched = {pk for pk in touched if pk in current or pk in records}
    added, removed, changed = [], [], []
    for pk in sorted(touched, key=lambda pk: (current.get(pk) or records[pk][-1]).slug):
        before = [r for r in records.get(pk, []) if r.history_date <= since]
        after = [r for r in records.get(pk, []) if r.history_date > since]
        existed = (
            before[-1].history_type != "-"
            if before
            else (not after or after[0].history_type != "+")
        )
        if pk not in current:
            if existed:
                removed.append(_entry(after[-1] if after else before[-1]))
            continue
        last = after[-1] if after else before[-1] if before else current[pk]
        if not existed:
            added.append(_entry(last))
            continue
        if after and not before:  # its earlier state is not recorded
            changed.append(_entry(last, fields=None))
            continue
        fields = _differing(before[-1], last, sectors) if after else []
        fields += [name for name in rows.get(pk, []) if name not in fields]
        if fields:
            changed.append(_entry(last, fields=fields))
    return {"first": False, "added": added, "removed": removed, "changed": changed}


class NotInRelease(Exception):
    """The document was not in the release, or its state then is not recorded."""


def as_released(document, release):
    """`document` with the values it had in `release` (a copy, from its history)."""
    at = release.published_at
    if document.created_at > at:
        raise NotInRelease(_("This document was added after release %(n)s."))
    history = document.history.order_by("-history_date", "-history_id")
    record = history.filter(history_date__lte=at).first()
    if record is not None and record.history_type != "-":
        return record.instance
    if record is None and not history.filter(history_date__gt=at).exists():
        return document  # never changed since
    raise NotInRelease(_("Its state in release %(n)s is not recorded."))
