"""The one origin (scheme and host) absolute URLs are built on: `SITE_URL` when
set, else the request's own. A response that embeds it depends on it, so the
response cache keys on it (`response_cache`)."""

from django.conf import settings


def site_origin(request):
    """ "https://tracker.example.org": SITE_URL, or the scheme and host asked for."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    return f"{request.scheme}://{request.get_host()}"


class CanonicalOriginMiddleware:
    """Every absolute URL of the response on one origin: Django builds them all
    (`build_absolute_uri`: DRF's links and `url` fields, canonical, og:url,
    feeds) from the request's `_current_scheme_host`, pinned here to SITE_URL,
    so no `Host` a client sends can change the links other readers get."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            request._current_scheme_host = site_origin(request)
        return self.get_response(request)
