"""Keep a document's derived columns in step with the rows that hang off it.

Status (from events), search text (from parties and signatories) and
`updated_at` (so `updated_since` and ETags see changes to nested data).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .lifecycle import status_from_events
from .models import (
    Citation,
    Document,
    DocumentRelation,
    LifecycleEvent,
    Participation,
    Party,
    Searchable,
)


def documents_touch(ids, raw=False):
    """Re-derive status and search text of the given documents; bump updated_at.

    Rows loaded by loaddata (`raw`) keep the timestamps they were dumped with.
    """
    docs = Document.objects.filter(pk__in=[i for i in ids if i]).prefetch_related(
        "events"
    )
    for doc in docs:
        fields = {
            "status": status_from_events(doc.events.all()),
            "search_text": doc.build_search_text(),
        }
        if not raw:
            fields["updated_at"] = timezone.now()
        Document.objects.filter(pk=doc.pk).update(**fields)


@receiver([post_save, post_delete], sender=LifecycleEvent)
@receiver([post_save, post_delete], sender=Participation)
@receiver([post_save, post_delete], sender=Citation)
def child_changed(sender, instance, raw=False, **kwargs):
    documents_touch([instance.document_id], raw)


@receiver([post_save, post_delete], sender=DocumentRelation)
def relation_changed(sender, instance, raw=False, **kwargs):
    documents_touch([instance.from_document_id, instance.to_document_id], raw)


@receiver(post_save, sender=Party)
def party_renamed(sender, instance, raw=False, **kwargs):
    if not raw:
        documents_touch(instance.participations.values_list("document_id", flat=True))


@receiver(post_save)
def fixture_row_loaded(sender, instance, raw=False, **kwargs):
    """loaddata bypasses save(); derive the search text of loaded rows here."""
    if raw and isinstance(instance, Searchable):
        sender.objects.filter(pk=instance.pk).update(
            search_text=instance.build_search_text()
        )
