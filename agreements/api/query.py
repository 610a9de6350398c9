"""The query parameters an API endpoint knows: any other is a 400 naming it,
as a bad value is, rather than silently ignored (a misspelt filter would
otherwise return every document)."""

from rest_framework.exceptions import ValidationError

# DRF's own: `format` picks the renderer (`?format=json`, `csv` on exports).
ALWAYS = frozenset({"format"})


def known_parameters(view):
    """What this action reads: its filters, its paging and what the view adds
    (`extra_query_parameters`, e.g. `expand`)."""
    names = set(ALWAYS) | set(getattr(view, "extra_query_parameters", ()))
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    paginator = view.paginator
    if paginator is not None:
        names |= {paginator.page_query_param, paginator.page_size_query_param}
        names |= set(getattr(paginator, "extra_query_parameters", ()))
    return names


def refuse_unknown_parameters(view, request):
    unknown = sorted(request.query_params.keys() - known_parameters(view))
    if unknown:
        known = ", ".join(sorted(known_parameters(view)))
        message = f"Unknown parameter. This endpoint reads: {known}."
        raise ValidationError({name: [message] for name in unknown})
