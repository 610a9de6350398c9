"""The API answers the way its documentation says, on every endpoint: one name
for a document's parties, 304s for If-Modified-Since, a 400 for a parameter it
does not know, ISO 8601 dates only, and keyset paging of the deletions."""

import datetime

import pytest
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.test import APIClient

from agreements.models import DeletedDocument

from .conftest import api_as

pytestmark = pytest.mark.django_db
SLUG = "astana-2023-tpp-memorandum"
LISTS = ["documents", "parties", "sectors", "occasions", "sources", "documents/deleted"]


def test_list_rows_and_the_detail_name_the_parties_the_same_way(client, seeded):
    row = next(
        r
        for r in client.get("/api/v1/documents/", {"page_size": 100}).json()["results"]
        if r["slug"] == SLUG
    )
    detail = client.get(f"/api/v1/documents/{SLUG}/").json()
    assert row["parties"]
    # Each party of the row is in the detail under the same name and keys,
    # the detail adding who signed.
    shown = [{k: p[k] for k in row["parties"][0]} for p in detail["parties"]]
    assert shown == row["parties"]
    assert {"signatory_ru", "signatory_en"} <= detail["parties"][0].keys()
    # The old name stays for this version, the same parties.
    old = [(p["party"]["slug"], p["role"]) for p in detail["participations"]]
    assert old == [(p["slug"], p["role"]) for p in detail["parties"]]


def test_the_schema_marks_participations_as_a_deprecated_alias(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    properties = schema["components"]["schemas"]["Document"]["properties"]
    assert properties["participations"]["deprecated"] is True
    assert "alias of `parties`" in properties["participations"]["description"]
    assert "deprecated" not in properties["parties"]


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/documents/", f"/api/v1/documents/{SLUG}/"])
def test_if_modified_since_answers_304_until_the_data_changes(
    client, seeded, analyst, signed_in, path
):
    api = api_as(analyst) if signed_in else APIClient()
    first = api.get(path)
    modified = first["Last-Modified"]
    unchanged = api.get(path, HTTP_IF_MODIFIED_SINCE=modified)
    assert unchanged.status_code == 304
    assert unchanged["Last-Modified"] == modified
    an_hour_before = http_date(
        datetime.datetime.strptime(modified, "%a, %d %b %Y %H:%M:%S GMT")
        .replace(tzinfo=datetime.UTC)
        .timestamp()
        - 3600
    )
    assert api.get(path, HTTP_IF_MODIFIED_SINCE=an_hour_before).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110): a stale ETag is a 200.
    both = api.get(path, HTTP_IF_MODIFIED_SINCE=modified, HTTP_IF_NONE_MATCH='"x"')
    assert both.status_code == 200
    assert api.get(path, HTTP_IF_MODIFIED_SINCE="not a date").status_code == 200


@pytest.mark.parametrize("collection", LISTS)
def test_an_unknown_query_parameter_is_a_400_naming_it(client, seeded, collection):
    response = client.get(f"/api/v1/{collection}/", {"sectr": "energy"})
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["sectr"]
    assert "Unknown parameter" in body["errors"]["sectr"][0]


@pytest.mark.parametrize(
    "path, query",
    [
        ("documents/", "format=json&page=1&page_size=5&ordering=-title&sector=energy"),
        ("documents/", "after=&expand=details&as_of=2024-01-01"),
        ("documents/", "q=energy&expand=details"),
        ("documents/", "updated_since=2020-01-01T00:00:00Z&in_force_on=2024-01-01"),
        (f"documents/{SLUG}/", "format=json&as_of=2024-01-01"),
        ("documents/export/", "format=json&sector=energy"),
        ("parties/", "kind=state&country=RU&q=russia&page=1"),
        ("occasions/", "kind=official_visit"),
        ("sources/", "language=ru&page_size=2"),
        ("documents/deleted/", "since=2020-01-01T00:00:00Z&after=&page_size=1"),
    ],
)
def test_documented_parameters_still_work(client, seeded, path, query):
    response = client.get(f"/api/v1/{path}?{query}")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("collection", ["documents", "documents/deleted"])
def test_updated_since_refuses_an_http_date_saying_the_format(client, collection):
    name = "updated_since" if collection == "documents" else "since"
    response = client.get(
        f"/api/v1/{collection}/", {name: "Mon, 07 Dec 2026 10:00:00 GMT"}
    )
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["errors"][name][0]


def test_the_deletions_list_pages_by_cursor_like_the_documents(client):
    moment = timezone.now()
    for number in range(5):  # two deleted in the same instant: ties by id
        DeletedDocument.objects.create(
            slug=f"gone-{number}",
            deleted_at=moment + datetime.timedelta(seconds=number // 2),
        )
    seen, url = [], "/api/v1/documents/deleted/?after=&page_size=2"
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
        # A deletion recorded meanwhile comes last, not in the middle.
        if len(seen) == 2:
            DeletedDocument.objects.create(
                slug="gone-later", deleted_at=moment + datetime.timedelta(hours=1)
            )
    assert seen == [*(f"gone-{n}" for n in range(5)), "gone-later"]
    bad = client.get("/api/v1/documents/deleted/", {"after": "bm90LWpzb24"})
    assert bad.status_code == 400 and "after" in bad.json()["errors"]
