"""The SQLite search index: a document's words, stemmed (`stemming.py`), in an
FTS5 table.

Derived data: the derivation writes a document's row (derive.py), nothing
else does; PostgreSQL searches its `search_vector` instead and has no such
table (migration 0019 makes it on SQLite only, so the model is unmanaged).
The columns weigh as PostgreSQL's weights do: title above summary above
places, parties and signatories (`names`), above attached texts; `rank` is
FTS5's bm25 with those weights (10, 4, 2, 1: set by migration 0019), lower
is better.
"""

from django.db import models
from django.db.models import Lookup

from .documents import Document

TABLE = "agreements_document_words"


class FullTextMatch(models.TextField):
    """FTS5's hidden column named after its table: `MATCH` on it searches every
    column."""


@FullTextMatch.register_lookup
class Matches(Lookup):
    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class DocumentWords(models.Model):
    document = models.OneToOneField(
        Document,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,  # the derivation deletes the row
        related_name="words",
    )
    title = models.TextField()
    summary = models.TextField()
    names = models.TextField()
    texts = models.TextField()
    index = FullTextMatch(db_column=TABLE)
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = TABLE

    def __str__(self):
        return f"words of document {self.document_id}"
