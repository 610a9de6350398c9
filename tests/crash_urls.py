"""A URLconf with views that fail, to see how failures are logged and shown."""

from django.db import DataError, OperationalError
from django.urls import path
from psycopg import errors


def crash(request):
    raise RuntimeError("deliberate failure for the test")


def database_down(request):
    raise OperationalError(
        "connection to server failed: the database system is starting up"
    )


def unstorable_value(request):
    raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")


def over_a_database_limit(request):
    cause = errors.ProgramLimitExceeded(
        "string is too long for tsvector (2000000 bytes)"
    )
    raise OperationalError(str(cause)) from cause


urlpatterns = [
    path("crash/", crash),
    path("database-down/", database_down),
    path("api/unstorable/", unstorable_value),
    path("api/over-a-limit/", over_a_database_limit),
]
