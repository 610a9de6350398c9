"""What analysts trying the admin found wrong: attached texts missing from
the history, source pickers without the S-labels readers see, and command
output half in Russian."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from agreements.models import Document

from .files import make_pdf
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db
SLUG = "astana-2023-tpp-memorandum"
CYRILLIC = re.compile("[\u0400-\u04ff]")


def public_history(client):
    return client.get(f"/api/v1/documents/{SLUG}/history/").json()["history"]


def test_a_text_attached_with_attach_text_is_in_the_history(
    client, analyst_client, seeded, tmp_path
):
    path = tmp_path / "memorandum.pdf"
    path.write_bytes(make_pdf("Kokshetau thermal power plant"))
    call_command("attach_text", SLUG, str(path), "--language=ru", verbosity=0)
    (change,) = public_history(client)
    assert change["changes"] == [
        {
            "record": "documenttext",
            "row": "memorandum.pdf — official text — ru",
            "action": "created",
            "fields": [],
        }
    ]
    page = client.get(f"/en/documents/{SLUG}/history/").content.decode()
    assert "«memorandum.pdf — official text — ru»</span>: added" in page
    doc = Document.objects.get(slug=SLUG)
    url = reverse("admin:agreements_document_history", args=[doc.pk])
    admin_page = analyst_client.get(url, headers={"accept-language": "en"})
    rows = admin_page.content.decode().split('id="row-history"')[1]
    assert "text of the document" in rows


def test_a_text_uploaded_in_the_admin_is_in_the_history_with_the_reason(
    client, analyst_client, seeded
):
    doc = Document.objects.get(slug=SLUG)
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    data.update(
        {
            "texts-TOTAL_FORMS": "1",
            "texts-0-file": SimpleUploadedFile("text.pdf", make_pdf("Kokshetau")),
            "texts-0-language": "en",
            "texts-0-kind": "translation",
            "change_reason": "Official translation found",
        }
    )
    assert analyst_client.post(url, data).status_code == 302
    change = public_history(client)[0]
    assert change["reason"] == "Official translation found"
    assert {
        "record": "documenttext",
        "row": "text.pdf — unofficial translation — en",
        "action": "created",
        "fields": [],
    } in change["changes"]


def test_the_source_picker_shows_the_label_readers_see(analyst_client, seeded):
    response = analyst_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "agreements",
            "model_name": "citation",
            "field_name": "source",
            "term": "S21",
        },
    )
    texts = [r["text"] for r in response.json()["results"]]
    assert texts and texts[0].startswith("S21 · Interfax: ")
    assert texts[0].endswith("(astana-2023-s21)")


def test_command_output_is_in_one_language(seeded, tmp_path, capsys):
    path = tmp_path / "memorandum.pdf"
    path.write_bytes(make_pdf("Kokshetau thermal power plant"))
    call_command("attach_text", SLUG, str(path), "--kind=translation")
    call_command("seed")
    call_command("check_derived")
    out = capsys.readouterr().out
    assert "unofficial translation" in out
    assert not CYRILLIC.search(out), out
