"""Whole responses to anonymous reads of public pages and the API, cached
under the data version (`data_version`) and validated by an ETag."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework.settings import api_settings

from .caching import keep
from .data_version import VERSION_KEY, data_version, safely, version_time
from .origin import site_origin


def client_is_current(request, etag, last_modified):
    """Whether the client's copy is current (a 304): by its ETag when it sends
    If-None-Match, else by If-Modified-Since against `last_modified` (an HTTP
    date, so to the second), as RFC 9110 orders the two."""
    if "If-None-Match" in request.headers:
        return etag in request.headers["If-None-Match"]
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    modified = parse_http_date_safe(last_modified or "")
    return since is not None and modified is not None and modified <= since


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
        found = safely(lambda: cache.get_many([VERSION_KEY, key]))
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
        # The origin too: the response's absolute URLs are built on it.
        parts = [
            site_origin(request),
            request.get_full_path(),
            request.headers.get("Accept", "")[:200],
        ]
        if not path.startswith(
            ("/ru/", "/kk/", "/en/", "/api/")
        ):  # language negotiated
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
        """Headers for browsers and a CDN; a 304 when the client's copy is current.
        A response that sets a cookie is this client's alone: never shared."""
        if response.cookies:
            response["Cache-Control"] = "private, no-store"
            return response
        if response.status_code != 200 or "ETag" not in response:
            return response
        seconds = settings.CDN_CACHE_SECONDS
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={seconds}" if seconds else "public, no-cache"
        )
        response.setdefault(
            "Last-Modified", http_date(version_time(version).timestamp())
        )
        if client_is_current(request, response["ETag"], response["Last-Modified"]):
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                if header in response:
                    not_modified[header] = response[header]
            return not_modified
        return response
