"""A database connection that derives the documents its transaction changed,
once, just before it commits.

Writes mark documents on the connection (`marks.py`). When the transaction is
about to commit, the connection derives every marked document (`derive.derive`)
inside it, so derived data commits with the data it comes from, or neither
does: a derivation that fails rolls the transaction back and raises. A write in
autocommit mode (no transaction) is derived at once, in a transaction of its
own.

A test runs inside a transaction of its own (Django's TestCase), which never
commits: there the outermost block the application opens counts as the
transaction. Marks left when a connection closes are an error in the log
(`manage.py check_derived --fix` mends what they left).
"""

import logging

from django.db import transaction

logger = logging.getLogger("agreements.derive")


def _from_test(block):
    return getattr(block, "_from_testcase", False)


class DerivingWrapper:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.marked = {}  # document pk -> touch (a new updated_at)
        # pk -> what the document is counted under in `FacetCount`, read before
        # a save or delete could overwrite or remove its `facet_keys`.
        self.counted = {}
        # Documents a fixture wrote (raw saves) in this transaction: their m2m
        # rows follow with no `raw` flag, and keep the fixture's timestamps too.
        self.loaded = set()

    # What marks call (`marks.mark`, `marks.before_delete`).
    def mark_documents(self, pks, touch):
        """`touch`: True for a new updated_at, False for none, None when the
        writer set updated_at itself (it wins over touches before it)."""
        for pk in pks:
            self.marked[pk] = touch is not None and (self.marked.get(pk) or touch)
        if not self.marked:
            return
        if not self.in_atomic_block:
            with transaction.atomic(using=self.alias):
                self.derive_marked()
        elif self._no_commit_ahead():
            self.derive_marked()

    def document_overwriting(self, pk):
        """Before a document's row is written whole (a fixture) or deleted."""
        from agreements.models import Document

        if pk not in self.counted:
            self.counted[pk] = (
                Document._base_manager.using(self.alias)
                .filter(pk=pk)
                .values_list("facet_keys", flat=True)
                .first()
            )

    def _application_blocks(self):
        return [block for block in self.atomic_blocks if not _from_test(block)]

    def _no_commit_ahead(self):
        """Inside a test's transaction, with no block of the application's that
        will release a savepoint on its way out (one opened with savepoint=False,
        as Django's deletes do): derive now, nothing later will."""
        blocks = self._application_blocks()
        if len(blocks) == len(self.atomic_blocks):
            return False  # a real transaction: its commit derives
        return not blocks or not blocks[0].savepoint

    def derive_marked(self):
        from agreements.data_version import announce_change
        from agreements.derive import derive, uncount

        while self.marked:
            marked, self.marked = self.marked, {}
            touched = [pk for pk, touch in marked.items() if touch]
            keys = derive(marked, touched, counted=self.counted)
            gone = [pk for pk in marked if pk not in keys and pk in self.counted]
            uncount([self.counted.pop(pk) for pk in gone])
            announce_change()
        # Fire the deferred constraint checks our updates queued (PostgreSQL),
        # as Django's loaddata does after its inserts: a TRUNCATE later in the
        # same transaction (manage.py flush) refuses a table with pending ones.
        if self.vendor == "postgresql":
            self.check_constraints()

    # Django's transaction hooks.
    def commit(self):
        if self.marked:
            try:
                self.derive_marked()
            except Exception:
                self.rollback()
                raise
        self.counted, self.loaded = {}, set()
        super().commit()

    def savepoint_commit(self, sid):
        # The application's outermost block inside a test's transaction.
        if not self._application_blocks():
            if self.marked:
                self.derive_marked()
            self.counted, self.loaded = {}, set()
        super().savepoint_commit(sid)

    def rollback(self):
        self.marked, self.counted, self.loaded = {}, {}, set()
        super().rollback()

    def close(self):
        if self.marked:
            logger.error(
                "Connection %s closed with %d document(s) not derived: %s",
                self.alias,
                len(self.marked),
                sorted(self.marked)[:20],
            )
            self.marked = {}
        super().close()
