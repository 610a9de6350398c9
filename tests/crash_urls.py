"""A URLconf with a view that fails, to see how a 500 is logged and shown."""

from django.urls import path


def crash(request):
    raise RuntimeError("deliberate failure for the test")


urlpatterns = [path("crash/", crash)]
