"""Request ids and client addresses for logs; bounded query strings; database
errors answered as 400 or 503 instead of 500."""

import logging
import re
import uuid

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

from . import logging as request_logging
from .identity import client_ip

logger = logging.getLogger("agreements.availability")

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def plain_or_json(request, status, message, **extra):
    """An error answer: JSON with `detail` under /api/, plain text elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, **extra}, status=status)
    return HttpResponse(
        message + "\n", status=status, content_type="text/plain; charset=utf-8"
    )


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.client_ip = client_ip(request)
        tokens = (
            request_logging.request_id.set(request.id),
            request_logging.client.set(request.client_ip),
        )
        try:
            response = self.get_response(request)
        finally:
            request_logging.request_id.reset(tokens[0])
            request_logging.client.reset(tokens[1])
        response["X-Request-ID"] = request.id
        return response


class QueryStringLimitMiddleware:
    """Refuses query strings over MAX_QUERY_STRING_BYTES (414): every filter link on
    a page repeats the query, so its length multiplies into the page size."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        size = len(request.META.get("QUERY_STRING", ""))
        limit = settings.MAX_QUERY_STRING_BYTES
        if size > limit:
            # English like the other transport-level answers (the API's language).
            message = f"The query string is too long ({size} bytes; at most {limit})."
            return plain_or_json(request, 414, message)
        return self.get_response(request)


class DatabaseErrorMiddleware:
    """Database errors that reach the top become answers, not 500s.

    - A lost connection (PostgreSQL restarting) is a 503 with Retry-After, so load
      balancers and clients retry; CONN_HEALTH_CHECKS reconnects on the next request.
    - A value the database cannot store that slipped past validation (a NUL
      character, say) is the client's: a 400; one over a limit of the database
      (a tsvector over 1 MB: SQLSTATE class 54) can never succeed: a 413, not
      a 503 that asks the client to retry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError):
            logger.warning("Refused a value the database cannot store: %s", exception)
            return plain_or_json(
                request,
                400,
                "The request contains a value that cannot be stored or searched "
                "(for example a NUL character or a date out of range).",
            )
        if (getattr(exception.__cause__, "sqlstate", None) or "").startswith("54"):
            logger.warning("Refused a value over a database limit: %s", exception)
            return plain_or_json(
                request,
                413,
                "The request holds a value too large to be stored or indexed; "
                "shorten it.",
            )
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error(
                "Database unavailable: %s", exception, extra={"status_code": 503}
            )
            response = plain_or_json(
                request,
                503,
                "Service temporarily unavailable; please retry in a few seconds.",
            )
            response["Retry-After"] = "5"
            return response
        return None
