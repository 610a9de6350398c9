"""Control characters: refused on every write path, never fatal on read."""

import datetime
import io
import json
import xml.dom.minidom

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from agreements.models import Document

from .conftest import api_as
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db
MEMO = "astana-2023-tpp-memorandum"

# A bell, a form feed, an escape, a lone surrogate and U+FFFF: none is allowed
# in XML 1.0; tab, line feed and carriage return are.
HOSTILE = ["Bell\x07", "Fe\x0ced", "Esc\x1b[31m", "Half\ud800", "Non\uffff"]


@pytest.mark.parametrize("title", HOSTILE)
def test_the_api_refuses_a_control_character_naming_the_field(seeded, analyst, title):
    # Sent as JSON escapes, as a client would send a lone surrogate.
    body = json.dumps({"slug": "zz-hostile", "kind": "agreement", "title_en": title})
    response = api_as(analyst).post(
        "/api/v1/documents/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "title_en" in response.json()["errors"]
    assert not Document.objects.filter(slug="zz-hostile").exists()


def test_the_api_keeps_tabs_and_line_breaks(seeded, analyst):
    response = api_as(analyst).post(
        "/api/v1/documents/",
        {"slug": "zz-lines", "kind": "agreement", "summary_en": "a\tb\r\nc\nd"},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_the_api_refuses_control_characters_in_a_party_row_too(seeded, analyst):
    response = api_as(analyst).post(
        "/api/v1/parties/",
        {"slug": "zz-party", "kind": "state", "name_en": "Esc\x1b", "country": "RU"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "name_en" in response.json()["errors"]


def test_the_admin_refuses_a_control_character_with_a_message(analyst_client, seeded):
    url = reverse(
        "admin:agreements_document_change", args=[Document.objects.get(slug=MEMO).pk]
    )
    data = change_form_data(analyst_client, url)
    data["summary_en"] = "Signed\x07 in Astana"
    response = analyst_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "U+0007" in response.content.decode()
    assert "\x07" not in Document.objects.get(slug=MEMO).summary_en


def test_the_importer_refuses_a_control_character_and_writes_nothing(tmp_path, seeded):
    path = tmp_path / "rows.json"
    rows = [{"slug": "zz-imported", "kind": "agreement", "title_en": "Esc\x1b"}]
    path.write_text(json.dumps(rows))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(path), stdout=io.StringIO(), stderr=errors)
    assert "U+001B" in errors.getvalue()
    assert not Document.objects.filter(slug="zz-imported").exists()


@pytest.mark.parametrize(
    "url",
    ["/en/documents/feed/", "/ru/documents/feed/", "/en/documents/feed/expiring/"],
)
def test_a_row_stored_with_a_control_character_does_not_break_the_feeds(
    client, seeded, url
):
    # Stored before such characters were refused (a queryset update writes
    # without validation, as old rows were).
    Document.objects.filter(slug=MEMO).update(
        title_en="Memo\x07randum on plants",
        title_ru="Мемо\x1bрандум о станциях",
        summary_en="Sum\x0bmary",
        valid_until=datetime.date.today() + datetime.timedelta(days=10),
    )
    response = client.get(url)
    assert response.status_code == 200
    feed = xml.dom.minidom.parseString(response.content).toxml()
    assert "Memorandum on plants" in feed or "Меморандум о станциях" in feed
