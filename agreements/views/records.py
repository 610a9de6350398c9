"""The pages of the records documents are filed under: parties, countries,
people, sectors, occasions and sources, each a list and a page per record."""

import datetime

from django.core.paginator import InvalidPage, Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Length
from django.http import Http404
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from ..filters import named_parties
from ..models import (
    Document,
    Occasion,
    Participation,
    Party,
    Person,
    Sector,
    Source,
)
from ..models.base import country_name
from ..provenance import field_label
from ..querysets import DERIVED_COLUMNS
from .documents import PAGE_SIZE, citations_by_field


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of `queryset`; a bad page number gives page 1 and an error message."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1), None
    except InvalidPage:
        return paginator.page(1), _(
            "There is no page “%(page)s”; showing the first page."
        ) % {"page": request.GET.get("page")}


class DocumentsOfMixin:
    """A detail page that lists, a page at a time, the documents of its object;
    its links to the filtered list and to the feed ask for the same documents
    (`filter_params`, the list's filters); its e-mail alert follows the record
    (`follow_kind`)."""

    follow_kind = None

    def documents(self):
        raise NotImplementedError

    def followed(self):
        return self.object.slug

    def filter_params(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, error = paginate(self.request, self.documents().for_list())
        query = urlencode(self.filter_params(), doseq=True)
        context.update(
            page_obj=page,
            documents=page.object_list,
            errors=[error] if error else [],
            filter_query=query,
            feed_query=query,
            subscribe_query=urlencode(
                {"kind": self.follow_kind, "value": self.followed()}
            ),
        )
        return context


class InForceForMixin:
    """A party's or country's page says how many documents are in force for
    it today and how many await its domestic procedures, each a link to the
    filtered list (`in_force_for`, `awaiting`: the value `in_force_value`)."""

    def in_force_value(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        value = self.in_force_value()
        parties = named_parties(value)
        context["standing"] = {
            "value": value,
            "in_force": Document.objects.in_force_for(
                parties, datetime.date.today()
            ).count(),
            "awaiting": Document.objects.awaiting(parties).count(),
        }
        return context


class PartyListView(ListView):
    queryset = (
        Party.objects.select_related("parent")
        .annotate(n_documents=Count("participations__document", distinct=True))
        .order_by("country", "kind", "name_en")
    )
    context_object_name = "parties"


class PartyDetailView(InForceForMixin, DocumentsOfMixin, DetailView):
    """A party's documents, with those of the bodies that belong to it (a state's
    ministries and regions), the count split between its own and theirs."""

    queryset = Party.objects.select_related("parent").prefetch_related("children")
    context_object_name = "party"
    follow_kind = "party"

    def get_object(self, queryset=None):
        party = super().get_object(queryset)
        self.subordinates = list(Party.objects.below(party).order_by("slug"))
        return party

    def documents(self):
        return Document.objects.of_parties([self.object, *self.subordinates])

    def filter_params(self):
        return {"party": [p.slug for p in [self.object, *self.subordinates]]}

    def in_force_value(self):
        return self.object.slug

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        total = context["page_obj"].paginator.count
        own = Document.objects.of_parties([self.object]).count()
        context.update(own_count=own, subordinate_count=total - own)
        return context


def country_or_404(code):
    """A country some recorded party belongs to, by its ISO code (RU)."""
    if not Party.objects.filter(country=code).exists():
        raise Http404(_("No party of this country is recorded."))
    return code


class CountryListView(TemplateView):
    template_name = "agreements/country_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            Participation.objects.exclude(party__country="")
            .values("party__country")
            .annotate(n=Count("document", distinct=True))
            .order_by("party__country")
        )
        context["countries"] = [
            (row["party__country"], country_name(row["party__country"]), row["n"])
            for row in rows
        ]
        return context


class CountryDetailView(InForceForMixin, DocumentsOfMixin, TemplateView):
    """Every document with a party of one country: its state, the state's
    ministries and regions, its companies; counted by kind of party."""

    template_name = "agreements/country_detail.html"
    follow_kind = "country"

    def documents(self):
        return Document.objects.of_country(self.code)

    def followed(self):
        return self.code

    def filter_params(self):
        return {"country": self.code}

    def in_force_value(self):
        return self.code

    def get_context_data(self, **kwargs):
        self.code = country_or_404(self.kwargs["code"])
        context = super().get_context_data(**kwargs)
        kinds = dict(Party.Kind.choices)
        by_kind = (
            Participation.objects.filter(party__country=self.code)
            .values("party__kind")
            .annotate(n=Count("document", distinct=True))
            .order_by("-n", "party__kind")
        )
        context.update(
            code=self.code,
            name=country_name(self.code),
            by_kind=[
                (row["party__kind"], kinds[row["party__kind"]], row["n"])
                for row in by_kind
            ],
            parties=Party.objects.filter(country=self.code)
            .annotate(n_documents=Count("participations__document", distinct=True))
            .order_by("-n_documents", "slug"),
        )
        return context


class PersonListView(ListView):
    queryset = Person.objects.annotate(
        n_documents=Count("participations__document", distinct=True)
    )
    context_object_name = "people"


class PersonDetailView(DetailView):
    """A person: the posts they held, and everything they signed (a page at a
    time), each with the post they signed in."""

    queryset = Person.objects.prefetch_related(
        "positions__party", "citations__source__archived_copies"
    )
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        signed = (
            self.object.participations.select_related(
                "party", "person_position", "document"
            )
            .defer(*(f"document__{c}" for c in DERIVED_COLUMNS))
            .order_by("-document__signed_on", "document__slug", "pk")
        )
        page, error = paginate(self.request, signed)
        context.update(
            page_obj=page,
            signatures=page.object_list,
            errors=[error] if error else [],
            citations_by_field=citations_by_field(Person, self.object.citations.all()),
        )
        return context


class SectorListView(ListView):
    queryset = Sector.objects.annotate(n_documents=Count("documents"))
    context_object_name = "sectors"


class SectorDetailView(DocumentsOfMixin, DetailView):
    model = Sector
    context_object_name = "sector"
    follow_kind = "sector"

    def documents(self):
        return self.object.documents.all()

    def filter_params(self):
        return {"sector": self.object.slug}


class OccasionListView(ListView):
    queryset = Occasion.objects.annotate(n_documents=Count("documents"))
    context_object_name = "occasions"


class OccasionDetailView(DocumentsOfMixin, DetailView):
    queryset = Occasion.objects.prefetch_related(
        "citations__source", "citations__source__archived_copies"
    )
    context_object_name = "occasion"
    follow_kind = "occasion"

    def documents(self):
        return self.object.documents.order_by("slug")

    def filter_params(self):
        return {"occasion": self.object.slug}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citations_by_field"] = citations_by_field(
            Occasion, self.object.citations.all()
        )
        return context


class SourceListView(ListView):
    # S1, S2 … S10 in their natural order, unlabelled sources last.
    queryset = Source.objects.annotate(n_citations=Count("citations")).order_by(
        ExpressionWrapper(Q(label=""), output_field=BooleanField()),
        Length("label"),
        "label",
        "slug",
    )
    context_object_name = "sources"


class SourceDetailView(DetailView):
    model = Source
    context_object_name = "source"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        citations = self.object.citations.select_related(
            "document", "occasion", "party", "person"
        ).order_by(
            "document__slug", "occasion__slug", "party__slug", "person__slug", "field"
        )
        by_record = {}
        for c in citations:
            by_record.setdefault(c.subject, []).append(
                (field_label(type(c.subject), c.field), c)
            )
        context.update(records=list(by_record.items()), n_facts=len(citations))
        return context
