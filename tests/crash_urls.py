"""A URLconf with views that fail, to see how failures are logged and shown."""

from django.db import OperationalError
from django.urls import path


def crash(request):
    raise RuntimeError("deliberate failure for the test")


def database_down(request):
    raise OperationalError(
        "connection to server failed: the database system is starting up"
    )


urlpatterns = [path("crash/", crash), path("database-down/", database_down)]
