"""A document's derived columns, recomputed in one visible call.

Status (from the lifecycle events), the case-folded search text and, on
PostgreSQL, the full-text search vector (from the document's own fields, its
parties and signatories, and the text extracted from its attached files) are
never typed in. Every write path — admin, API, import, management commands,
fixture loading — calls `documents_refresh` once, after it has written the
rows the columns depend on.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Prefetch, Q, Value
from django.utils import timezone

from .lifecycle import status_from_events
from .models import Document, DocumentText, Participation, Party
from .querysets import TEXT_CONFIG, normalize

BATCH = 2000

# (field, text search configuration, weight) of a document's search vector.
VECTOR_FIELDS = [
    ("title_ru", "russian", "A"),
    ("title_en", "english", "A"),
    ("summary_ru", "russian", "B"),
    ("summary_en", "english", "B"),
    ("place_ru", "russian", "C"),
    ("place_en", "english", "C"),
]
# PostgreSQL refuses a tsvector over 1 MB; more than this of one text is not indexed.
VECTOR_TEXT_LIMIT = 500_000


def search_vector(document):
    """The weighted vector of a document with its parties' names and signatories
    (prefetched); an expression evaluated by PostgreSQL in the same UPDATE."""
    texts = [(getattr(document, f), config, w) for f, config, w in VECTOR_FIELDS]
    for p in document.participations.all():
        texts += [
            (p.party.name_ru, "russian", "C"),
            (p.party.name_en, "english", "C"),
            (p.signatory_ru, "russian", "C"),
            (p.signatory_en, "english", "C"),
        ]
    for t in document.texts.all():  # attached texts weigh least
        texts.append(
            (t.extracted_text[:VECTOR_TEXT_LIMIT], TEXT_CONFIG[t.language], "D")
        )
    vector = SearchVector(Value(document.slug), config="simple", weight="D")
    for text, config, weight in texts:
        if text:
            vector = vector + SearchVector(Value(text), config=config, weight=weight)
    return vector


def documents_refresh(ids, *, touch=True):
    """Recompute the derived columns of the documents with these primary keys.

    A fixed number of queries per batch of documents (events, parties, texts, one
    UPDATE), however many rows each has. `touch` bumps `updated_at`, so that
    ETags and `updated_since` see changes to nested rows; fixture loads keep
    the timestamps they were dumped with.
    """
    fields = ["status", "search_text"] + ["updated_at"] * touch
    with_vector = connection.vendor == "postgresql"
    if with_vector:
        fields.append("search_vector")
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
            if with_vector:
                document.search_vector = search_vector(document)
        Document.objects.bulk_update(documents, fields)
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
    `documents_showing` gave before): bring the documents that show it up to date.

    Parties feed the derived columns, so their documents are re-derived; for the
    other records a touch is enough, so that ETags and `updated_since` see it.
    """
    if shown_on is None:
        shown_on = documents_showing(record).values_list("pk", flat=True)
    if record._meta.model_name in SHOWN_ON and not isinstance(record, Party):
        return Document.objects.filter(pk__in=shown_on).update(
            updated_at=timezone.now()
        )
    return documents_refresh(shown_on)
