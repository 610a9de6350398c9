"""Which documents a write changes: marked from Django's signals, derived later.

Every record a document shows is reached from `Document` by a lookup
(`SHOWN_ON`). A save, a delete or an m2m change of such a record marks the
documents that show it, before and after the change, on the connection that
wrote it; the connection derives them once, before its transaction commits
(`db/deriving.py`). The writes that send no signal go through the project's
querysets (`update`, `bulk_create`, `bulk_update`: `MarkingQuerySet`), which
mark the same way. Nothing else is asked of a writer.

A mark says whether to touch the document (a new `updated_at`: something it
shows changed), which a fixture load (a raw save) and a document's own save do
not need.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models
from django.db.models import Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from .lifecycle import LINE_DEPTH

# model name -> lookups from Document to the record ("pk": the document itself).
SHOWN_ON = {
    "document": ["pk", "relations_out__to_document", "relations_in__from_document"],
    "participation": ["participations"],
    "lifecycleevent": ["events"],
    "documentidentifier": ["identifiers"],
    "citation": ["citations", "events__citations"],
    "documenttext": ["texts"],
    "researchquestion": ["research_questions"],
    "documentrelation": ["relations_out", "relations_in"],
    # A party's rows, and those of the parties below it whose steps it takes
    # (`lifecycle.acts_for`: a new parent changes theirs).
    "party": [
        f"{rows}__party{'__parent' * up}"
        for rows in ("participations", "events")
        for up in range(LINE_DEPTH)
    ],
    "person": ["participations__person"],
    "position": ["participations__person_position"],
    "sector": ["sectors"],
    "occasion": ["occasion"],
    "source": ["citations__source"],
    "archivedcopy": ["citations__source__archived_copies"],
}
APP = "agreements"


def tracked(model):
    return model._meta.app_label == APP and model._meta.model_name in SHOWN_ON


def documents_showing(records):
    """Primary keys of the documents that show any of `records` (a queryset)."""
    from .models import Document

    lookups = SHOWN_ON[records.model._meta.model_name]
    shown = Q()
    for lookup in lookups:
        shown |= Q(**{f"{lookup}__in": records.values("pk")})
    return set(
        Document._base_manager.using(records.db)
        .filter(shown)
        .values_list("pk", flat=True)
    )


def mark(using, pks, touch=True):
    """Mark these documents for derivation on the connection `using`."""
    connection = connections[using]
    if not hasattr(connection, "mark_documents"):
        raise ImproperlyConfigured(
            f"Database {using!r} uses {connection.__module__}: set its ENGINE to "
            "agreements.db.postgresql or agreements.db.sqlite3, which derive the "
            "documents a write changes before it commits."
        )
    connection.mark_documents(pks, touch)


# A row of a document names it itself: no query to find it (a fixture saves
# hundreds of rows).
OWN_DOCUMENTS = {
    "participation": ["document_id"],
    "lifecycleevent": ["document_id"],
    "documentidentifier": ["document_id"],
    "citation": ["document_id"],
    "documenttext": ["document_id"],
    "researchquestion": ["document_id"],
    "documentrelation": ["from_document_id", "to_document_id"],
}


def shown_now(instance, using, raw=False):
    """The documents that show a record just saved. A document a fixture
    writes shows only itself: the rows relating others to it follow."""
    name = instance._meta.model_name
    if name == "citation" and getattr(instance, "event_id", None):
        return documents_showing(_one(instance, using))  # its event's document
    if name in OWN_DOCUMENTS:
        return {getattr(instance, f) for f in OWN_DOCUMENTS[name]} - {None}
    if name == "document" and raw:
        return {instance.pk}
    return documents_showing(_one(instance, using))


def _one(instance, using):
    return type(instance)._base_manager.using(using).filter(pk=instance.pk)


def before_save(sender, instance, raw=False, using=None, **kwargs):
    """The documents a row showed on before it changes (it may move to others);
    of a document a fixture writes whole, what it is counted under."""
    if not tracked(sender) or not instance.pk:
        return
    if sender._meta.model_name == "document":
        if raw:
            connections[using].document_overwriting(instance.pk)
    elif not raw:
        instance._shown_before = documents_showing(_one(instance, using))


def after_save(sender, instance, created=False, raw=False, using=None, **kwargs):
    if not tracked(sender):
        return
    if (
        raw
        and isinstance(instance, _searchable())
        and sender._meta.model_name != "document"
    ):
        # A fixture row skips save(), which keeps a record's own search text.
        _one(instance, using).update(search_text=instance.build_search_text())
    shown = shown_now(instance, using, raw)
    shown |= getattr(instance, "_shown_before", set())
    if sender._meta.model_name == "document":
        if raw:
            connections[using].loaded.add(instance.pk)
        mark(using, [instance.pk], touch=False)  # its own save set updated_at
        shown.discard(instance.pk)
    mark(using, shown, touch=not raw)


def before_delete(sender, instance, using=None, **kwargs):
    if not tracked(sender):
        return
    instance._shown_before = documents_showing(_one(instance, using))
    if sender._meta.model_name == "document":
        connections[using].document_overwriting(instance.pk)


def after_delete(sender, instance, using=None, **kwargs):
    if not tracked(sender):
        return
    if sender._meta.model_name == "document":  # sync clients learn to drop it
        from .models import DeletedDocument

        DeletedDocument.objects.using(using).create(slug=instance.slug)
    mark(using, getattr(instance, "_shown_before", set()))


def m2m_change(sender, instance, action, reverse, model, pk_set, using=None, **kwargs):
    """A document's sectors changed, from either side."""
    if not (tracked(type(instance)) and tracked(model)):
        return
    if not reverse:  # document.sectors.add(…)
        if action.startswith("post_"):
            mark(using, [instance.pk], instance.pk not in connections[using].loaded)
        return
    if action == "pre_clear":  # sector.documents.clear(): who they were
        instance._shown_before = documents_showing(_one(instance, using))
    elif action.startswith("post_"):
        mark(using, set(pk_set or ()) | getattr(instance, "_shown_before", set()))


def _searchable():
    from .models import Searchable

    return Searchable


def connect():
    pre_save.connect(before_save, dispatch_uid="marks-pre-save")
    post_save.connect(after_save, dispatch_uid="marks-post-save")
    pre_delete.connect(before_delete, dispatch_uid="marks-pre-delete")
    post_delete.connect(after_delete, dispatch_uid="marks-post-delete")
    m2m_changed.connect(m2m_change, dispatch_uid="marks-m2m")


class MarkingQuerySet(models.QuerySet):
    """The writes that send no signal mark the documents they change."""

    def update(self, **kwargs):
        if not tracked(self.model):
            return super().update(**kwargs)
        before = documents_showing(self)
        rows = super().update(**kwargs)
        # An updated_at written here is the writer's: no touch after it.
        touch = None if "updated_at" in kwargs else True
        mark(self.db, before | documents_showing(self), touch)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        if tracked(self.model):
            pks = [obj.pk for obj in objs if obj.pk is not None]
            mark(
                self.db, documents_showing(self.model._base_manager.filter(pk__in=pks))
            )
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        if not tracked(self.model):
            return super().bulk_update(objs, fields, *args, **kwargs)
        records = self.model._base_manager.filter(pk__in=[o.pk for o in objs])
        before = documents_showing(records)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        mark(self.db, before | documents_showing(records))
        return rows
