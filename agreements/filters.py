"""One FilterSet drives the public list, its exports and the API."""

import django_filters as filters
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .models import DeletedDocument, Document, Occasion, Party, Sector, Source, Status
from .params import UtcDateTimeField, WholeNumberField


def country_choices():
    codes = (
        Party.objects.exclude(country="").values_list("country", flat=True).distinct()
    )
    return [(c, c) for c in sorted(codes)]


@extend_schema_field({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})
class SlugsFilter(filters.ModelMultipleChoiceFilter):
    """One or more slugs (`?sector=energy&sector=sport`); any of them matches."""

    def __init__(self, **kwargs):
        super().__init__(to_field_name="slug", **kwargs)


class IntegerFilter(filters.NumberFilter):
    field_class = WholeNumberField


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class StableOrderingFilter(filters.OrderingFilter):
    """Orders as asked, then by slug, so pages never repeat or skip rows."""

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
    sector = SlugsFilter(
        label=_("Sector"),
        field_name="sectors__slug",
        queryset=Sector.objects.all(),
    )
    party = SlugsFilter(
        label=_("Party"),
        field_name="participations__party__slug",
        queryset=Party.objects.all(),
    )
    country = filters.MultipleChoiceFilter(
        label=_("Country"),
        field_name="participations__party__country",
        choices=country_choices,
        distinct=True,
    )
    kind = filters.MultipleChoiceFilter(label=_("Kind"), choices=Document.Kind.choices)
    legal_level = filters.MultipleChoiceFilter(
        label=_("Legal level"), choices=Document.Level.choices
    )
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    occasion = SlugsFilter(
        label=_("Occasion"),
        field_name="occasion__slug",
        queryset=Occasion.objects.all(),
    )
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
    ordering = StableOrderingFilter(
        label=_("Sort"),
        fields=[
            ("signed_on", "signed_on"),
            ("title_ru", "title"),
            ("updated_at", "updated"),
        ],
        field_labels={
            "signed_on": _("date signed"),
            "title_ru": _("title"),
            "updated_at": _("last updated"),
        },
    )

    class Meta:
        model = Document
        fields = []

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force_on(value)


class DeletedDocumentFilter(filters.FilterSet):
    since = UtcDateTimeFilter(
        label=_("Deleted since"), field_name="deleted_at", lookup_expr="gte"
    )

    class Meta:
        model = DeletedDocument
        fields = []


FACETS = [
    ("sector", "sectors__slug"),
    ("party", "participations__party__slug"),
    ("kind", "kind"),
    ("legal_level", "legal_level"),
    ("status", "status"),
    ("occasion", "occasion__slug"),
]


def document_facets(queryset):
    """Counts per value of each facet within `queryset`; one query per facet."""
    base = Document.objects.filter(pk__in=queryset.values("pk"))
    facets = {}
    for name, path in FACETS:
        rows = (
            base.exclude(**{f"{path}__isnull": True})
            .values(path)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", path)
        )
        facets[name] = [(row[path], row["n"]) for row in rows]
    years = (
        base.exclude(signed_on=None)
        .annotate(y=ExtractYear("signed_on"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by("-y")
    )
    facets["year"] = [(row["y"], row["n"]) for row in years]
    return facets
