"""Sync clients see every change: a document's ETag and updated_at move when a
record it shows changes, and deletions leave tombstones."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agreements.models import DeletedDocument, Document

from .conftest import ASTANA, api_as
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db
SLUG = "astana-2023-sport-action-plan"
ENERGY_DOC = "astana-2023-tpp-memorandum"


@pytest.fixture
def api(analyst):
    return api_as(analyst)


def state(api, slug):
    response = api.get(f"/api/v1/documents/{slug}/")
    return response["ETag"], response.json()["updated_at"]


def edit_by_api(api, collection, slug, data):
    url = f"/api/v1/{collection}/{slug}/"
    response = api.patch(url, data, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
    assert response.status_code == 200, response.content


def citing_source(slug):
    return Document.objects.get(slug=slug).citations.first().source.slug


@pytest.mark.parametrize(
    "collection, field",
    [
        ("occasions", "name_en"),
        ("sources", "title"),
        ("parties", "name_en"),
        ("sectors", "name_en"),
    ],
)
def test_renaming_a_record_through_the_api_changes_its_documents_validators(
    api, seeded, collection, field
):
    doc = Document.objects.get(slug=ENERGY_DOC)
    record = {
        "occasions": ASTANA,
        "sources": citing_source(ENERGY_DOC),
        "parties": doc.participations.first().party.slug,
        "sectors": doc.sectors.first().slug,
    }[collection]
    etag, updated = state(api, ENERGY_DOC)
    since = timezone.now().isoformat()
    edit_by_api(api, collection, record, {field: "Renamed"})
    new_etag, new_updated = state(api, ENERGY_DOC)
    assert new_etag != etag and new_updated > updated
    assert (
        api.get(f"/api/v1/documents/{ENERGY_DOC}/", HTTP_IF_NONE_MATCH=etag).status_code
        == 200
    )
    synced = api.get("/api/v1/documents/", {"updated_since": since}).json()["results"]
    assert ENERGY_DOC in [row["slug"] for row in synced]


@pytest.mark.parametrize("model", ["occasion", "source"])
def test_renaming_a_record_in_the_admin_changes_its_documents_validators(
    api, analyst_client, seeded, model
):
    doc = Document.objects.get(slug=ENERGY_DOC)
    record = doc.occasion if model == "occasion" else doc.citations.first().source
    etag, updated = state(api, ENERGY_DOC)
    url = reverse(f"admin:agreements_{model}_change", args=[record.pk])
    data = change_form_data(analyst_client, url)
    data["name_en" if model == "occasion" else "title"] = "Renamed in the admin"
    assert analyst_client.post(url, data).status_code == 302
    new_etag, new_updated = state(api, ENERGY_DOC)
    assert new_etag != etag and new_updated > updated


@pytest.mark.parametrize("path", ["api", "admin"])
def test_deleting_a_sector_changes_its_documents_validators(
    api, analyst_client, seeded, path
):
    doc = Document.objects.get(slug=ENERGY_DOC)
    sector = doc.sectors.first()
    etag, updated = state(api, ENERGY_DOC)
    if path == "api":
        url = f"/api/v1/sectors/{sector.slug}/"
        assert api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 204
    else:
        url = reverse("admin:agreements_sector_delete", args=[sector.pk])
        assert analyst_client.post(url, {"post": "yes"}).status_code == 302
    new_etag, new_updated = state(api, ENERGY_DOC)
    assert new_etag != etag and new_updated > updated
    assert (
        sector.slug not in api.get(f"/api/v1/documents/{ENERGY_DOC}/").json()["sectors"]
    )


def deleted_since(api, since):
    response = api.get("/api/v1/documents/deleted/", {"since": since.isoformat()})
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.mark.parametrize("path", ["api", "admin", "admin-bulk"])
def test_a_deleted_document_leaves_a_tombstone_for_sync_clients(
    api, analyst_client, seeded, path
):
    before = timezone.now() - datetime.timedelta(seconds=1)
    doc = Document.objects.get(slug=SLUG)
    if path == "api":
        url = f"/api/v1/documents/{SLUG}/"
        assert api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 204
    elif path == "admin":
        url = reverse("admin:agreements_document_delete", args=[doc.pk])
        assert analyst_client.post(url, {"post": "yes"}).status_code == 302
    else:
        analyst_client.post(
            reverse("admin:agreements_document_changelist"),
            {"action": "delete_selected", "_selected_action": [doc.pk], "post": "yes"},
        )
    assert not Document.objects.filter(slug=SLUG).exists()
    assert deleted_since(api, before) == [SLUG]
    assert deleted_since(api, timezone.now() + datetime.timedelta(seconds=1)) == []
    assert DeletedDocument.objects.get().deleted_at >= before


def test_tombstones_are_listed_anonymously_with_a_clear_400_for_a_bad_since(seeded):
    anonymous = APIClient()
    assert anonymous.get("/api/v1/documents/deleted/").json()["count"] == 0
    bad = anonymous.get("/api/v1/documents/deleted/", {"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json()["errors"]


def test_the_tombstone_endpoint_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/documents/deleted/"]["get"]
    assert "since" in [p["name"] for p in operation["parameters"]]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_tombstone_list_is_read_only_with_a_405(api, method):
    assert getattr(api, method)("/api/v1/documents/deleted/").status_code == 405
