"""Django's loaddata, followed by the derived columns of what it loaded.

Fixtures are loaded with raw saves, which skip `save()`; the documents and
records they touch are re-derived once, at the end, keeping their timestamps.
A fixture does not hold what a document is counted under in the facets
(`facet_keys`): a document it overwrites is taken out of the counts first.
"""

from django.core.management.commands import loaddata
from django.db import connections
from django.db.models.signals import post_save, pre_save

from agreements.caching import announce_change
from agreements.derive import documents_refresh, documents_uncount
from agreements.models import Document, Searchable


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        documents, records = set(), {}

        def loaded(sender, instance, raw=False, **kwargs):
            if isinstance(instance, Searchable) and not isinstance(instance, Document):
                records.setdefault(sender, []).append(instance)
            for name in ("document_id", "from_document_id", "to_document_id"):
                documents.add(getattr(instance, name, None))
            if isinstance(instance, Document):
                documents.add(instance.pk)

        def overwriting(sender, instance, raw=False, **kwargs):
            if isinstance(instance, Document) and instance.pk:
                documents_uncount([instance.pk])

        post_save.connect(loaded, weak=False, dispatch_uid="loaddata-derive")
        pre_save.connect(overwriting, weak=False, dispatch_uid="loaddata-uncount")
        try:
            super().loaddata(fixture_labels)
        finally:
            post_save.disconnect(dispatch_uid="loaddata-derive")
            pre_save.disconnect(dispatch_uid="loaddata-uncount")
        for model, rows in records.items():
            for row in rows:
                row.search_text = row.build_search_text()
            model.objects.bulk_update(rows, ["search_text"])
        documents_refresh(documents, touch=False)
        if documents or records:
            announce_change()
        # Like Django's loaddata after its inserts: check (and so fire) the deferred
        # constraint triggers our updates queued, or a TRUNCATE later in the same
        # transaction (flush) finds pending trigger events on PostgreSQL.
        connections[self.using].check_constraints()
