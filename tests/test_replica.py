"""Anonymous reads go to the replica; writes, and reads by anyone who may have
written, go to the primary. Two real database aliases (the replica is a test
mirror of the primary). A replica that never answers, or refuses connections,
costs one short probe: reads then go to the primary, and /healthz says so."""

import contextlib
import time

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from tracker import replica

from .blackhole import closed_port, silent_server
from .conftest import MODEL_BACKEND
from .factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
API = "/api/v1/documents/"


@pytest.fixture(autouse=True)
def with_replica(settings):
    settings.READ_FROM_REPLICA = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    replica.forget()
    yield
    replica.forget()


@contextlib.contextmanager
def replica_at(port):
    """The replica alias as a PostgreSQL server at 127.0.0.1:port."""
    params = {
        **connections["default"].settings_dict,
        "ENGINE": "agreements.db.postgresql",
        "NAME": "h23_replica",
        "USER": "root",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "OPTIONS": {"connect_timeout": 2},  # as settings.py sets for a replica
        "CONN_MAX_AGE": 0,
    }
    mirror = connections["replica"]
    connections["replica"] = load_backend(params["ENGINE"]).DatabaseWrapper(
        params, "replica"
    )
    replica.forget()
    try:
        yield
    finally:
        connections["replica"].close()
        connections["replica"] = mirror


def queries_on(client_call):
    with CaptureQueriesContext(connections["default"]) as primary:
        with CaptureQueriesContext(connections["replica"]) as replica:
            response = client_call()
    return response, len(primary.captured_queries), len(replica.captured_queries)


def test_anonymous_reads_use_the_replica_only(client):
    DocumentFactory(slug="on-both")
    response, primary, replica = queries_on(lambda: client.get(f"{API}on-both/"))
    assert response.status_code == 200
    assert replica > 0 and primary == 0


def test_signed_in_reads_and_writes_use_the_primary(client, analyst):
    DocumentFactory(slug="edited")
    client.force_login(analyst, backend=MODEL_BACKEND)
    response, primary, replica = queries_on(lambda: client.get(f"{API}edited/"))
    assert response.status_code == 200
    assert primary > 0 and replica == 0
    etag = response["ETag"]
    response, primary, replica = queries_on(
        lambda: client.patch(
            f"{API}edited/",
            {"title_en": "Changed"},
            content_type="application/json",
            HTTP_IF_MATCH=etag,
        )
    )
    assert response.status_code == 200, response.content
    assert primary > 0 and replica == 0


@pytest.fixture(params=["silent", "closed"])
def dead_replica(request):
    with silent_server() as port:
        with replica_at(port if request.param == "silent" else closed_port()):
            yield


def test_reads_go_to_the_primary_when_the_replica_is_dead(client, dead_replica):
    DocumentFactory(slug="still-served")
    for path in (f"{API}still-served/", "/en/documents/", API):
        start = time.monotonic()
        response = client.get(path)
        assert response.status_code == 200, path
        # A cold first page on a loaded machine, plus at most one probe (0.5 s);
        # not libpq's connect_timeout (2 s) for each query.
        assert time.monotonic() - start < 3, path


def test_a_dead_replica_costs_one_probe_not_one_per_request(client, dead_replica):
    DocumentFactory(slug="probed")
    client.get(f"{API}probed/")  # the probe
    start = time.monotonic()
    for _ in range(5):
        assert client.get(f"{API}probed/").status_code == 200
    assert time.monotonic() - start < 2


@pytest.fixture
def local_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }


def test_healthz_reports_a_dead_replica(client, local_cache, dead_replica):
    response = client.get("/healthz")
    assert response.status_code == 200  # serving, from the primary
    assert response.json()["replica"] == "unreachable"
    assert response.json()["status"] == "degraded"


def test_healthz_reports_a_live_replica(client, local_cache):
    assert client.get("/healthz").json()["replica"] == "ok"
