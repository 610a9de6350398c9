"""Request ids: every response carries X-Request-ID and every log line has it."""

import contextvars
import json
import logging
import re
import uuid

from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger("agreements.availability")

_request_id = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class DatabaseErrorMiddleware:
    """Database errors that reach the top become answers, not 500s.

    - A lost connection (PostgreSQL restarting) is a 503 with Retry-After, so load
      balancers and clients retry; CONN_HEALTH_CHECKS reconnects on the next request.
    - A value the database cannot store that slipped past validation (a NUL
      character, say) is the client's: a 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError):
            logger.warning("Refused a value the database cannot store: %s", exception)
            return self._answer(
                request,
                400,
                "The request contains a value that cannot be stored or searched (for example a NUL character).",
            )
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error(
                "Database unavailable: %s", exception, extra={"status_code": 503}
            )
            response = self._answer(
                request,
                503,
                "Service temporarily unavailable; please retry in a few seconds.",
            )
            response["Retry-After"] = "5"
            return response
        return None

    @staticmethod
    def _answer(request, status, message):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(
            message + "\n", status=status, content_type="text/plain; charset=utf-8"
        )


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = getattr(record, "request_id", None) or _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so 5xx logs can be searched by request id."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
