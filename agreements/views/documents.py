"""The documents' pages: the searchable list, a document and its history."""

from django import forms
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..api.throttles import AnonRateThrottle
from ..caching import CachedCountPaginator
from ..changelog import NotInRelease, as_released
from ..citing import citation_formats, json_ld, permanent_url
from ..facets import FACETS, document_facets
from ..filters import DocumentFilter
from ..history import document_history
from ..models import Document, Release
from ..models.releases import MAX_NUMBER
from ..params import ParameterError, parse_int
from ..provenance import EDITORIAL, document_facts, field_label
from ..standing import standings
from ..text_search import has_lexemes

PAGE_SIZE = 25
# The filters the list's own form asks for (the others are facets' links).
OWN_FORM = ("signed_after", "signed_before", "identifier")


def citations_by_field(model, citations):
    """[(field, label, [citations])], the record as a whole first."""
    grouped = {}
    for citation in citations:
        grouped.setdefault(citation.field, []).append(citation)
    return [(f, field_label(model, f), grouped[f]) for f in sorted(grouped)]


def other_params(query, *names):
    """(name, value) pairs of `query` except `names`: hidden inputs that keep the
    rest of the view when a form changes only `names`."""
    return [
        (name, value)
        for name, values in query.lists()
        if name not in names
        for value in values
    ]


def search_refused(request):
    """A 429 when this anonymous client has used up its requests (API_ANON_RATE,
    counted with its API requests), else None: a search reads the texts."""
    throttle = AnonRateThrottle()
    if throttle.allow_request(request, None):
        return None
    response = HttpResponse(
        _("Too many searches; please wait a minute and try again."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(throttle.wait())
    patch_cache_control(response, no_store=True)
    return response


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
        if request.GET.get("q", "").strip() and (refused := search_refused(request)):
            return refused
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
        q = self.request.GET.get("q", "").strip()
        context.update(
            nothing_to_search=bool(q) and not has_lexemes(q),
            filterset=filterset,
            errors=self.errors,
            facets=self.facets,
            query=query.urlencode(),
            sort_options=filterset.filters["ordering"].field.choices,
            current_sort=self.request.GET.get("ordering", ""),
            hidden_params=other_params(query, "q", "ordering"),
            range_hidden_params=other_params(query, *OWN_FORM),
            as_of=None if self.errors else filterset.as_of_day(),
            as_of_hidden_params=other_params(query, "as_of"),
            without_as_of=urlencode(other_params(query, "as_of")),
            feed_query=urlencode(other_params(query, "ordering")),
            filters_active=sum(
                1 for name, values in query.lists() if name in FACETS for v in values
            )
            + sum(1 for name in OWN_FORM if query.get(name)),
        )
        return context


def as_of_param(request):
    """(`?as_of=` as a date or None, [error message])."""
    value = request.GET.get("as_of") or ""
    field = forms.DateField(required=False)
    try:
        return field.clean(value), []
    except forms.ValidationError as exc:
        return None, [f"{_('Status as of')}: {' '.join(exc.messages)}"]


def release_param(request):
    """(`?release=` as a published Release or None, [error message])."""
    if "release" not in request.GET:
        return None, []
    label = _("Cite as in release")
    try:
        number = parse_int(request.GET["release"], "release", 1, MAX_NUMBER)
    except ParameterError as exc:
        return None, [f"{label}: {exc.message}"]
    release = Release.objects.filter(number=number).first()
    if release is None:
        return None, [f"{label}: {_('There is no such release.')}"]
    return release, []


def prefetch_details(document):
    """Read what `with_details` prefetches for one document of
    `with_detail_flags`: one query for each set of related rows it has, none
    for those it has none of (shown empty, as a prefetch that found nothing)."""
    documents = document.__class__.objects.all()
    lookups = documents._detail_lookups(document.has_archived_copies)
    cache = document.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in lookups:
        if not getattr(document, f"has_{name}"):
            cache[name] = document._meta.get_field(name).related_model.objects.none()
    prefetch_related_objects(
        [document],
        *(lookup for name, lookup in lookups.items() if name not in cache),
    )
    if not document.has_archived_copies:
        for citation in document.citations.all():
            if citation.source_id:
                source = citation.source
                source.__dict__.setdefault("_prefetched_objects_cache", {})[
                    "archived_copies"
                ] = source.archived_copies.model.objects.none()
    return document


class DocumentDetailView(DetailView):
    queryset = Document.objects.with_detail_flags()
    context_object_name = "document"

    def get_object(self, queryset=None):
        return prefetch_details(super().get_object(queryset))

    def get(self, request, *args, **kwargs):
        self.as_of, self.errors = as_of_param(request)
        self.release, errors = release_param(request)
        self.errors += errors
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
            cite=self.citation(doc, url),
            release=self.release,
            release_numbers=Release.objects.published().values_list(
                "number", flat=True
            )[:10],
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
            (r.outgoing_phrase, r.to_document, r.shown_note)
            for r in doc.relations_out.all()
        ] + [
            (r.incoming_phrase, r.from_document, r.shown_note)
            for r in doc.relations_in.all()
        ]
        facts = {fact.name: fact for fact in document_facts(doc)}
        # The heading's title is an editorial translation when only the
        # editors' note supports it in the language it is shown in.
        shown = facts.get(f"title_{doc.title.lang}")
        context.update(
            title_is_editorial=shown is not None and shown.state == EDITORIAL,
            disputed=disputed,
            disputed_labels=[(f, field_label(Document, f)) for f in disputed],
            citations_by_field=citations_by_field(Document, doc.citations.all()),
            facts=facts,
            standings=standings(doc, facts["status"]),
            relations=relations,
        )
        return context

    def citation(self, doc, url):
        """The citation formats; with `?release=N`, of the document as it stood
        in release N (or, where that is not known, an error and today's)."""
        if self.release is None:
            return citation_formats(doc, url)
        try:
            then = as_released(doc, self.release)
        except NotInRelease as exc:
            self.errors.append(str(exc) % {"n": self.release.number})
            self.release = None
            return citation_formats(doc, url)
        release_url = permanent_url(self.request, self.release.get_absolute_url())
        return citation_formats(then, url, self.release, release_url)


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
