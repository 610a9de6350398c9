"""Each integrity rule is refused with a readable message on the admin and API paths
(the import path is covered in test_importing, the database in test_models)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agreements.models import Document, DocumentRelation, Participation

from .test_admin import change_form_data

pytestmark = pytest.mark.django_db
SLUG = "astana-2023-tpp-memorandum"

DOCUMENT_RULES = [
    ({"value_amount": "-1", "value_currency": "USD"}, "value_amount"),
    ({"value_amount": "10", "value_currency": ""}, "value_currency"),
    ({"value_amount": "10", "value_currency": "XYZ"}, "value_currency"),
    ({"valid_until": "2020-01-01"}, "valid_until"),
]


@pytest.mark.parametrize("values, field", DOCUMENT_RULES)
def test_admin_refuses_inconsistent_documents_with_a_field_message(
    analyst_client, seeded, values, field
):
    doc = Document.objects.get(slug=SLUG)
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    data.update(values)
    response = analyst_client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Document.objects.get(slug=SLUG).version == doc.version  # nothing saved


@pytest.mark.parametrize("values, field", DOCUMENT_RULES)
def test_api_refuses_inconsistent_documents_with_a_field_message(
    analyst, seeded, values, field
):
    api = APIClient()
    api.force_authenticate(analyst)
    url = f"/api/v1/documents/{SLUG}/"
    response = api.patch(url, values, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_admin_refuses_a_second_identical_participation(analyst_client, seeded):
    doc = Document.objects.get(slug=SLUG)
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    existing = doc.participations.first()
    n = int(data["participations-TOTAL_FORMS"])
    data.update(
        {
            "participations-TOTAL_FORMS": str(n + 1),
            f"participations-{n}-party": existing.party_id,
            f"participations-{n}-role": existing.role,
            f"participations-{n}-position": "9",
        }
    )
    response = analyst_client.post(url, data)
    assert response.status_code == 200
    assert "Please correct the duplicate" in response.content.decode() or any(
        inline.formset.non_form_errors()
        for inline in response.context["inline_admin_formsets"]
    )
    assert Participation.objects.filter(document=doc).count() == 2


def test_admin_refuses_a_relation_of_a_document_to_itself(analyst_client, seeded):
    doc = Document.objects.get(slug=SLUG)
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    n = int(data["relations_out-TOTAL_FORMS"])
    data.update(
        {
            "relations_out-TOTAL_FORMS": str(n + 1),
            f"relations_out-{n}-kind": "related",
            f"relations_out-{n}-to_document": doc.pk,
        }
    )
    response = analyst_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "cannot be related to itself" in response.content.decode()
    assert not DocumentRelation.objects.filter(
        from_document=doc, to_document=doc
    ).exists()


@pytest.mark.parametrize("country", ["ZZ", "ru", "RUS"])
def test_admin_and_api_refuse_unknown_country_codes(
    analyst_client, analyst, seeded, country
):
    url = reverse("admin:agreements_party_add")
    response = analyst_client.post(
        url, {"slug": "p", "name_en": "P", "kind": "state", "country": country}
    )
    assert (
        response.status_code == 200
        and "country" in response.context["adminform"].form.errors
    )
    api = APIClient()
    api.force_authenticate(analyst)
    refused = api.post(
        "/api/v1/parties/",
        {"slug": "p", "name_en": "P", "kind": "state", "country": country},
        format="json",
    )
    assert refused.status_code == 400 and "country" in refused.json()["errors"]


def test_api_refuses_a_party_without_any_name(analyst, seeded):
    api = APIClient()
    api.force_authenticate(analyst)
    refused = api.post(
        "/api/v1/parties/", {"slug": "nameless", "kind": "state"}, format="json"
    )
    assert refused.status_code == 400
