"""Keep a document's derived columns (status, search text) in step with its rows."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .lifecycle import document_refresh_status
from .models import Document, LifecycleEvent, Participation, Party, Searchable


@receiver([post_save, post_delete], sender=LifecycleEvent)
def event_changed(sender, instance, **kwargs):
    document = Document.objects.filter(pk=instance.document_id).first()
    if document:
        document_refresh_status(document)


def _refresh_search_text(documents):
    for document in documents:
        Document.objects.filter(pk=document.pk).update(
            search_text=document.build_search_text()
        )


@receiver([post_save, post_delete], sender=Participation)
def participation_changed(sender, instance, **kwargs):
    _refresh_search_text(Document.objects.filter(pk=instance.document_id))


@receiver(post_save, sender=Party)
def party_renamed(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_search_text(Document.objects.filter(participations__party=instance).distinct())


@receiver(post_save)
def fixture_row_loaded(sender, instance, raw=False, **kwargs):
    """loaddata bypasses save(); derive the search text of loaded rows here."""
    if raw and isinstance(instance, Searchable):
        sender.objects.filter(pk=instance.pk).update(search_text=instance.build_search_text())
