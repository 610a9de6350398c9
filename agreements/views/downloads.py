"""Downloads of the data: the filtered list as CSV or JSON, the whole dataset
as a zip or JSON; throttled per client (EXPORT_RATE)."""

import itertools

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .. import dataset
from ..api.throttles import ExportRateThrottle
from ..export import export_response
from ..filters import DocumentFilter
from ..models import Document
from ..streaming import streamed_download


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
    return streamed_download(chunks, content_type, f"agreement-tracker.{fmt}")
