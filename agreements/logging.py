"""JSON log lines, each with the request id and client address of its request."""

import contextvars
import json
import logging

request_id = contextvars.ContextVar("request_id", default="-")
client = contextvars.ContextVar("client", default="-")


class RequestIdFilter(logging.Filter):
    """Takes the id from the record's request when there is one: Django logs 4xx and
    5xx responses (`django.request`) after the middleware has returned."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = (
            getattr(record, "request_id", None)
            or getattr(request, "id", None)
            or request_id.get()
        )
        record.client = getattr(request, "client_ip", None) or client.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so logs can be searched by request id."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "client": getattr(record, "client", "-"),
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
