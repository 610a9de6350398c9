"""Django's error views, answering JSON under /api/ so that every API error has
a `detail` (bodies over the upload limit, unknown paths, server errors)."""

from django.core.exceptions import RequestDataTooBig
from django.views import defaults

from .middleware import plain_or_json
from .params import ParameterError


def _api(request):
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if isinstance(exception, ParameterError):
        return plain_or_json(
            request,
            400,
            str(exception),
            **(
                {"errors": {exception.name: [exception.message]}}
                if _api(request)
                else {}
            ),
        )
    if isinstance(exception, RequestDataTooBig) and _api(request):
        return plain_or_json(request, 413, "The request body is too large.")
    if _api(request):
        return plain_or_json(request, 400, "Invalid request.")
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return plain_or_json(request, 404, "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return plain_or_json(request, 500, "Server error; the request id is logged.")
    return defaults.server_error(request)
