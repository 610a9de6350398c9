"""Cached reads that never go stale: every cached value is keyed by a data
version that any write changes (after its transaction commits), so an
analyst's save is visible on the next request, on every web server.

The version lives in the shared cache (Redis in production). When the cache is
unreachable, reads are computed as if nothing were cached (fail open) and the
failure is logged.
"""

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.functional import cached_property
from django.utils.http import http_date, quote_etag
from rest_framework.settings import api_settings

logger = logging.getLogger("agreements.cache")
VERSION_KEY = "agreements:data-version"


def _safely(operation, default=None):
    try:
        return operation()
    except Exception as exc:  # noqa: BLE001 - any cache failure: carry on uncached
        logger.warning("Cache unavailable (%s); serving uncached.", exc)
        return default


def data_version():
    """The current data version (hex nanoseconds of the last write), or None if
    the cache is unreachable. A lost version is replaced by a new one, never an
    old one, so entries cached under an earlier version are never served."""

    def read():
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, f"{time.time_ns():x}", None)
            version = cache.get(VERSION_KEY)
        return version

    return _safely(read)


def version_time(version):
    return datetime.datetime.fromtimestamp(int(version, 16) / 1e9, datetime.UTC)


def bump_data_version():
    _safely(lambda: cache.set(VERSION_KEY, f"{time.time_ns():x}", None))


def announce_change(*args, sender=None, **kwargs):
    """A record of ours changed: bump the data version now (this request reads
    its own write) and again when the transaction commits (a read cached in
    between by another request is not served after it, once per transaction)."""
    if sender is not None and sender._meta.app_label != "agreements":
        return
    if kwargs.get("raw"):
        return  # a fixture row: loaddata announces the whole load once
    bump_data_version()
    pending = transaction.get_connection().run_on_commit
    if not any(func is bump_data_version for _ids, func, _robust in pending):
        transaction.on_commit(bump_data_version)


def keep(key, value):
    """Cache `value` for READ_CACHE_SECONDS (0: nothing is cached; not even a
    round trip to delete it, which is what a timeout of 0 asks Redis)."""
    if settings.READ_CACHE_SECONDS:
        _safely(lambda: cache.set(key, value, settings.READ_CACHE_SECONDS))


def remember(source, compute):
    """`compute()`, cached under the data version and `source` (e.g. the SQL)."""
    version = data_version()
    if version is None:
        return compute()
    key = "read:" + hashlib.sha256(f"{version}|{source}".encode()).hexdigest()
    value = _safely(lambda: cache.get(key))
    if value is None:
        value = compute()
        keep(key, value)
    return value


def cached_count(queryset):
    """COUNT(*) of a filtered set, computed once per data version."""
    if queryset.query.is_empty():  # .none(): no SQL to key by, nothing to count
        return 0
    return remember(f"count|{queryset.query}", queryset.count)


def api_throttled(request):
    """A cached API answer still counts against the anonymous rate: the API's own
    throttles, asked before serving it (None if allowed, else the 429)."""
    request.user = AnonymousUser()
    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            wait = throttle.wait()
            response = JsonResponse(
                {"detail": "Request was throttled. Retry later."}, status=429
            )
            if wait:
                response["Retry-After"] = str(int(wait) + 1)
            return response
    return None


class AnonymousReadCacheMiddleware:
    """Whole responses to anonymous GETs of public pages and the API, cached by
    data version, URL, language and Accept header; validated by an ETag."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parts = self._key_parts(request)
        if parts is None:
            return self.get_response(request)
        # One entry per URL (and language, Accept), holding the version it was
        # made under: the version and the page come in one round trip.
        key = "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
        found = _safely(lambda: cache.get_many([VERSION_KEY, key]))
        if found is None:  # the cache is down (logged): served uncached
            return self.get_response(request)
        version = found.get(VERSION_KEY) or data_version()  # lost: a new one
        if version is None:
            return self.get_response(request)
        stored = found.get(key)
        if stored and stored[0] == version:
            if request.path.startswith("/api/") and (refused := api_throttled(request)):
                return refused
            _version, status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
        else:
            response = self.get_response(request)
            if self._cacheable(response):
                etag = hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32]
                response.setdefault("ETag", quote_etag(etag))
                stored = (
                    version,
                    response.status_code,
                    dict(response.items()),
                    response.content,
                )
                keep(key, stored)
        return self._validated(request, response, version)

    @staticmethod
    def _key_parts(request):
        """What the response depends on, or None if it is not to be cached: not
        a read, not public, or a client that may be signed in (a session cookie
        or credentials). It runs before the session and locale middleware, so
        that a cached page costs one cache read (two for the API: its throttle)."""
        path = request.path
        if (
            request.method not in ("GET", "HEAD")
            or path.startswith(settings.NOT_CACHED_PATHS)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
        ):
            return None
        parts = [request.get_full_path(), request.headers.get("Accept", "")[:200]]
        if not path.startswith(("/ru/", "/en/", "/api/")):  # language negotiated
            parts.append(request.headers.get("Accept-Language", "")[:200])
            parts.append(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))
        return parts

    @staticmethod
    def _cacheable(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _validated(request, response, version):
        """Headers for browsers and a CDN; a 304 when the client's copy is current."""
        if response.status_code != 200 or "ETag" not in response:
            return response
        seconds = settings.CDN_CACHE_SECONDS
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={seconds}" if seconds else "public, no-cache"
        )
        response.setdefault(
            "Last-Modified", http_date(version_time(version).timestamp())
        )
        if response["ETag"] in request.headers.get("If-None-Match", ""):
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                if header in response:
                    not_modified[header] = response[header]
            return not_modified
        return response


def estimated_rows(queryset):
    """PostgreSQL's planner estimate of how many rows `queryset` has (no scan);
    of its keys only, unordered: as many rows, less SQL to write and plan."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])


class CachedCountPaginator(Paginator):
    """A paginator whose total is counted once per filter set and data version;
    on PostgreSQL, a set the planner puts above COUNT_ESTIMATE_ABOVE rows gets
    that estimate instead (`estimated` is then True): no page scans a large set."""

    estimated = False

    @cached_property
    def count(self):
        rows, above = self.object_list, settings.COUNT_ESTIMATE_ABOVE
        if (
            above
            and connections[rows.db].vendor == "postgresql"
            and not rows.query.is_empty()
        ):
            guess = estimated_rows(rows)
            if guess > above:
                self.estimated = True
                return guess
        return cached_count(rows)
