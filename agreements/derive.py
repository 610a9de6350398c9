"""A document's derived columns, recomputed in one visible call.

Status (from the lifecycle events), the case-folded search text and, on
PostgreSQL, the full-text search vector (from the document's own fields, its
parties and signatories, and the text extracted from its attached files) are
never typed in. Every write path — admin, API, import, management commands,
fixture loading — calls `documents_refresh` once, after it has written the
rows the columns depend on. It also stores what the documents are shown as
(`renderings_refresh`): their CSV export lines, API records and their share
of the list's stored facet counts (`FacetCount`), from which a document is
taken out before it is deleted (`record_deleting`, `documents_uncount`).
"""

import json
from collections import Counter

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Left
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from .api.serializers import (
    DocumentListSerializer,
    DocumentSerializer,
    StoredOrigin,
)
from .caching import announce_change
from .export import csv_line_sql
from .filters import FACETS, DocumentFilter, counted_path
from .lifecycle import status_from_events
from .models import (
    DeletedDocument,
    Document,
    DocumentText,
    FacetCount,
    Participation,
    Party,
)
from .querysets import TEXT_CONFIG, normalize

BATCH = 2000
# PostgreSQL refuses a tsvector over 1 MB; more than this of a text is not indexed.
VECTOR_TEXT_LIMIT = 500_000


def search_vector():
    """The weighted full-text vector of a document (PostgreSQL): titles (A),
    summaries (B), places, parties and signatories (C) in their languages' text
    search configurations, the slug and attached texts (D); evaluated in one
    UPDATE."""

    def names(*fields):
        rows = Participation.objects.filter(document=OuterRef("pk"))
        parts = [part for f in fields for part in (Coalesce(f, Value("")), Value(" "))]
        text = StringAgg(Concat(*parts), delimiter=" ", order_by=("position", "pk"))
        return Subquery(rows.values("document").annotate(t=text).values("t"))

    def texts(language):
        rows = DocumentText.objects.filter(document=OuterRef("pk"), language=language)
        text = StringAgg(
            Left("extracted_text", VECTOR_TEXT_LIMIT), delimiter=" ", order_by="pk"
        )
        return Subquery(rows.values("document").annotate(t=text).values("t"))

    attached = [  # attached texts weigh least
        SearchVector(texts(language), config=config, weight="D")
        for language, config in TEXT_CONFIG.items()
    ]
    return sum(
        attached,
        SearchVector("title_ru", config="russian", weight="A")
        + SearchVector("title_en", config="english", weight="A")
        + SearchVector("summary_ru", config="russian", weight="B")
        + SearchVector("summary_en", config="english", weight="B")
        + SearchVector("place_ru", config="russian", weight="C")
        + SearchVector("place_en", config="english", weight="C")
        + SearchVector(
            names("party__name_ru", "signatory_ru"), config="russian", weight="C"
        )
        + SearchVector(
            names("party__name_en", "signatory_en"), config="english", weight="C"
        )
        + SearchVector("slug", config="simple", weight="D"),
    )


def search_vectors_refresh(ids):
    """Recompute the full-text vectors of these documents (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        Document.objects.filter(pk__in=ids).update(search_vector=search_vector())


def export_lines_refresh(ids, touched_at=None):
    """Recompute the stored CSV export lines of these documents (PostgreSQL only;
    SQLite exports row by row): one UPDATE, each line written by the database.
    With `touched_at`, the same UPDATE sets their `updated_at` to it (a line
    carries it). Returns how many documents it updated."""
    if connection.vendor != "postgresql":
        return 0
    try:
        queryset = Document.objects.filter(pk__in=ids).order_by()
        sql, params = csv_line_sql(queryset, touched_at)
    except EmptyResultSet:  # no documents
        return 0
    touch, before = "", []
    if touched_at:  # its parameter comes before those of the lines' SQL
        touch, before = ", updated_at = %s", [touched_at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Document._meta.db_table} AS d SET export_line = l.line{touch} "
            f"FROM ({sql}) AS l WHERE d.id = l.id",
            [*before, *params],
        )
        return cursor.rowcount


def api_records_refresh(ids, facet_keys):
    """Store the API records and list rows of these documents (`api_record`,
    `api_row`), as the API would answer them, for their current `updated_at`;
    with what they are counted under in the facets ({pk: keys}), in the same
    UPDATE (a document's row is long: each UPDATE writes all of it again)."""
    documents = Document.objects.filter(pk__in=ids).with_details()
    context = {"request": StoredOrigin()}
    # One serializer of each for all: DRF copies a serializer's fields per instance.
    record, row = (
        DocumentSerializer(context=context),
        DocumentListSerializer(context=context),
    )
    render = JSONRenderer().render
    with translation.override("en"):  # the API's one language
        stored = [
            (
                render(record.to_representation(document)).decode(),
                render(row.to_representation(document)).decode(),
                connection.ops.adapt_datetimefield_value(document.updated_at),
                json.dumps(facet_keys[document.pk]),
                document.pk,
            )
            for document in documents
        ]
    # One statement run for each (psycopg pipelines them): Django's bulk_update
    # spent as long writing its CASE expressions as the database took to run them.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Document._meta.db_table} SET api_record = %s, api_row = %s, "
            "api_record_at = %s, facet_keys = %s WHERE id = %s",
            stored,
        )


def renderings_refresh(ids):
    """Store what these documents are shown as: export lines (on PostgreSQL),
    API records and their share of the list's facet counts; after their own
    columns are derived."""
    with transaction.atomic():
        export_lines_refresh(ids)
        api_records_refresh(ids, facet_counts_refresh(ids))


def facet_keys(ids):
    """{pk: sorted ["facet=value", …]}: what each of these documents is counted
    under in each of the list's facets (`filters.FACETS`), by the path the
    facet's filter declares; a related record by its primary key."""
    keys = {pk: set() for pk in ids}
    for name in FACETS:
        declared = DocumentFilter.base_filters[name]
        rows = Document.objects.filter(pk__in=ids).order_by()
        for pk, value in rows.values_list("pk", counted_path(declared)):
            if value is not None:
                keys[pk].add(f"{name}={value}")
    return {pk: sorted(found) for pk, found in keys.items()}


def facet_counts_add(delta):
    """Add `delta` ({(facet, value): documents}) to the stored facet counts."""
    table = FacetCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (facet, value, documents) VALUES (%s, %s, %s) "
            "ON CONFLICT (facet, value) DO UPDATE "
            f"SET documents = {table}.documents + excluded.documents",
            [(*key.split("=", 1), n) for key, n in sorted(delta.items()) if n],
        )


def facet_counts_refresh(ids):
    """Count these documents in `FacetCount` under what they show now, and out
    of what they were counted under before (`Document.facet_keys`); returns
    {pk: keys} for the caller to store (`api_records_refresh`), in the same
    transaction (their rows are locked until then)."""
    before = dict(
        Document.objects.filter(pk__in=ids)
        .select_for_update()
        .values_list("pk", "facet_keys")
        .order_by()
    )
    now = facet_keys(list(before))
    delta = Counter()
    for pk, keys in now.items():
        delta.update(keys)
        delta.subtract(before[pk] or [])
    facet_counts_add(delta)
    return now


@transaction.atomic
def documents_uncount(ids):
    """Take these documents out of the facet counts: before they are deleted."""
    documents = Document.objects.filter(pk__in=ids, facet_keys__isnull=False)
    delta = Counter()
    for keys in documents.select_for_update().values_list("facet_keys", flat=True):
        delta.subtract(keys)
    facet_counts_add(delta)
    documents.update(facet_keys=None)


def documents_touch(ids):
    """Bump `updated_at` of these documents (a record they show changed, so that
    ETags and `updated_since` see it); on PostgreSQL in the UPDATE that rewrites
    their export lines, which carry it and may name the record."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        return export_lines_refresh(ids, touched_at=now)
    return Document.objects.filter(pk__in=ids).update(updated_at=now)


def documents_refresh(ids, *, touch=True):
    """Recompute the derived columns of the documents with these primary keys.

    A fixed number of queries per batch of documents (events, parties, texts, one
    UPDATE, two more for the vector and the export line on PostgreSQL), however
    many rows each has.
    `touch` bumps `updated_at`, so that ETags and `updated_since` see changes to
    nested rows; fixture loads keep the timestamps they were dumped with.
    """
    fields = ["status", "search_text"] + ["updated_at"] * touch
    now = timezone.now()
    ids = sorted({pk for pk in ids if pk})
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        documents = Document.objects.filter(pk__in=batch).prefetch_related(
            "events",
            Prefetch(
                "participations", queryset=Participation.objects.select_related("party")
            ),
            Prefetch(
                "texts",
                queryset=DocumentText.objects.only(
                    "document_id", "language", "extracted_text"
                ),
            ),
        )
        for document in documents:
            document.status = status_from_events(document.events.all())
            document.search_text = " ".join(
                [
                    document.build_search_text(document.participations.all()),
                    *(normalize(t.extracted_text) for t in document.texts.all()),
                ]
            ).strip()
            document.updated_at = now
        Document.objects.bulk_update(documents, fields, batch_size=250)
        search_vectors_refresh(batch)
        renderings_refresh(batch)
    if ids:  # bulk updates send no signals: say so ourselves
        announce_change()
    return len(ids)


# How to find the documents that show a record (beyond documents and their rows);
# only parties feed the documents' derived columns, the others are shown as is.
SHOWN_ON = {
    "party": "participations__party",
    "sector": "sectors",
    "occasion": "occasion",
    "source": "citations__source",
}


def documents_showing(record):
    """The documents whose page or API record shows `record`."""
    if isinstance(record, Document):  # itself and the documents it relates to
        return Document.objects.filter(
            Q(pk=record.pk)
            | Q(relations_out__to_document=record)
            | Q(relations_in__from_document=record)
        ).distinct()
    if hasattr(record, "document_id"):  # an event, participation or citation
        return Document.objects.filter(pk=record.document_id)
    lookup = SHOWN_ON[record._meta.model_name]
    return Document.objects.filter(pk__in=Document.objects.filter(**{lookup: record}))


def record_changed(record, shown_on=None):
    """After `record` was saved, or deleted (then pass the primary keys that
    `record_deleting` gave before): bring the documents that show it up to date.

    Parties feed the derived columns, so their documents are re-derived; for the
    other records a touch is enough (`documents_touch`).
    """
    if shown_on is None:
        shown_on = documents_showing(record).values_list("pk", flat=True)
    if record._meta.model_name in SHOWN_ON and not isinstance(record, Party):
        return documents_touch(shown_on)
    return documents_refresh(shown_on)


def record_deleting(record):
    """Before `record` is deleted (in the same transaction): the primary keys of
    the documents that show it, for `record_deleted`; a document is taken out of
    the facet counts."""
    if isinstance(record, Document):
        documents_uncount([record.pk])
    return list(documents_showing(record).values_list("pk", flat=True))


def record_deleted(record, shown_on):
    """After `record` was deleted: the documents that showed it (primary keys from
    `record_deleting`, taken before the delete) are brought up to date, and a
    deleted document leaves a tombstone for sync clients."""
    if isinstance(record, Document):
        DeletedDocument.objects.create(slug=record.slug)
    return record_changed(record, shown_on)
