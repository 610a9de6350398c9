"""One FilterSet drives the public list, its exports and the API."""

import time

import django_filters as filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractYear, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from drf_spectacular.utils import extend_schema_field

from .caching import remember
from .models import (
    DeletedDocument,
    Document,
    FacetCount,
    Occasion,
    Party,
    Sector,
    Source,
    Status,
)
from .models.base import country_name
from .params import UtcDateTimeField, WholeNumberField
from .querysets import within_time_limit


def country_choices():
    """The countries of recorded parties, named in the reader's language."""
    codes = Party.objects.exclude(country="").order_by().values_list("country")
    return [(c, country_name(c)) for (c,) in sorted(codes.distinct())]


class SubqueryMixin:
    """Matches through rows of another table with `pk IN (subquery)`, not a
    join: no duplicate rows, so no DISTINCT over the whole filtered set."""

    def __init__(self, **kwargs):
        super().__init__(distinct=False, **kwargs)

    def filter(self, qs, value):
        if isinstance(value, QuerySet) and value.query.is_empty():
            # No slug asked: the form gives `.none()`, which django-filter
            # would compile as SQL to find it empty (a third of an API list's
            # filtering with the three such filters).
            return qs
        matching = super().filter(qs.model.objects.all(), value)
        if not matching.query.where:
            return qs  # no value, or every choice: nothing to filter
        return qs.filter(pk__in=matching.values("pk"))


@extend_schema_field({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})
class SlugsFilter(SubqueryMixin, filters.ModelMultipleChoiceFilter):
    """One or more slugs of `model`'s records (`?sector=energy&sector=sport`);
    any of them matches."""

    def __init__(self, model, **kwargs):
        super().__init__(queryset=model.objects.all(), to_field_name="slug", **kwargs)

    def labels(self, slugs):
        return {r.slug: r.name for r in self.queryset.filter(slug__in=slugs)}


class CountryFilter(SubqueryMixin, filters.MultipleChoiceFilter):
    """One or more countries of the parties (`?country=KZ&country=RU`)."""

    def __init__(self, **kwargs):
        super().__init__(choices=country_choices, **kwargs)

    def labels(self, codes):
        return {code: country_name(code) for code in codes}


class IntegerFilter(filters.NumberFilter):
    field_class = WholeNumberField


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class OrderingCSVField(BaseCSVField):
    """Comma-separated orders; an empty one among them (`title,`, `,`) is not
    an order but a mistake, refused like an unknown one."""

    def clean(self, value):
        if value and "" in value:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ",".join(value)},
            )
        return super().clean(value)


class StableOrderingFilter(filters.OrderingFilter):
    """Orders as asked, then by slug, so pages never repeat or skip rows.

    A bilingual field (`title`) sorts by the text the reader sees: the one in
    the active language, else the other one (as `Bilingual.localized` shows it)."""

    base_field_class = OrderingCSVField
    bilingual = ("title",)

    def get_ordering_value(self, param):
        name = param.lstrip("-")
        if name not in self.bilingual:
            return super().get_ordering_value(param)
        wanted = "en" if (get_language() or "ru").startswith("en") else "ru"
        other = "ru" if wanted == "en" else "en"
        shown = Coalesce(NullIf(f"{name}_{wanted}", Value("")), f"{name}_{other}")
        return shown.desc() if param.startswith("-") else shown.asc()

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "slug") if value else qs


class SearchFilter(filters.FilterSet):
    """`q`: every word, in any case (Cyrillic too), through the normalised search text."""

    q = filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class PartyFilter(SearchFilter):
    class Meta:
        model = Party
        fields = ["kind", "country"]


class SectorFilter(SearchFilter):
    class Meta:
        model = Sector
        fields = []


class OccasionFilter(SearchFilter):
    class Meta:
        model = Occasion
        fields = ["kind"]


class SourceFilter(SearchFilter):
    class Meta:
        model = Source
        fields = ["language"]


class DocumentFilter(SearchFilter):
    sector = SlugsFilter(Sector, label=_("Sector"), field_name="sectors__slug")
    party = SlugsFilter(
        Party, label=_("Party"), field_name="participations__party__slug"
    )
    country = CountryFilter(
        label=_("Country"), field_name="participations__party__country"
    )
    kind = filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Document.Kind.choices, distinct=False
    )
    legal_level = filters.MultipleChoiceFilter(
        label=_("Legal level"), choices=Document.Level.choices, distinct=False
    )
    status = filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status"
    )
    occasion = SlugsFilter(Occasion, label=_("Occasion"), field_name="occasion__slug")
    year = IntegerFilter(
        label=_("Year signed"),
        field_name="signed_on",
        lookup_expr="year",
        min_value=1800,
        max_value=2200,
    )
    signed_after = filters.DateFilter(
        label=_("Signed on or after"), field_name="signed_on", lookup_expr="gte"
    )
    signed_before = filters.DateFilter(
        label=_("Signed on or before"), field_name="signed_on", lookup_expr="lte"
    )
    in_force_on = filters.DateFilter(
        label=_("In force on"), method="filter_in_force_on"
    )
    expires_before = filters.DateFilter(
        label=_("Valid until before"), field_name="valid_until", lookup_expr="lt"
    )
    updated_since = UtcDateTimeFilter(
        label=_("Updated since"), field_name="updated_at", lookup_expr="gte"
    )
    as_of = filters.DateFilter(label=_("Status as of"), method="filter_as_of")
    ordering = StableOrderingFilter(
        label=_("Sort"),
        fields=[
            ("signed_on", "signed_on"),
            ("title", "title"),
            ("updated_at", "updated"),
        ],
        # Every label ours and lazy: django-filter's "(descending)" is formatted
        # once, at import, in whatever language is active then.
        field_labels={
            "signed_on": _("date signed, oldest first"),
            "-signed_on": _("date signed, newest first"),
            "title": _("title, A to Z"),
            "-title": _("title, Z to A"),
            "updated_at": _("last changed, oldest first"),
            "-updated": _("last changed, newest first"),
        },
    )

    class Meta:
        model = Document
        fields = []

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force_on(value)

    def as_of_day(self):
        return self.form.cleaned_data.get("as_of") if self.is_valid() else None

    def filter_status(self, queryset, name, value):
        """The status as it stood on `as_of`, if given; else today's."""
        day = self.as_of_day()
        if day:
            return queryset.with_status_on(day).filter(status_on_day__in=value)
        return queryset.filter(status__in=value)

    def filter_as_of(self, queryset, name, value):
        """Rows carry `status_on_day` (shown instead of today's status)."""
        if "status_on_day" in queryset.query.annotations:
            return queryset
        return queryset.with_status_on(value)


class DeletedDocumentFilter(filters.FilterSet):
    since = UtcDateTimeFilter(
        label=_("Deleted since"), field_name="deleted_at", lookup_expr="gte"
    )

    class Meta:
        model = DeletedDocument
        fields = []


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
    (after migrating, until `refresh_statuses --all`, which is also what a
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
