"""The list's facets: each a declared filter of `DocumentFilter`, counted
within the filtered set, or of all documents from the stored counts
(`FacetCount`)."""

import time

from django.conf import settings
from django.db.models import Count, Exists, F
from django.db.models.functions import ExtractYear

from .caching import remember
from .filters import DocumentFilter, SlugsFilter
from .models import Document, FacetCount
from .querysets import within_time_limit

# The filters the list page offers as facets, in this order.
FACETS = [
    "sector",
    "party",
    "country",
    "kind",
    "legal_level",
    "status",
    "occasion",
    "year",
]


def counted_path(declared):
    """The field path (or expression) a facet's stored counts go by: its filter's
    own, with a record named by its primary key (its slug may change) and a date
    by its year."""
    if isinstance(declared, SlugsFilter):
        return declared.field_name.removesuffix("__slug")
    if declared.lookup_expr == "year":
        return ExtractYear(declared.field_name)
    return declared.field_name


def toggle_url(query, name, value):
    """The query string with `name=value` added, or removed if present; page reset."""
    query = query.copy()
    query.pop("page", None)
    values = query.getlist(name)
    value = str(value)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    query.setlist(name, values)
    return "?" + query.urlencode() if query else "?"


def facet_labels(declared, values):
    """What a reader calls each value of a facet: the record's name, the
    country's or the choice's."""
    if hasattr(declared, "labels"):
        return declared.labels(values)
    return dict(declared.extra.get("choices", []))


FIELDS = {field.name: field for field in Document._meta.get_fields()}


def stored_facet_counts():
    """{facet: [(value, documents)]} of all documents, in the order the list
    shows them, from the stored counts (`FacetCount`), and {facet: labels} of
    the records among them; (None, {}) while a document is not counted yet
    (after migrating, until `check_derived --fix`, which is also what a
    change to FACETS needs), or there are none."""
    uncounted = Document.objects.filter(facet_keys__isnull=True)
    counts, labels = {name: [] for name in FACETS}, {}
    for facet, value, n in FacetCount.objects.filter(
        ~Exists(uncounted), documents__gt=0
    ).values_list("facet", "value", "documents"):
        counts.setdefault(facet, []).append((value, n))
    if not any(counts.values()):
        return None, labels
    for name in FACETS:
        declared, rows = DocumentFilter.base_filters[name], counts[name]
        if isinstance(declared, SlugsFilter):  # by primary key: the slugs now
            records = declared.queryset.in_bulk([int(v) for v, _n in rows])
            rows = [(records[int(v)].slug, n) for v, n in rows if int(v) in records]
            labels[name] = {r.slug: r.name for r in records.values()}
        if declared.lookup_expr == "year":
            counts[name] = sorted(((int(v), n) for v, n in rows), reverse=True)
        else:
            counts[name] = sorted(rows, key=lambda row: (-row[1], row[0]))
    return counts, labels


def document_facets(filterset, query):
    """[(title, param, [(label, count, url, selected)] or False or None)]: each
    facet is a declared filter — its label, field path and choices — counted
    within the filtered set. Of all documents (no filter), the stored counts
    (`stored_facet_counts`); else one query per facet, cached per data version.
    The counts of a page share FACET_TIME_LIMIT_MS (like Datasette's facet time
    limit): a facet that runs out of it is False, one not tried for want of time
    None, and the page is never held up by them. A timeout is remembered until
    the next write; a facet not tried for want of time is tried on the next
    request."""
    deadline = time.monotonic() + settings.FACET_TIME_LIMIT_MS / 1000
    filtered = filterset.qs
    if filtered.query.is_empty():
        return []
    if filtered.query.annotations:  # a search: its rows, not its rank and order
        base = Document.objects.filter(pk__in=filtered.values("pk"))
    else:  # the filters' own conditions: no pass over the table to find the rows
        base = filtered.order_by().select_related(None).prefetch_related(None)
    day = filterset.as_of_day()
    if day:
        base = base.with_status_on(day)
    everything = not base.query.where
    stored, labelled = stored_facet_counts() if everything and not day else (None, {})

    def counted(name, declared):
        path = "status_on_day" if day and name == "status" else declared.field_name
        by_year = declared.lookup_expr == "year"
        # Through rows of its own (participations) a document is counted once
        # (DISTINCT); through its columns, annotations, foreign keys and
        # many-to-many pairs (each stored once), a plain COUNT(*).
        head = FIELDS.get(path.split("__")[0])
        many = bool(head and head.one_to_many)
        n = Count("pk", distinct=True) if many else Count("*")
        source = base
        if everything and head and (many or head.many_to_many):
            # Of every document: count the related rows themselves, without a
            # pass over the documents to join them to.
            rest = path.split("__", 1)[1]
            if many:
                source, n = (
                    head.related_model.objects,
                    Count(head.field.name, distinct=True),
                )
            else:
                source, rest = (
                    head.remote_field.through.objects,
                    f"{head.m2m_reverse_field_name()}__{rest}",
                )
            path = rest
        rows = (
            source.exclude(**{f"{path}__isnull": True})
            .values(value=ExtractYear(path) if by_year else F(path))
            .annotate(n=n)
            .order_by("-value" if by_year else "-n", "value")
        )
        left = (deadline - time.monotonic()) * 1000

        def count():
            if left < 1:
                return None  # not tried: not remembered
            return within_time_limit(lambda: [(r["value"], r["n"]) for r in rows], left)

        return remember(rows.query, count)

    result = []
    for name in FACETS:
        declared = filterset.filters[name]
        # A facet with no stored count (one added to FACETS, until the
        # documents are derived again) is counted in SQL.
        counts = (stored or {}).get(name) or counted(name, declared)
        if counts is None or counts is False:  # not tried, or out of time
            result.append((declared.label, name, counts))
            continue
        labels = labelled.get(name) or facet_labels(declared, [v for v, _n in counts])
        selected = query.getlist(name)
        values = [
            (
                labels.get(value, value),
                n,
                toggle_url(query, name, value),
                str(value) in selected,
            )
            for value, n in counts
        ]
        if values:
            result.append((declared.label, name, values))
    return result
