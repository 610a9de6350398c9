"""Cached anonymous reads are never stale: any write changes the data version
that keys them. Query counts of list pages do not grow with the data."""

import os

import pytest
import redis
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from .conftest import count_queries
from .factories import DocumentFactory, ParticipationFactory, documents_with_relations
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db
API = "/api/v1/documents/"


@pytest.fixture
def redis_cache(settings):
    """The production cache, so that SQL counts are the database's own; under a
    key prefix of this process's, so that a suite run beside this one (the
    other database's) neither clears nor bumps what this one cached. Returns
    the function that clears this process's keys."""
    location, prefix = "redis://127.0.0.1:6379/12", f"test-{os.getpid()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "tracker.redis_cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }

    def clear():
        server = redis.Redis.from_url(location)
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)

    clear()
    return clear


def test_an_admin_save_shows_on_the_next_anonymous_read(client, analyst_client):
    doc = DocumentFactory(slug="cached", title_en="Old title")
    url = f"/en/documents/{doc.slug}/"
    assert "Old title" in client.get(url).content.decode()
    assert "Old title" in client.get(url).content.decode()  # now from the cache
    change = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, change)
    data["title_en"] = "New title"
    assert analyst_client.post(change, data).status_code == 302
    assert "New title" in client.get(url).content.decode()
    assert "New title" in client.get("/en/documents/").content.decode()


def test_an_api_write_shows_on_the_next_anonymous_read(analyst):
    DocumentFactory(slug="via-api", title_en="Before")
    reader, writer = APIClient(), APIClient()
    writer.force_authenticate(analyst)
    first = reader.get(API)
    assert first.json()["results"][0]["title_en"] == "Before"
    etag = writer.get(f"{API}via-api/")["ETag"]
    assert (
        writer.patch(
            f"{API}via-api/", {"title_en": "After"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    again = reader.get(API, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.json()["results"][0]["title_en"] == "After"


def test_the_etag_changes_when_a_related_record_changes(analyst_client):
    participation = ParticipationFactory()
    url = f"{API}{participation.document.slug}/"
    reader = APIClient()
    etag = reader.get(url)["ETag"]
    assert reader.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    party = participation.party
    change = reverse("admin:agreements_party_change", args=[party.pk])
    data = change_form_data(analyst_client, change)
    data["name_en"] = "Renamed party"
    assert analyst_client.post(change, data).status_code == 302
    fresh = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert "Renamed party" in fresh.content.decode()


def test_cached_reads_carry_validators_for_a_cdn(client):
    DocumentFactory()
    response = client.get("/en/documents/")
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"] and response["Last-Modified"]
    assert (
        client.get("/en/documents/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == 304
    )


def test_keyset_paging_has_no_repeats_or_gaps_while_documents_are_added():
    import datetime

    originals = {
        DocumentFactory(signed_on=datetime.date(2020, 1, 1 + i % 20)).slug
        for i in range(40)
    }
    originals.add(DocumentFactory(signed_on=None).slug)
    reader, seen, url = APIClient(), [], f"{API}?after=&page_size=7"
    added = 0
    while url:
        body = reader.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        # Others add documents meanwhile, before and after the reader's position.
        DocumentFactory(signed_on=datetime.date(2030, 1, 1))
        DocumentFactory(signed_on=datetime.date(1990, 1, 1 + added))
        added += 1
        url = body["next"]
    assert len(seen) == len(set(seen))
    assert originals <= set(seen)
    assert reader.get(f"{API}?after=garbage").status_code == 400
    assert reader.get(f"{API}?after=&ordering=title").status_code == 400


@pytest.mark.parametrize(
    "url, most",
    [
        (f"{API}?page_size=20", 8),
        (f"{API}?page_size=20&kind=agreement&ordering=-signed_on", 8),
        (f"{API}?after=&page_size=20", 8),
        ("/en/documents/", 8),  # its facets from the stored counts
        # Facets of a filtered set are counted (one query each), then cached.
        ("/en/documents/?kind=agreement", None),
    ],
)
def test_list_queries_do_not_grow_with_rows(redis_cache, settings, url, most):
    settings.COUNT_ESTIMATE_ABOVE = 1  # PostgreSQL: its estimate, as at 100,000
    documents_with_relations(3)
    redis_cache()
    small = count_queries(APIClient(), url)
    documents_with_relations(27)  # 30: more than a page of each list
    redis_cache()
    large = count_queries(APIClient(), url)
    assert small == large
    assert most is None or large <= most
    redis_cache()
    client = APIClient()
    client.get(url)
    assert count_queries(client, url) == 0  # the whole response comes from the cache


def test_a_large_set_shows_the_planners_estimate_as_its_total(client, seeded, settings):
    settings.COUNT_ESTIMATE_ABOVE = 3  # the 12 fixture documents are "large"
    api = client.get("/api/v1/documents/").json()
    page = client.get("/en/documents/")
    if connection.vendor == "postgresql":
        assert api["count_estimated"] is True and api["count"] > 3
        assert page.context["page_obj"].paginator.estimated
        assert "about " in page.content.decode()
    else:  # SQLite has no planner estimate: always counted
        assert "count_estimated" not in api and api["count"] == 12
    settings.COUNT_ESTIMATE_ABOVE = 0  # off: counted, on either backend
    counted = client.get("/api/v1/documents/?page_size=5").json()
    assert counted["count"] == 12 and "count_estimated" not in counted


def test_a_cached_page_is_one_redis_round_trip_and_an_api_answer_two(
    redis_cache, monkeypatch
):
    """The data version and the page come in one read; the API's throttle adds
    one increment (EXISTS and INCRBY in one script, not two calls)."""
    DocumentFactory(slug="one-trip")
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        sent.append(command)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(
        redis.connection.AbstractConnection, "send_packed_command", counted
    )
    client = APIClient()
    for url, round_trips in [("/en/documents/one-trip/", 1), (f"{API}one-trip/", 2)]:
        client.get(url)
        sent.clear()
        assert client.get(url).status_code == 200
        assert len(sent) == round_trips, sent


def test_the_redis_cache_increments_only_what_exists(redis_cache):
    from django.core.cache import cache

    with pytest.raises(ValueError):
        cache.incr("never-set")
    assert cache.get("never-set") is None  # not created by the failed increment
    cache.set("counter", 1)
    assert [cache.incr("counter"), cache.incr("counter", 5)] == [2, 7]
    assert cache.get("counter") == 7
