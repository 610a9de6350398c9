"""Throttles keyed on `identity.client_ip`, failing open when the cache is down."""

import logging
import math

from rest_framework import throttling

from ..identity import client_ip

logger = logging.getLogger("agreements.availability")


class CountingThrottle(throttling.SimpleRateThrottle):
    """At most `num_requests` per client in each window of the rate's duration
    (a fixed window: a client may send up to twice the rate across the turn of
    a window). One counter per client and window, incremented in the shared
    cache (an atomic INCR in Redis, so every server sees the same count), one
    small value whatever the rate.

    DRF's own throttles keep the time of every request in a list that each
    request reads and writes back whole: two servers can overwrite each other's
    list, and at a rate of thousands a minute the list costs more than a
    cached response. An outage of the cache lets requests through (with a log
    line) instead of failing them: the site stays readable, and /healthz
    reports the outage."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None  # signed-in analysts are not throttled
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def allow_request(self, request, view):
        if self.rate is None or (key := self.get_cache_key(request, view)) is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.ends_in = (window + 1) * self.duration - now
        key = f"{key}:{window}"
        try:
            try:
                count = self.cache.incr(key)
            except ValueError:  # the client's first request in this window
                added = self.cache.add(key, 1, self.duration + 1)
                count = 1 if added else self.cache.incr(key)  # unless a server's was
            return count <= self.num_requests
        except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
            logger.warning(
                "Throttle cache unavailable (%s); request let through.",
                exc.__class__.__name__,
            )
            return True

    def wait(self):
        return max(1, math.ceil(self.ends_in))


class AnonRateThrottle(CountingThrottle):
    """Anonymous reads: API_ANON_RATE per client address."""


class ExportRateThrottle(CountingThrottle):
    """Whole-set exports (HTML site and API): EXPORT_RATE per client address."""

    scope = "export"
