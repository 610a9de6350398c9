"""Streamed downloads never end as a silently cut file: with the database down
they are a 503 before the first byte, and a database lost part way ends the
body with a line saying the download is incomplete."""

import contextlib

import psycopg
import pytest
from django.db import connections
from django.db.utils import load_backend

from .blackhole import closed_port
from .factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)
DOWNLOADS = [
    "/data/agreement-tracker.json",
    "/data/agreement-tracker.zip",
    "/en/documents/export.csv",
    "/en/documents/export.json",
    "/api/v1/documents/export/?format=csv",
]


@contextlib.contextmanager
def database_down():
    """The default alias on a database that cannot be reached: PostgreSQL on a
    port where nothing listens, or an SQLite file that cannot be opened."""
    params = dict(connections["default"].settings_dict)
    if connections["default"].vendor == "postgresql":
        params["PORT"] = str(closed_port())
    else:
        params["NAME"] = "/nonexistent/directory/db.sqlite3"
    up = connections["default"]
    connections["default"] = load_backend(params["ENGINE"]).DatabaseWrapper(
        params, "default"
    )
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = up


@pytest.mark.parametrize("path", DOWNLOADS)
def test_a_download_with_the_database_down_is_a_503_not_a_cut_200(client, path):
    DocumentFactory(slug="exported")
    with database_down():
        response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"]


def test_a_database_lost_mid_download_ends_it_with_an_incomplete_marker(client):
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend: PostgreSQL")
    DocumentFactory(slug="exported")
    response = client.get("/data/agreement-tracker.json")
    assert response.status_code == 200
    chunks = iter(response.streaming_content)
    received = [next(chunks), next(chunks)]  # the head, the first table's start
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(
            "SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid]
        )
    with pytest.raises(Exception):  # noqa: B017 - the database's, raised again
        for chunk in chunks:
            received.append(chunk)
    connection.close()
    body = b"".join(received).decode()
    assert body.rstrip().endswith("###")
    assert "DOWNLOAD INCOMPLETE" in body.splitlines()[-1]
