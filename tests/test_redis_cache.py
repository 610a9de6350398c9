"""A Redis that accepts connections but never answers (a hung server, a full
network buffer) costs a page one short timeout, not 5 s per cache call: the
cache fails open, as for a closed port."""

import time

import pytest

from .blackhole import closed_port, silent_server
from .factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_at(settings):
    def use(port):
        settings.CACHES = {
            "default": {
                "BACKEND": "tracker.redis_cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/10",
            }
        }

    return use


def timed(client, path):
    start = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - start


def extra_seconds(client, redis_at, path):
    """How much longer the page at `path` takes against a Redis that never
    answers than against a closed port (fail fast) just before; the silent
    server must have been asked once (one connection: one short timeout, then
    the cache is skipped)."""
    redis_at(closed_port())
    refused = timed(client, path)[1]
    accepted = []
    with silent_server(accepted) as port:
        redis_at(port)
        response, seconds = timed(client, path)
    assert response.status_code == 200, path
    assert len(accepted) == 1, path
    return seconds - refused


def test_a_redis_that_never_answers_costs_a_page_under_a_second(client, redis_at):
    """On the same machine, within three tries, each with a silent server of
    its own: a loaded machine slows a page now and then, a timeout per cache
    call (or redis-py's 5 s) slows every try."""
    DocumentFactory(slug="served")
    paths = ("/en/documents/", "/en/documents/served/", "/api/v1/documents/")
    for path in paths:  # warm: templates compiled, the first query planned
        assert client.get(path).status_code == 200
    for path in paths:
        tries = [extra_seconds(client, redis_at, path)]
        while tries[-1] >= 1 and len(tries) < 3:
            tries.append(extra_seconds(client, redis_at, path))
        assert tries[-1] < 1, (path, tries)


def test_healthz_says_the_cache_is_down_within_a_second(client, redis_at):
    client.get("/healthz")
    with silent_server() as port:
        redis_at(port)
        response, seconds = timed(client, "/healthz")
    assert response.status_code == 503 and seconds < 1
    assert response.json()["cache"].startswith("error")
