"""Anonymous reads go to the replica; writes, and reads by anyone who may have
written, go to the primary. Two real database aliases (the replica is a test
mirror of the primary)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

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
