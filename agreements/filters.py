"""One FilterSet drives the public list, its exports and the API."""

import datetime
import re

import django_filters as filters
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from drf_spectacular.utils import extend_schema_field

from .languages import reader_language
from .models import (
    DeletedDocument,
    Document,
    DocumentIdentifier,
    Occasion,
    Party,
    Person,
    Sector,
    Source,
    Status,
)
from .models.base import country_name
from .params import IdentifierField, UtcDateTimeField, WholeNumberField
from .titles import shown_title, untitled

COUNTRY = "[A-Z]{2}"
PARTY_OR_COUNTRY = f"{COUNTRY}|[-a-z0-9_]+"


def country_choices():
    """The countries of recorded parties, named in the reader's language."""
    codes = Party.objects.exclude(country="").order_by().values_list("country")
    return [(c, country_name(c)) for (c,) in sorted(codes.distinct())]


def filtered_through(model, field_name):
    """(target, path, documents) of a filter on `field_name` (a path from
    `model` to a field of another table: `participations__party__country`):
    the model it names records of (Party), the path within it ("country"), and
    `documents(queryset, ids)`, those linked to any of these target records,
    found through the rows that link them (participations, the sectors' link
    table) or, for a foreign key of `model`, by its values."""
    first, _, rest = field_name.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_many and not field.auto_created:  # sectors
        link = field.remote_field.through._default_manager
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        target = field.related_model
    elif field.one_to_many:  # participations, then their party
        link = field.related_model._default_manager
        own, (other, _, rest) = field.field.name, rest.partition("__")
        target = field.related_model._meta.get_field(other).related_model
    else:  # occasion
        return (
            field.related_model,
            rest,
            lambda qs, ids: qs.filter(**{f"{first}__in": ids}),
        )

    def documents(queryset, ids):
        linked = link.filter(**{f"{other}__in": ids}).values(own)
        return queryset.filter(pk__in=linked)

    return target, rest, documents


class SubqueryMixin:
    """Matches through rows of another table with `pk IN (subquery)`, not a
    join: no duplicate rows, so no DISTINCT over the whole filtered set. The
    records asked for (parties of a country, sectors, occasions) are read
    first, and the documents found by their ids (`filtered_through`): the
    planner then knows how many rows to expect and reads indexes alone (with
    the documents joined in the subquery, `country=KZ` read the whole
    documents table; with a subquery for an occasion's id, the list walked the
    whole newest-first index for an occasion of one document)."""

    def __init__(self, **kwargs):
        super().__init__(distinct=False, **kwargs)

    def get_filter_predicate(self, v):
        _target, path, _documents = filtered_through(self.model, self.field_name)
        return {  # applied to the target's records
            path + name.removeprefix(self.field_name): value
            for name, value in super().get_filter_predicate(v).items()
        }

    def filter(self, qs, value):
        if isinstance(value, QuerySet) and value.query.is_empty():
            # No slug asked: the form gives `.none()`, which django-filter
            # would compile as SQL to find it empty (a third of an API list's
            # filtering with the three such filters).
            return qs
        target, _path, documents = filtered_through(qs.model, self.field_name)
        matching = super().filter(target._default_manager.all(), value)
        if not matching.query.where:
            return qs  # no value, or every choice: nothing to filter
        return documents(qs, list(matching.values_list("pk", flat=True)))


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


@extend_schema_field({"type": "string", "pattern": PARTY_OR_COUNTRY, "maxLength": 120})
class PartyOrCountryFilter(filters.CharFilter):
    """One party by its slug (`kazakhstan`), or every party of a country by
    its ISO code (`KZ`): `named_parties`."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=120,
            validators=[RegexValidator(f"^(?:{PARTY_OR_COUNTRY})$")],
            **kwargs,
        )


def named_parties(value):
    """The parties a `PartyOrCountryFilter` value names (a queryset)."""
    if re.fullmatch(COUNTRY, value):
        return Party.objects.filter(country=value)
    return Party.objects.filter(slug=value)


class IntegerFilter(filters.NumberFilter):
    field_class = WholeNumberField


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^({'|'.join(DocumentIdentifier.Scheme.values)}):.*\\S",
        "maxLength": 220,
        "example": "adilet:Z1300000117",
    }
)
class IdentifierFilter(filters.Filter):
    """The document known by an official identifier, `scheme:value`."""

    field_class = IdentifierField

    def filter(self, qs, value):
        if not value:
            return qs
        scheme, code = value
        known = DocumentIdentifier.objects.filter(scheme=scheme, value=code)
        return qs.filter(pk__in=known.values("document"))


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


class PersonFilter(SearchFilter):
    class Meta:
        model = Person
        fields = []


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
    in_force_for = PartyOrCountryFilter(
        label=_("In force for (party or country)"), method="filter_in_force_for"
    )
    awaiting = PartyOrCountryFilter(
        label=_("Awaiting domestic procedures in (party or country)"),
        method="filter_awaiting",
    )
    expires_before = filters.DateFilter(
        label=_("Valid until before"), field_name="valid_until", lookup_expr="lt"
    )
    updated_since = UtcDateTimeFilter(
        label=_("Updated since"), field_name="updated_at", lookup_expr="gte"
    )
    as_of = filters.DateFilter(label=_("Status as of"), method="filter_as_of")
    identifier = IdentifierFilter(label=_("Official identifier"))
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
        if self.form.cleaned_data.get("in_force_for"):
            return queryset  # in force for that party on this day: one filter
        return queryset.in_force_on(value)

    def filter_in_force_for(self, queryset, name, value):
        """On `in_force_on` if given, else today."""
        day = self.form.cleaned_data.get("in_force_on") or datetime.date.today()
        return queryset.in_force_for(named_parties(value), day)

    def filter_awaiting(self, queryset, name, value):
        return queryset.awaiting(named_parties(value))

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
