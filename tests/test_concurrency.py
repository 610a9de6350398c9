"""Two analysts edit the same document: the second save never silently wins."""

import pytest
from django.urls import reverse

from agreements.models import Document, StaleVersion

from .conftest import api_as
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db
SLUG = "astana-2023-sport-action-plan"


def test_a_stale_copy_cannot_be_saved():
    from .factories import DocumentFactory

    doc = DocumentFactory()
    first, second = Document.objects.get(pk=doc.pk), Document.objects.get(pk=doc.pk)
    first.title_en = "First"
    first.save()
    second.title_en = "Second"
    with pytest.raises(StaleVersion):
        second.save()
    assert Document.objects.get(pk=doc.pk).title_en == "First"


def test_second_admin_save_is_refused_with_a_merge_message(
    analyst_client, second_analyst_client, seeded
):
    doc = Document.objects.get(slug=SLUG)
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    mine = change_form_data(analyst_client, url)
    theirs = change_form_data(second_analyst_client, url)

    theirs["title_en"] = "Their title"
    assert second_analyst_client.post(url, theirs).status_code == 302

    mine["summary_en"] = "My summary"
    response = analyst_client.post(url, mine, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "analyst2 saved this record" in page and "title_en" in page
    assert "My summary" in page  # the analyst's input is kept
    doc.refresh_from_db()
    assert doc.title_en == "Their title" and doc.summary_en != "My summary"

    # Saving the reviewed form again is a conscious merge and goes through.
    form = response.context["adminform"].form
    mine["seen_version"] = form.data["seen_version"]
    mine["title_en"] = "Their title"
    assert analyst_client.post(url, mine).status_code == 302
    doc.refresh_from_db()
    assert (doc.title_en, doc.summary_en) == ("Their title", "My summary")


@pytest.fixture
def api(analyst):
    return api_as(analyst)


def test_api_update_needs_if_match_and_refuses_a_stale_etag(api, seeded):
    url = f"/api/v1/documents/{SLUG}/"
    etag = api.get(url)["ETag"]
    assert (
        api.patch(url, {"title_en": "No precondition"}, format="json").status_code
        == 428
    )
    first = api.patch(url, {"title_en": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    second = api.patch(url, {"title_en": "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert "changed since you read it" in second.json()["detail"]
    assert Document.objects.get(slug=SLUG).title_en == "First"
    again = api.patch(
        url, {"title_en": "Second"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    assert again.status_code == 200


def test_api_delete_with_a_stale_etag_is_refused(api, seeded):
    url = f"/api/v1/documents/{SLUG}/"
    etag = api.get(url)["ETag"]
    api.patch(url, {"title_en": "Changed"}, format="json", HTTP_IF_MATCH=etag)
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert Document.objects.filter(slug=SLUG).exists()
