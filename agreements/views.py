from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import DetailView, ListView, TemplateView

from .api.throttles import ExportRateThrottle
from .export import export_response
from .filters import FACETS, DocumentFilter, document_facets
from .models import Citation, Document, Occasion, Party, Sector, Status

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


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of `queryset`; a bad page number gives page 1 and an error message."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1), None
    except InvalidPage:
        return paginator.page(1), _(
            "There is no page “%(page)s”; showing the first page."
        ) % {"page": request.GET.get("page")}


class DocumentListView(TemplateView):
    template_name = "agreements/document_list.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 400 if context["errors"] else 200
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = DocumentFilter(
            self.request.GET,
            queryset=Document.objects.with_related().order_by("-signed_on", "slug"),
        )
        errors = []
        if filterset.is_valid():
            documents = filterset.qs
        else:
            documents = Document.objects.none()
            for field, messages in filterset.errors.items():
                label = (
                    filterset.filters[field].label
                    if field in filterset.filters
                    else field
                )
                errors += [f"{label}: {m}" for m in messages]
        page, page_error = paginate(self.request, documents)
        if page_error:
            errors.append(page_error)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            page_obj=page,
            documents=page.object_list,
            errors=errors,
            facets=self.facets(documents) if not errors else [],
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

    def facets(self, documents):
        """[(title, param, [(label, count, url, selected)])] for the sidebar."""
        counts = document_facets(documents)
        labels = {
            "sector": dict((s.slug, s.name) for s in Sector.objects.all()),
            "party": dict(
                (p.slug, p.name)
                for p in Party.objects.filter(slug__in=[v for v, _ in counts["party"]])
            ),
            "occasion": dict(
                (o.slug, o.name)
                for o in Occasion.objects.filter(
                    slug__in=[v for v, _ in counts["occasion"]]
                )
            ),
            "kind": dict(Document.Kind.choices),
            "legal_level": dict(Document.Level.choices),
            "status": dict(Status.choices),
        }
        titles = {
            "sector": _("Sector"),
            "party": _("Party"),
            "kind": _("Kind"),
            "legal_level": _("Legal level"),
            "status": _("Status"),
            "occasion": _("Occasion"),
            "year": _("Year signed"),
        }
        query = self.request.GET
        result = []
        for name in [*(facet for facet, _path in FACETS), "year"]:
            selected = query.getlist(name)
            values = [
                (
                    labels.get(name, {}).get(value, value),
                    n,
                    toggle_url(query, name, value),
                    str(value) in selected,
                )
                for value, n in counts[name]
            ]
            if values:
                result.append((titles[name], name, values))
        return result


def document_export(request, fmt):
    """The whole filtered list (not one page) as CSV or JSON; throttled per client
    like the API's export (EXPORT_RATE)."""
    throttle = ExportRateThrottle()
    if not throttle.allow_request(request, None):
        response = HttpResponse(
            _("Too many exports; please wait a minute and try again."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(int(throttle.wait() or 60))
        return response
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
    queryset = Occasion.objects.prefetch_related("citations__source")
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
