"""Throttles keyed on `identity.client_ip`, failing open when the cache is down."""

import logging

from rest_framework import throttling

from ..identity import client_ip

logger = logging.getLogger("agreements.availability")


class FailOpenThrottle:
    """A cache outage lets requests through (with a log line) instead of failing
    them: the site stays readable, and /healthz reports the outage."""

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
            logger.warning(
                "Throttle cache unavailable (%s); request let through.",
                exc.__class__.__name__,
            )
            return True


class AnonRateThrottle(FailOpenThrottle, throttling.AnonRateThrottle):
    """Anonymous reads: API_ANON_RATE per client address."""


class ExportRateThrottle(FailOpenThrottle, throttling.AnonRateThrottle):
    """Whole-set exports (HTML site and API): EXPORT_RATE per client address."""

    scope = "export"
