"""A document's derived data: computed from what analysts write, never typed in.

Derived: the status, each party's status (`Participation.status`) and the day
the entry-into-force rule gives (from the lifecycle events, the parties and
the rule: lifecycle.py), the case-folded search text
and, on PostgreSQL, the search vector, on SQLite its stemmed words in the FTS5
index (`DocumentWords`: search_words.py; from the document's own fields, its
parties, signatories and the people who signed, and its attached texts), what
the list's facets count it under (`facet_keys`, summed in `FacetCount`), and
what it is shown as
(`renderings`: API record and row, CSV line, with the code version that made
them).

No writer calls this. Writes mark the documents they change (`marks.py`); the
database connection derives the marked ones once, just before the transaction
commits (`db/deriving.py`). `computed` is the one implementation of every
derived value: `derive` stores it, `differences` (manage.py check_derived)
compares it with what is stored.
"""

import json
from collections import Counter

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    Func,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Left
from django.utils import timezone

from . import renderings
from .facets import FACETS, counted_path
from .filters import DocumentFilter
from .lifecycle import (
    bound_parties,
    expected_in_force_on,
    party_lines,
    party_status,
    status_from_events,
)
from .models import Document, DocumentText, FacetCount, Participation
from .querysets import normalize
from .search_words import (
    VECTOR_TEXT_LIMIT,
    search_words,
    words_differences,
    words_store,
)
from .text_search import TEXT_CONFIG

BATCH = 2000


def search_vector():
    """The weighted full-text vector of a document (PostgreSQL): titles (A),
    summaries (B), places, parties, signatories and the people who signed (C)
    in their languages' text search configurations (Kazakh's: 'simple'), the
    slug and attached texts (D); evaluated in SQL."""

    def names(*fields):
        rows = Participation.objects.filter(document=OuterRef("pk"))
        parts = [part for f in fields for part in (Coalesce(f, Value("")), Value(" "))]
        text = StringAgg(Concat(*parts), delimiter=" ", order_by=("position", "pk"))
        return Subquery(rows.values("document").annotate(t=text).values("t"))

    def texts(language):
        rows = DocumentText.objects.filter(document=OuterRef("pk"), language=language)
        text = Left(
            StringAgg(
                Left("extracted_text", VECTOR_TEXT_LIMIT), delimiter=" ", order_by="pk"
            ),
            VECTOR_TEXT_LIMIT,
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
        + SearchVector("title_kk", config=TEXT_CONFIG["kk"], weight="A")
        + SearchVector("summary_ru", config="russian", weight="B")
        + SearchVector("summary_en", config="english", weight="B")
        + SearchVector("place_ru", config="russian", weight="C")
        + SearchVector("place_en", config="english", weight="C")
        + SearchVector(
            names("party__name_ru", "signatory_ru", "person__name_ru"),
            config="russian",
            weight="C",
        )
        + SearchVector(
            names("party__name_en", "signatory_en", "person__name_en"),
            config="english",
            weight="C",
        )
        + SearchVector("slug", config="simple", weight="D"),
    )


def facet_keys(derived):
    """{pk: sorted ["facet=value", …]}: what each of these documents ({pk:
    {column: value derived now}}) is counted under in each of the list's facets
    (`facets.FACETS`), by the path the facet's filter declares; a related
    record by its primary key, a derived column (the status) as derived now."""
    keys = {pk: set() for pk in derived}
    read = []  # (facet, path) read from the database, all in one query
    for name in FACETS:
        path = counted_path(DocumentFilter.base_filters[name])
        if isinstance(path, str) and all(path in row for row in derived.values()):
            for pk, row in derived.items():
                if row[path] is not None:
                    keys[pk].add(f"{name}={row[path]}")
        else:
            read.append((name, path))
    if read and derived:
        # One row per combination of the document's related rows (its sectors
        # times its parties: a few), each path joined once.
        rows = Document.objects.filter(pk__in=list(derived)).order_by()
        for pk, *values in rows.values_list("pk", *(path for _n, path in read)):
            for (name, _path), value in zip(read, values, strict=True):
                if value is not None:
                    keys[pk].add(f"{name}={value}")
    return {pk: sorted(found) for pk, found in keys.items()}


def lifecycle(document):
    """{column: value} of the document's derived lifecycle: its status, the day
    its rule gives and {participation pk: status} (`party_statuses`, stored on
    the participations), from its prefetched events and participations, each
    with its party's chain (`lifecycle.LINE_LOOKUP`)."""
    events, participations = document.events.all(), document.participations.all()
    parties = bound_parties(participations)
    lines = party_lines([*participations, *events])
    expected = expected_in_force_on(document, events, parties, lines)
    status = status_from_events(events, parties=parties, expected_on=expected)
    return {
        "status": status,
        "expected_in_force_on": expected,
        "party_statuses": {
            p.pk: party_status(p.party_id, events, status, lines=lines)
            for p in participations
        },
    }


def computed(ids, touched_at=None):
    """{pk: {column: value}}: every derived value of these documents (all
    existing ones among `ids`, at most BATCH) but the search vector, as they
    should be stored; with `touched_at`, for an `updated_at` of that time.
    `party_statuses` is stored on the document's participations."""
    # Read once, with all the API record shows: its renderer gets them too.
    documents = list(
        Document.objects.filter(pk__in=ids).with_details(extracted_text=True)
    )
    values, overrides = {}, {}
    indexed = connection.vendor == "sqlite"  # else: the search vector
    for document in documents:
        values[document.pk] = {
            **lifecycle(document),
            "search_text": " ".join(
                [
                    document.build_search_text(document.participations.all()),
                    *(normalize(t.extracted_text) for t in document.texts.all()),
                ]
            ).strip(),
        }
        if indexed:
            values[document.pk]["search_words"] = search_words(
                document, document.participations.all(), document.texts.all()
            )
        overrides[document.pk] = {
            name: values[document.pk][name]
            for name in ("status", "expected_in_force_on", "party_statuses")
        }
        if touched_at:
            overrides[document.pk]["updated_at"] = touched_at
    keys = facet_keys(values)
    shown = renderings.render(list(values), overrides, documents)
    for pk, row in values.items():
        row.update(shown[pk], facet_keys=keys[pk], rendered_by=renderings.version())
    return values


def stored_columns():
    """The derived columns `computed` gives, in a fixed order."""
    return [
        "status",
        "expected_in_force_on",
        "search_text",
        *renderings.columns(),
        "facet_keys",
        "rendered_by",
    ]


def stored_party_statuses(ids):
    """{pk: {participation pk: status}} as stored, of these documents."""
    found = {pk: {} for pk in ids}
    rows = Participation.objects.filter(document__in=ids).order_by()
    for document, pk, status in rows.values_list("document", "pk", "status"):
        found[document][pk] = status
    return found


def store_party_statuses(values):
    """Write the participations' statuses `computed` gave, those that changed."""
    stored = stored_party_statuses(list(values))
    rows = [
        (status, pk)
        for document, row in values.items()
        for pk, status in row["party_statuses"].items()
        if stored[document].get(pk) != status
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Participation._meta.db_table} SET status = %s WHERE id = %s",
                rows,
            )


def facet_counts_add(delta):
    """Add `delta` ({"facet=value": documents}) to the stored facet counts."""
    table = FacetCount._meta.db_table
    rows = [(*key.split("=", 1), n) for key, n in sorted(delta.items()) if n]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (facet, value, documents) VALUES (%s, %s, %s) "
            "ON CONFLICT (facet, value) DO UPDATE "
            f"SET documents = {table}.documents + excluded.documents",
            rows,
        )


def uncount(keys):
    """Take deleted documents out of the facet counts: `keys` is a list of what
    each was counted under (their `facet_keys`, read before the delete)."""
    delta = Counter()
    for each in keys:
        delta.subtract(each or [])
    facet_counts_add(delta)


def derive(ids, touched=(), counted=None):
    """Compute and store the derived data of the documents with these primary
    keys (those that no longer exist are skipped); those in `touched` also get
    a new `updated_at` (a record they show changed: ETags and `updated_since`
    see it). A fixed number of queries per BATCH documents, however many rows
    each has. Runs inside the caller's transaction. Returns {pk: facet keys} of
    those it stored. `counted` ({pk: keys}) says what documents whose
    `facet_keys` were overwritten are counted under; kept current here."""
    counted = {} if counted is None else counted
    ids, touched, now, done = sorted(set(ids)), set(touched), timezone.now(), {}
    columns = stored_columns()
    json_column = columns.index("facet_keys")
    table = Document._meta.db_table
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        before = dict(
            Document.objects.filter(pk__in=batch)
            .select_for_update()
            .order_by()
            .values_list("pk", "facet_keys")
        )
        before.update((pk, counted[pk]) for pk in before.keys() & counted.keys())
        values = {
            **computed([pk for pk in before if pk not in touched]),
            **computed([pk for pk in before if pk in touched], touched_at=now),
        }
        delta = Counter()
        for pk, row in values.items():
            delta.update(row["facet_keys"])
            delta.subtract(before[pk] or [])
        facet_counts_add(delta)
        counted.update(
            (pk, values[pk]["facet_keys"]) for pk in counted.keys() & values.keys()
        )
        rows = []
        for pk, row in values.items():
            cells = [row[c] for c in columns]
            cells[json_column] = json.dumps(cells[json_column])
            touch = (
                connection.ops.adapt_datetimefield_value(now) if pk in touched else None
            )
            rows.append([*cells, touch, pk])
        assignments = ", ".join(f"{c} = %s" for c in columns)
        # One statement run for each (psycopg pipelines them): Django's
        # bulk_update spends as long writing its CASE expressions.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments}, "
                "updated_at = COALESCE(%s, updated_at) WHERE id = %s",
                rows,
            )
        store_party_statuses(values)
        if connection.vendor == "postgresql":
            Document._base_manager.filter(pk__in=batch).update(
                search_vector=search_vector()
            )
        else:
            words_store(batch, {pk: row["search_words"] for pk, row in values.items()})
        done.update((pk, row["facet_keys"]) for pk, row in values.items())
    return done


class Differs(Func):
    """`a IS DISTINCT FROM b` (a vector's `=` lookup is a text search)."""

    template = "%(expressions)s"
    arg_joiner = " IS DISTINCT FROM "
    output_field = BooleanField()


def differences(ids):
    """[(pk, slug, column, stored, expected)] for every derived value of these
    documents that is not what `computed` gives now (the search vector too, on
    PostgreSQL; the search index row, on SQLite)."""
    found = []
    columns = stored_columns()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        expected = computed(batch)
        stored = Document.objects.filter(pk__in=batch).values("pk", "slug", *columns)
        parties = stored_party_statuses(batch)
        for row in stored:
            row["party_statuses"] = parties[row["pk"]]
            for column in [*columns, "party_statuses"]:
                if row[column] != expected[row["pk"]][column]:
                    found.append(
                        (
                            row["pk"],
                            row["slug"],
                            column,
                            row[column],
                            expected[row["pk"]][column],
                        )
                    )
        if connection.vendor == "postgresql":
            stale = (
                Document.objects.filter(pk__in=batch)
                .alias(differs=Differs(F("search_vector"), search_vector()))
                .filter(differs=True)
                .values_list("pk", "slug")
            )
            found += [(pk, slug, "search_vector", "…", "…") for pk, slug in stale]
        else:
            found += words_differences(batch, expected)
    return found


def facet_count_differences():
    """[(key, stored, expected)] where `FacetCount` does not sum the documents'
    stored `facet_keys`."""
    expected = Counter()
    for keys in Document.objects.values_list("facet_keys", flat=True).iterator(
        chunk_size=BATCH
    ):
        expected.update(keys or [])
    stored = {
        f"{facet}={value}": n
        for facet, value, n in FacetCount.objects.values_list(
            "facet", "value", "documents"
        )
    }
    return [
        (key, stored.get(key, 0), expected.get(key, 0))
        for key in sorted(set(stored) | set(expected))
        if stored.get(key, 0) != expected.get(key, 0)
    ]
