from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from .export import export_response
from .filters import DocumentFilter, document_facets
from .models import Citation, Document, Occasion, Party, Sector, Source

PAGE_SIZE = 25
# Citation fields that are not model fields: facts about a record as a whole.
EXTRA_FIELD_LABELS = {
    "": _lazy("the record as a whole"),
    "participations": _lazy("parties and signatories"),
    "subject": _lazy("subject"),
    "summary": _lazy("summary"),
    "documents_count": _lazy("number of documents"),
}


def field_label(model, name):
    """What a reader calls the field a citation supports (`value_amount` → "value")."""
    if name in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[name]
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name.replace("_", " ")


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


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of `queryset`; a bad page number gives page 1 and an error message."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1), None
    except InvalidPage:
        return paginator.page(1), _(
            "There is no page “%(page)s”; showing the first page."
        ) % {"page": request.GET.get("page")}


class DocumentListView(FilterView):
    """The searchable, filterable list; an invalid filter or page is a 400 page
    that names the parameter (and shows no rows, or the first page)."""

    filterset_class = DocumentFilter
    queryset = Document.objects.with_related()
    paginate_by = PAGE_SIZE
    template_name = "agreements/document_list.html"
    context_object_name = "documents"

    def get_queryset(self):
        return super().get_queryset().with_text_snippets(self.request.GET.get("q"))

    def get(self, request, *args, **kwargs):
        self.errors = []
        response = super().get(request, *args, **kwargs)
        if self.errors:
            response.status_code = 400
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
        context.update(
            filterset=filterset,
            errors=self.errors,
            facets=[] if self.errors else document_facets(filterset, self.request.GET),
            query=query.urlencode(),
            sort_options=filterset.filters["ordering"].field.choices,
            current_sort=self.request.GET.get("ordering", ""),
            hidden_params=[
                (name, value)
                for name, values in query.lists()
                if name not in ("q", "ordering")
                for value in values
            ],
        )
        return context


def document_export(request, fmt):
    """The whole filtered list (not one page) as CSV or JSON."""
    if fmt not in ("csv", "json"):
        return HttpResponseBadRequest(
            _("Export as .csv or .json."), content_type="text/plain"
        )
    filterset = DocumentFilter(
        request.GET, queryset=Document.objects.order_by("-signed_on", "slug")
    )
    if not filterset.is_valid():
        return JsonResponse(
            {"detail": "Invalid filter.", "errors": filterset.errors}, status=400
        )
    return export_response(filterset.qs, fmt)


class DocumentDetailView(DetailView):
    queryset = Document.objects.with_details()
    context_object_name = "document"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        doc = self.object
        disputed = doc.disputed_fields()
        outgoing = [
            (
                _("This document %(kind)s") % {"kind": r.get_kind_display()},
                r.to_document,
                r.note,
            )
            for r in doc.relations_out.all()
        ]
        incoming = [
            (
                _("%(kind)s this document") % {"kind": r.get_kind_display()},
                r.from_document,
                r.note,
            )
            for r in doc.relations_in.all()
        ]
        context.update(
            disputed=disputed,
            disputed_labels=[(f, field_label(Document, f)) for f in disputed],
            citations_by_field=citations_by_field(Document, doc.citations.all()),
            relations=outgoing + incoming,
        )
        return context


class DocumentsOfMixin:
    """A detail page that lists, a page at a time, the documents of its object."""

    def documents(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, error = paginate(self.request, self.documents().with_related())
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
    queryset = Party.objects.select_related("parent").prefetch_related("children")
    context_object_name = "party"

    def documents(self):
        return Document.objects.filter(participations__party=self.object).distinct()


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
        return context
