"""Official identifiers of documents and Wikidata ids of records: look-up by
identifier (API and HTML list), and where they are shown (page, API, CSV,
dataset, JSON-LD)."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from agreements.models import DocumentIdentifier, Party, Person

from .factories import (
    DocumentFactory,
    IdentifierFactory,
    ParticipationFactory,
    PartyFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

MALFORMED = ["adilet", "adilet:", "adilet: ", ":Z1300000117", "nope:1", "ADILET:1"]


@pytest.fixture
def registered():
    """Two documents, one known in two registers."""
    with transaction.atomic():
        known = DocumentFactory(slug="known")
        IdentifierFactory(
            document=known,
            value="Z1300000117",
            url="https://adilet.zan.kz/rus/docs/Z1300000117",
        )
        IdentifierFactory(document=known, scheme="wikidata", value="Q1")
        DocumentFactory(slug="other")
    return known


def test_the_api_looks_a_document_up_by_identifier(registered):
    api = APIClient()
    found = api.get("/api/v1/documents/?identifier=adilet:Z1300000117").json()
    assert [d["slug"] for d in found["results"]] == ["known"]
    none = api.get("/api/v1/documents/?identifier=ru_pravo:Z1300000117").json()
    assert none["results"] == []


@pytest.mark.parametrize("value", MALFORMED)
def test_a_malformed_identifier_is_a_400_naming_the_parameter(registered, value):
    response = APIClient().get("/api/v1/documents/", {"identifier": value})
    assert response.status_code == 400
    assert "identifier" in response.json()["errors"]


def test_the_html_list_looks_a_document_up_by_identifier(client, registered):
    page = client.get("/en/documents/?identifier=adilet:Z1300000117")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/en/documents/known/" in html
    assert "/en/documents/other/" not in html
    assert 'value="adilet:Z1300000117"' in html  # kept in the form


def test_the_html_list_answers_a_malformed_identifier_with_a_400_page(client):
    page = client.get("/en/documents/?identifier=nope:1")
    assert page.status_code == 400
    assert "Official identifier" in page.content.decode()


def test_the_record_page_and_api_show_the_identifiers_as_a_citable_fact(
    client, registered
):
    html = client.get("/ru/documents/known/").content.decode()
    # Among the facts: the value, then how it is known (`_provenance.html`).
    before = html[: html.index('data-fact="identifiers"')]
    fact = before[before.rindex("<dd>") :]
    assert 'href="https://adilet.zan.kz/rus/docs/Z1300000117"' in fact
    assert "Официальные идентификаторы" in before
    record = APIClient().get("/api/v1/documents/known/").json()
    assert record["identifiers"] == [
        {
            "scheme": "adilet",
            "value": "Z1300000117",
            "url": "https://adilet.zan.kz/rus/docs/Z1300000117",
        },
        {"scheme": "wikidata", "value": "Q1", "url": ""},
    ]
    (fact,) = [f for f in record["facts"] if f["fact"] == "identifiers"]
    assert fact["state"] == ""  # given, no citation supports it yet


def test_json_ld_carries_same_as_and_identifiers_as_property_values(client, registered):
    with transaction.atomic():
        ParticipationFactory(
            document=registered, party=PartyFactory(wikidata_id="Q159")
        )
    html = client.get("/en/documents/known/").content.decode()
    start = html.index('<script type="application/ld+json">')
    ld = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert ld["sameAs"] == [
        "https://adilet.zan.kz/rus/docs/Z1300000117",
        "https://www.wikidata.org/wiki/Q1",
    ]
    assert ld["identifier"][0] == {
        "@type": "PropertyValue",
        "propertyID": "adilet",
        "value": "Z1300000117",
        "url": "https://adilet.zan.kz/rus/docs/Z1300000117",
    }
    (party,) = ld["legislationPassedBy"]
    assert party["sameAs"] == "https://www.wikidata.org/wiki/Q159"


def test_the_csv_export_and_the_dataset_carry_the_identifiers(client, registered):
    body = b"".join(client.get("/api/v1/documents/export/").streaming_content)
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    assert rows["known"]["identifiers"] == "adilet:Z1300000117; wikidata:Q1"
    assert rows["other"]["identifiers"] == ""
    data = json.loads(
        b"".join(client.get("/data/agreement-tracker.json").streaming_content)
    )
    assert {
        (r["document"], r["scheme"], r["value"])
        for r in data["tables"]["document_identifiers"]
    } == {("known", "adilet", "Z1300000117"), ("known", "wikidata", "Q1")}
    described = {(e["table"], e["column"]) for e in data["codebook"]}
    assert ("document_identifiers", "scheme") in described
    assert ("people", "wikidata_id") in described


def test_editing_an_identifier_re_derives_the_stored_record(registered):
    row = registered.identifiers.get(scheme="adilet")
    with transaction.atomic():
        row.value = "Z1300000118"
        row.save()
    stored = type(registered).objects.get(pk=registered.pk)
    assert "Z1300000118" in stored.api_record
    assert "adilet:Z1300000118" in stored.export_line


def test_an_identifier_names_one_document_only(registered):
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentIdentifier.objects.create(
            document=DocumentFactory(), scheme="adilet", value="Z1300000117"
        )


@pytest.mark.parametrize("model", [Party, Person])
def test_a_wikidata_id_is_q_and_digits(model):
    record = (PartyFactory if model is Party else PersonFactory)()
    record.wikidata_id = "wd:159"
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "wikidata_id" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(wikidata_id="159")
