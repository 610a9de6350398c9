import itertools

from django import forms
from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import ExtractYear, Length
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from . import dataset
from .api.throttles import ExportRateThrottle
from .caching import CachedCountPaginator
from .citing import citation_formats, json_ld, permanent_url
from .export import export_response
from .filters import FACETS, DocumentFilter, document_facets
from .history import document_history
from .lifecycle import Status
from .models import (
    Citation,
    Document,
    Occasion,
    Participation,
    Party,
    ResearchQuestion,
    Sector,
    Source,
)
from .models.base import country_name
from .provenance import document_facts, field_label

PAGE_SIZE = 25


def citations_by_field(model, citations):
    """[(field, label, [citations])], the record as a whole first."""
    grouped = {}
    for citation in citations:
        grouped.setdefault(citation.field, []).append(citation)
    return [(f, field_label(model, f), grouped[f]) for f in sorted(grouped)]


def healthz(request):
    """For load balancers: 200 when the database and the cache answer, else 503."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = (
            "ok" if cache.get("healthz") == "ok" else "error: no round trip"
        )
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )


def favicon(request):
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def bar_chart(rows, width=100):
    """[(label, n, url)] → [(label, n, url, bar length)] scaled to `width`."""
    top = max((n for _label, n, _url in rows), default=0) or 1
    return [(label, n, url, round(n * width / top, 1)) for label, n, url in rows]


class HomeView(TemplateView):
    """What the tracker is, what changed lately, and the data at a glance."""

    template_name = "agreements/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = reverse("agreements:documents")
        statuses = dict(Status.choices)
        by_sector = Sector.objects.annotate(n=Count("documents")).order_by("-n", "slug")
        by_status = (
            Document.objects.values("status").annotate(n=Count("pk")).order_by("-n")
        )
        by_year = (
            Document.objects.exclude(signed_on__isnull=True)
            .values(year=ExtractYear("signed_on"))
            .annotate(n=Count("pk"))
            .order_by("year")
        )
        context.update(
            counts={
                "documents": Document.objects.count(),
                "parties": Party.objects.count(),
                "occasions": Occasion.objects.count(),
            },
            latest=Document.objects.for_list().order_by("-updated_at", "slug")[:5],
            last_changed=Document.objects.last_changed(),
            occasions=Occasion.objects.annotate(n_documents=Count("documents"))[:5],
            charts=[
                (
                    "sector",
                    _("Documents by sector"),
                    bar_chart(
                        [
                            (s.name.text, s.n, f"{documents}?sector={s.slug}")
                            for s in by_sector
                            if s.n
                        ]
                    ),
                ),
                (
                    "status",
                    _("Documents by status today"),
                    bar_chart(
                        [
                            (
                                statuses[r["status"]],
                                r["n"],
                                f"{documents}?status={r['status']}",
                            )
                            for r in by_status
                        ]
                    ),
                ),
                (
                    "year",
                    _("Documents by year signed"),
                    bar_chart(
                        [
                            (str(r["year"]), r["n"], f"{documents}?year={r['year']}")
                            for r in by_year
                        ]
                    ),
                ),
            ],
        )
        return context


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of `queryset`; a bad page number gives page 1 and an error message."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1), None
    except InvalidPage:
        return paginator.page(1), _(
            "There is no page “%(page)s”; showing the first page."
        ) % {"page": request.GET.get("page")}


def other_params(query, *names):
    """(name, value) pairs of `query` except `names`: hidden inputs that keep the
    rest of the view when a form changes only `names`."""
    return [
        (name, value)
        for name, values in query.lists()
        if name not in names
        for value in values
    ]


class DocumentListView(FilterView):
    """The searchable, filterable list; an invalid filter or page is a 400 page
    that names the parameter (and shows no rows, or the first page)."""

    filterset_class = DocumentFilter
    queryset = Document.objects.for_list()
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    template_name = "agreements/document_list.html"
    context_object_name = "documents"

    def get_queryset(self):
        return super().get_queryset().with_text_snippets(self.request.GET.get("q"))

    def get(self, request, *args, **kwargs):
        self.errors, self.facets = [], []
        response = super().get(request, *args, **kwargs)
        if self.errors:
            response.status_code = 400
        if any(values is None for _title, _name, values in self.facets):
            # Facets left for the next request: this page is not to be kept.
            patch_cache_control(response, no_store=True)
        return response

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if not filterset.is_valid():
            self.errors += [
                f"{filterset.filters[name].label if name in filterset.filters else name}"
                f": {message}"
                for name, messages in filterset.errors.items()
                for message in messages
            ]
        return filterset

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            self.errors.append(
                _("There is no page “%(page)s”; showing the first page.")
                % {"page": self.request.GET.get("page")}
            )
            self.kwargs["page"] = 1
            return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        filterset = context["filter"]
        if not self.errors:
            self.facets = document_facets(filterset, self.request.GET)
        context.update(
            filterset=filterset,
            errors=self.errors,
            facets=self.facets,
            query=query.urlencode(),
            sort_options=filterset.filters["ordering"].field.choices,
            current_sort=self.request.GET.get("ordering", ""),
            hidden_params=other_params(query, "q", "ordering"),
            range_hidden_params=other_params(query, "signed_after", "signed_before"),
            as_of=None if self.errors else filterset.as_of_day(),
            as_of_hidden_params=other_params(query, "as_of"),
            without_as_of=urlencode(other_params(query, "as_of")),
            feed_query=urlencode(other_params(query, "ordering")),
            filters_active=sum(
                1 for name, values in query.lists() if name in FACETS for v in values
            )
            + sum(1 for name in ("signed_after", "signed_before") if query.get(name)),
        )
        return context


def export_refused(request):
    """A 429 when this client has used up its exports (EXPORT_RATE), else None."""
    throttle = ExportRateThrottle()
    if throttle.allow_request(request, None):
        return None
    response = HttpResponse(
        _("Too many exports; please wait a minute and try again."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(int(throttle.wait() or 60))
    return response


def document_export(request, fmt):
    """The whole filtered list (not one page) as CSV or JSON; throttled per client
    like the API's export (EXPORT_RATE)."""
    if refused := export_refused(request):
        return refused
    if fmt not in ("csv", "json"):
        return HttpResponseBadRequest(
            _("Export as .csv or .json."), content_type="text/plain"
        )
    filterset = DocumentFilter(request.GET, queryset=Document.objects.all())
    if not filterset.is_valid():
        return JsonResponse(
            {"detail": "Invalid filter.", "errors": filterset.errors}, status=400
        )
    return export_response(filterset.qs, fmt)


def dataset_download(request, fmt):
    """Every table as CSV files in a zip, or as one JSON document, each with its
    codebook; streamed, and throttled like the other exports."""
    if fmt not in ("zip", "json"):
        return HttpResponseBadRequest(
            _("Download the dataset as .zip or .json."), content_type="text/plain"
        )
    if refused := export_refused(request):
        return refused
    # The first chunk is read before the response starts: a database outage is
    # then a 503 (middleware), not a download cut after the header.
    chunks = dataset.zip_chunks() if fmt == "zip" else dataset.json_chunks()
    chunks = itertools.chain([next(chunks)], chunks)
    content_type = "application/zip" if fmt == "zip" else "application/json"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="agreement-tracker.{fmt}"'
    return response


def as_of_param(request):
    """(`?as_of=` as a date or None, [error message])."""
    value = request.GET.get("as_of") or ""
    field = forms.DateField(required=False)
    try:
        return field.clean(value), []
    except forms.ValidationError as exc:
        return None, [f"{_('Status as of')}: {' '.join(exc.messages)}"]


class DocumentDetailView(DetailView):
    queryset = Document.objects.with_details()
    context_object_name = "document"

    def get(self, request, *args, **kwargs):
        self.as_of, self.errors = as_of_param(request)
        response = super().get(request, *args, **kwargs)
        if self.errors:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        doc = self.object
        url = permanent_url(self.request, doc.get_absolute_url())
        query = self.request.GET.copy()
        query.pop("as_of", None)
        context.update(
            errors=self.errors,
            as_of=self.as_of,
            status_on=doc.status_on(self.as_of) if self.as_of else None,
            without_as_of=query.urlencode(),
            cite=citation_formats(doc, url),
            json_ld=json_ld(doc, url),
            sources_checked_on=max(
                (
                    c.source.accessed_on
                    for c in doc.citations.all()
                    if c.source_id and c.source.accessed_on
                ),
                default=None,
            ),
        )
        disputed = doc.disputed_fields()
        # Each relation reads the right way round from either end.
        relations = [
            (r.outgoing_phrase, r.to_document, r.note) for r in doc.relations_out.all()
        ] + [
            (r.incoming_phrase, r.from_document, r.note) for r in doc.relations_in.all()
        ]
        context.update(
            disputed=disputed,
            disputed_labels=[(f, field_label(Document, f)) for f in disputed],
            citations_by_field=citations_by_field(Document, doc.citations.all()),
            facts={fact.name: fact for fact in document_facts(doc)},
            relations=relations,
        )
        return context


class DocumentHistoryView(DetailView):
    """What changed in a document and when, each change with an anchor to cite;
    who changed it stays private."""

    queryset = Document.objects.select_related("occasion")
    context_object_name = "document"
    template_name = "agreements/document_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = document_history(self.object)
        context["page_url"] = permanent_url(self.request, self.request.path)
        return context


class DocumentsOfMixin:
    """A detail page that lists, a page at a time, the documents of its object."""

    def documents(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, error = paginate(self.request, self.documents().for_list())
        context.update(
            page_obj=page, documents=page.object_list, errors=[error] if error else []
        )
        return context


class PartyListView(ListView):
    queryset = (
        Party.objects.select_related("parent")
        .annotate(n_documents=Count("participations__document", distinct=True))
        .order_by("country", "kind", "name_en")
    )
    context_object_name = "parties"


class PartyDetailView(DocumentsOfMixin, DetailView):
    """A party's documents, with those of the bodies that belong to it (a state's
    ministries and regions), the count split between its own and theirs."""

    queryset = Party.objects.select_related("parent").prefetch_related("children")
    context_object_name = "party"

    def get_object(self, queryset=None):
        party = super().get_object(queryset)
        self.subordinates = list(Party.objects.below(party).order_by("slug"))
        return party

    def documents(self):
        return Document.objects.of_parties([self.object, *self.subordinates])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        total = context["page_obj"].paginator.count
        own = Document.objects.of_parties([self.object]).count()
        slugs = [self.object.slug] + [p.slug for p in self.subordinates]
        context.update(
            own_count=own,
            subordinate_count=total - own,
            filter_query=urlencode([("party", slug) for slug in slugs]),
        )
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


class CountryDetailView(DocumentsOfMixin, TemplateView):
    """Every document with a party of one country: its state, the state's
    ministries and regions, its companies; counted by kind of party."""

    template_name = "agreements/country_detail.html"

    def documents(self):
        return Document.objects.of_country(self.code)

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
            filter_query=urlencode({"country": self.code}),
        )
        return context


class SectorListView(ListView):
    queryset = Sector.objects.annotate(n_documents=Count("documents"))
    context_object_name = "sectors"


class SectorDetailView(DocumentsOfMixin, DetailView):
    model = Sector
    context_object_name = "sector"

    def documents(self):
        return self.object.documents.all()


class OccasionListView(ListView):
    queryset = Occasion.objects.annotate(n_documents=Count("documents"))
    context_object_name = "occasions"


class OccasionDetailView(DocumentsOfMixin, DetailView):
    queryset = Occasion.objects.prefetch_related(
        "citations__source", "citations__source__archived_copies"
    )
    context_object_name = "occasion"

    def documents(self):
        return self.object.documents.order_by("slug")

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
            "document", "occasion", "party"
        ).order_by("document__slug", "occasion__slug", "party__slug", "field")
        by_record = {}
        for c in citations:
            by_record.setdefault(c.subject, []).append(
                (field_label(type(c.subject), c.field), c)
            )
        context.update(records=list(by_record.items()), n_facts=len(citations))
        return context


class DataQualityView(TemplateView):
    """What is not known yet or disputed: the researchers' to-do list."""

    template_name = "agreements/data_quality.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        disputed = {}
        for row in Citation.objects.disputes():
            disputed.setdefault(row["document"], []).append(
                field_label(Document, row["field"])
            )
        docs = Document.objects.select_related("occasion").order_by("slug")
        context.update(
            questions=ResearchQuestion.objects.select_related("document").order_by(
                "status", "slug"
            ),
            disputed=[(doc, disputed[doc.pk]) for doc in docs.filter(pk__in=disputed)],
            sections=[
                (_("Title unknown or only described"), docs.title_unknown()),
                (
                    _("Title as reported, official wording not confirmed"),
                    docs.title_reported(),
                ),
                (_("Parties not known"), docs.without_parties()),
                (_("Signing date not known"), docs.undated()),
                (_("No source cited"), docs.uncited()),
            ],
            sources_unarchived=Source.objects.without_archived_copy(),
        )
        return context


class AboutView(TemplateView):
    template_name = "agreements/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = {
            "documents": Document.objects.count(),
            "parties": Party.objects.count(),
            "occasions": Occasion.objects.count(),
        }
        context["last_changed"] = Document.objects.last_changed()
        return context
