"""A URLconf with views that fail, to see how failures are logged and shown."""

from django.db import DataError, OperationalError
from django.urls import path


def crash(request):
    raise RuntimeError("deliberate failure for the test")


def database_down(request):
    raise OperationalError(
        "connection to server failed: the database system is starting up"
    )


def unstorable_value(request):
    raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")


urlpatterns = [
    path("crash/", crash),
    path("database-down/", database_down),
    path("api/unstorable/", unstorable_value),
]
