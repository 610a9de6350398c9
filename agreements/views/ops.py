"""Operational endpoints outside the language prefixes: the load balancers'
health check and the favicon browsers ask for at the root."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static

from tracker.replica import OK, replica_state


def healthz(request):
    """For load balancers: 200 when the database and the cache answer, else 503.
    The read replica's state is reported (probed now) but does not fail the
    check: while it is unreachable or lagging, reads go to the primary."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = (
            "ok" if cache.get("healthz") == "ok" else "error: no round trip"
        )
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    status = "ok" if healthy else "error"
    if settings.READ_FROM_REPLICA:
        checks["replica"] = replica_state(fresh=True)
        if healthy and checks["replica"] != OK:
            status = "degraded"  # serving, from the primary alone
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


def favicon(request):
    return HttpResponsePermanentRedirect(static("favicon.svg"))
