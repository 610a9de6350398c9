"""One FilterSet drives the public list, its exports and the API."""

import django_filters as filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from drf_spectacular.utils import extend_schema_field

from .languages import reader_language
from .models import DeletedDocument, Document, Occasion, Party, Sector, Source, Status
from .models.base import country_name
from .params import UtcDateTimeField, WholeNumberField
from .titles import shown_title, untitled


def country_choices():
    """The countries of recorded parties, named in the reader's language."""
    codes = Party.objects.exclude(country="").order_by().values_list("country")
    return [(c, country_name(c)) for (c,) in sorted(codes.distinct())]


def linking_rows(model, relation):
    """(rows, lookup, column): the table that links `model`'s records through
    `relation` (its first step) and how: `model` rows whose `lookup` is in
    that table's `column`. A participation or a sector link names its
    document itself: no join back to the documents."""
    field = model._meta.get_field(relation)
    if field.many_to_many and not field.auto_created:  # sectors: the link table
        through = field.remote_field.through
        step = field.m2m_reverse_field_name()
        return through.objects, "pk", field.m2m_field_name(), step
    if field.one_to_many or field.many_to_many:  # participations
        return field.related_model.objects, "pk", field.field.name, None
    return field.related_model.objects, relation, "pk", None  # occasion


class SubqueryMixin:
    """Matches through rows of another table with `pk IN (subquery)`, not a
    join: no duplicate rows, so no DISTINCT over the whole filtered set. The
    subquery reads the linking rows alone (`linking_rows`): with the
    documents joined in it too, `country=KZ` read the whole documents table
    for its count at a million."""

    def __init__(self, **kwargs):
        super().__init__(distinct=False, **kwargs)

    def _linking(self):
        """`linking_rows` of the first step of the path, and the rest of the
        path from those rows (`party__country`)."""
        relation, _, rest = self.field_name.partition("__")
        rows, lookup, column, step = linking_rows(self.model, relation)
        return rows, lookup, column, f"{step}__{rest}" if step else rest

    def get_filter_predicate(self, v):
        path = self._linking()[3]  # applied to the linking rows
        return {
            path + name.removeprefix(self.field_name): value
            for name, value in super().get_filter_predicate(v).items()
        }

    def filter(self, qs, value):
        if isinstance(value, QuerySet) and value.query.is_empty():
            # No slug asked: the form gives `.none()`, which django-filter
            # would compile as SQL to find it empty (a third of an API list's
            # filtering with the three such filters).
            return qs
        rows, lookup, column, _path = self._linking()
        matching = super().filter(rows.all(), value)
        if not matching.query.where:
            return qs  # no value, or every choice: nothing to filter
        return qs.filter(**{f"{lookup}__in": matching.values(column)})


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

    def orders(self, param):
        if param.lstrip("-") not in self.bilingual:
            return [self.get_ordering_value(param)]
        shown = shown_title("en" if reader_language() == "en" else "ru")
        return [
            untitled().asc(),
            shown.desc() if param.startswith("-") else shown.asc(),
        ]

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.order_by(*(o for param in value for o in self.orders(param)), "slug")


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
