"""Texts of documents and archived copies of sources: upload, extraction,
refusal, search inside, safe serving."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from agreements.models import ArchivedCopy, Document, DocumentText, Source

from .factories import CitationFactory, DocumentFactory, SourceFactory
from .files import SCRIPTED_HTML, make_docx, make_pdf
from .test_admin import change_form_data

PHRASE = "heliotrope turbine clause"
pytestmark = pytest.mark.django_db


def attach(document, name, content, **fields):
    """Attach a file the way the admin and attach_text do: validate, save, derive."""
    text = DocumentText(
        document=document, file=ContentFile(content, name=name), **fields
    )
    text.full_clean()
    text.save()
    return text


def test_pdf_text_is_extracted_with_checksum_size_and_sniffed_type():
    content = make_pdf("Agreement on cooperation", PHRASE)
    text = attach(DocumentFactory(), "agreement.pdf", content, language="en")
    assert text.content_type == "application/pdf"
    assert text.sha256 == hashlib.sha256(content).hexdigest()
    assert text.size == len(content)
    assert PHRASE in text.extracted_text
    assert text.extraction_error == ""
    assert text.file.name == f"texts/{text.sha256}/agreement.pdf"


def test_docx_text_is_extracted_with_its_tables():
    content = make_docx("Соглашение о сотрудничестве", table=("Статья 1", "Кокшетау"))
    text = attach(DocumentFactory(), "soglashenie.docx", content)
    assert text.content_type.startswith("application/vnd.openxmlformats")
    assert "Соглашение о сотрудничестве" in text.extracted_text
    assert "Кокшетау" in text.extracted_text


def test_html_text_is_extracted_without_scripts_or_styles():
    text = attach(DocumentFactory(), "statement.html", SCRIPTED_HTML, language="en")
    assert text.content_type == "text/html; charset=utf-8"
    assert "The parties welcome the «marigold» accord." in text.extracted_text
    assert "localStorage" not in text.extracted_text
    assert "PWNED" not in text.extracted_text
    assert "color: red" not in text.extracted_text


def test_plain_text_in_windows_1251_is_decoded():
    content = "Меморандум о взаимопонимании".encode("cp1251")
    text = attach(DocumentFactory(), "memo.txt", content)
    assert text.content_type == "text/plain; charset=windows-1251"
    assert text.extracted_text == "Меморандум о взаимопонимании"


def test_long_utf8_text_is_not_mistaken_for_windows_1251():
    content = ("a" + "я" * 5000).encode()  # the sniffed head ends inside a letter
    text = attach(DocumentFactory(), "long.txt", content)
    assert text.content_type == "text/plain; charset=utf-8"
    assert text.extracted_text == "a" + "я" * 5000


def test_a_file_whose_extension_lies_is_stored_and_served_as_what_it_is(client):
    text = attach(DocumentFactory(), "treaty.pdf", SCRIPTED_HTML)
    assert text.content_type == "text/html; charset=utf-8"
    response = client.get(text.get_absolute_url())
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_broken_pdf_is_kept_and_the_analyst_sees_why_it_has_no_text():
    content = b"%PDF-1.4\nthis is not really a PDF\n"
    text = attach(DocumentFactory(), "broken.pdf", content)
    text.refresh_from_db()
    assert text.extracted_text == ""
    assert text.extraction_error  # e.g. "PdfStreamError: Stream has ended unexpectedly"
    assert text.file.read() == content


def test_a_pdf_without_a_text_layer_says_so():
    text = attach(DocumentFactory(), "scan.pdf", make_pdf())
    assert "no text layer" in text.extraction_error


def test_an_oversized_file_is_refused_with_a_message(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        attach(DocumentFactory(), "big.txt", b"x" * 1001)
    message = refused.value.message_dict["file"][0]
    assert "1001" in message or "1,001" in message or "1000" in message
    assert "UPLOAD_MAX_BYTES" in message
    assert DocumentText.objects.count() == 0


def test_a_file_of_another_kind_is_refused_with_a_message():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
    with pytest.raises(ValidationError) as refused:
        attach(DocumentFactory(), "photo.pdf", png)
    assert "application/octet-stream" in refused.value.message_dict["file"][0]


def test_the_same_file_cannot_be_attached_twice_to_a_document():
    doc = DocumentFactory()
    attach(doc, "a.txt", b"same bytes")
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            attach(doc, "b.txt", b"same bytes")
        assert refused.value.message_dict["file"] == [
            "This file is already attached to this document."
        ]


def test_search_finds_a_phrase_that_is_only_inside_a_pdf(client):
    doc, other = DocumentFactory(), DocumentFactory()
    assert "heliotrope" not in doc.search_text
    attach(doc, "agreement.pdf", make_pdf("Article 1", PHRASE), language="en")
    assert Document.objects.search("Heliotrope turbine").get() == doc

    page = client.get("/en/documents/", {"q": "heliotrope"})
    assert [d.slug for d in page.context["documents"]] == [doc.slug]
    html = page.content.decode()
    assert "found in the text:" in html
    assert "<mark>heliotrope</mark>" in html.lower()

    api = client.get("/api/v1/documents/", {"q": "heliotrope"}).json()
    assert [d["slug"] for d in api["results"]] == [doc.slug]
    assert "heliotrope" in api["results"][0]["text_snippet"].lower()
    assert (
        client.get("/api/v1/documents/", {"q": "nothing-like-this"}).json()["count"]
        == 0
    )
    assert other.slug not in html


def test_search_vector_carries_the_text_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the search vector exists on PostgreSQL only")
    from django.contrib.postgres.search import SearchQuery

    doc = DocumentFactory()
    attach(doc, "agreement.pdf", make_pdf(PHRASE), language="en")
    found = Document.objects.filter(
        search_vector=SearchQuery("turbines", config="english")
    )
    assert list(found) == [doc]


def test_snippets_are_none_without_a_query_or_a_match():
    doc = DocumentFactory()
    attach(doc, "a.txt", b"The parties agree on grain deliveries.", language="en")
    assert not hasattr(Document.objects.with_text_snippets("").get(), "text_snippet")
    assert Document.objects.with_text_snippets("uranium").get().text_snippet is None
    snippet = Document.objects.with_text_snippets("grain").get().text_snippet
    assert "\x02grain\x03" in snippet.lower()


def test_a_snippet_shows_the_word_in_the_form_the_text_has():
    doc = DocumentFactory()
    attach(doc, "a.txt", "Поставки энергетики и зерна.".encode(), language="ru")
    snippet = Document.objects.search("энергетика").with_text_snippets("энергетика")
    assert "\x02энергетики\x03" in snippet.get().text_snippet


@pytest.mark.parametrize(
    "name, content, content_type, inline",
    [
        ("a.pdf", make_pdf("Article 1"), "application/pdf", True),
        ("a.txt", "Статья 1".encode(), "text/plain; charset=utf-8", True),
        ("a.html", SCRIPTED_HTML, "text/html; charset=utf-8", False),
        ("a.docx", make_docx("Article 1"), None, False),
    ],
)
def test_files_are_served_with_safe_headers(
    client, name, content, content_type, inline
):
    text = attach(DocumentFactory(), name, content)
    response = client.get(text.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == (content_type or text.content_type)
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;" if inline else "attachment;")


def test_unknown_or_malformed_file_addresses_are_404(client):
    assert client.get(f"/files/{'0' * 64}/x.pdf").status_code == 404
    assert client.get("/files/not-a-checksum/x.pdf").status_code == 404
    text = attach(DocumentFactory(), "a.txt", b"text")
    assert client.post(text.get_absolute_url()).status_code == 405


def test_attach_text_stores_the_file_and_prints_what_it_stored(tmp_path, capsys):
    doc = DocumentFactory()
    path = tmp_path / "agreement.pdf"
    path.write_bytes(make_pdf(PHRASE))
    call_command(
        "attach_text",
        doc.slug,
        str(path),
        "--language=en",
        "--kind=translation",
        "--obtained-from=https://example.org/a.pdf",
    )
    out = capsys.readouterr().out
    text = doc.texts.get()
    assert text.kind == "translation" and text.language == "en"
    assert text.obtained_from == "https://example.org/a.pdf"
    assert text.sha256 in out and "application/pdf" in out
    assert "characters of text extracted" in out
    doc.refresh_from_db()
    assert "heliotrope" in doc.search_text


def test_attach_text_refuses_an_oversized_file_with_a_message(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 10
    doc = DocumentFactory()
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 11)
    with pytest.raises(CommandError, match="refused.*UPLOAD_MAX_BYTES"):
        call_command("attach_text", doc.slug, str(path))
    with pytest.raises(CommandError, match="No document"):
        call_command("attach_text", "no-such-document", str(path))
    assert not DocumentText.objects.exists()


def test_analyst_uploads_a_text_in_the_admin_inline(analyst_client):
    doc = DocumentFactory()
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    data.update(
        {
            "texts-TOTAL_FORMS": "1",
            "texts-0-file": SimpleUploadedFile("a.pdf", make_pdf(PHRASE)),
            "texts-0-language": "en",
            "texts-0-kind": "official",
        }
    )
    response = analyst_client.post(url, data)
    assert response.status_code == 302
    doc.refresh_from_db()
    assert "heliotrope" in doc.search_text
    page = analyst_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "characters" in page and doc.texts.get().sha256 in page


def test_admin_refuses_an_oversized_upload_with_a_message(analyst_client, settings):
    settings.UPLOAD_MAX_BYTES = 100
    doc = DocumentFactory()
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    data.update(
        {
            "texts-TOTAL_FORMS": "1",
            "texts-0-file": SimpleUploadedFile("big.txt", b"y" * 101),
            "texts-0-language": "ru",
            "texts-0-kind": "official",
        }
    )
    response = analyst_client.post(url, data)
    assert response.status_code == 200
    assert "UPLOAD_MAX_BYTES" in response.content.decode()
    assert not doc.texts.exists()


def test_admin_shows_an_extraction_failure(analyst_client):
    text = attach(DocumentFactory(), "broken.pdf", b"%PDF-1.4\nbroken")
    url = reverse("admin:agreements_document_change", args=[text.document.pk])
    page = analyst_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "No text could be extracted; the file is kept." in page
    assert "Текст извлечь не удалось; файл сохранён." in analyst_client.get(
        url, headers={"accept-language": "ru"}
    ).content.decode("utf-8")


def test_document_page_lists_its_texts(client):
    doc = DocumentFactory()
    text = attach(doc, "agreement.pdf", make_pdf(PHRASE), language="en")
    html = client.get(f"/en/documents/{doc.slug}/").content.decode()
    assert text.get_absolute_url() in html
    assert text.sha256 in html
    assert text.size_display in html
    assert "English" in html and "official text" in html


def test_api_document_record_lists_its_texts(client):
    doc = DocumentFactory()
    text = attach(doc, "agreement.pdf", make_pdf(PHRASE), language="en")
    record = client.get(f"/api/v1/documents/{doc.slug}/").json()
    [listed] = record["texts"]
    assert listed["sha256"] == text.sha256
    assert listed["size"] == text.size
    assert listed["language"] == "en" and listed["kind"] == "official"
    assert listed["download_url"] == f"http://testserver{text.get_absolute_url()}"
    assert client.get(listed["download_url"]).status_code == 200


def archive(source, content=b"<html><body>Saved page</body></html>"):
    copy = ArchivedCopy(
        source=source,
        file=ContentFile(content, name="page.html"),
        captured_on=datetime.date(2024, 1, 5),
    )
    copy.full_clean()
    copy.save()
    return copy


def test_api_source_record_lists_archived_copies(client):
    citation = CitationFactory()
    copy = archive(citation.source)
    record = client.get(f"/api/v1/sources/{citation.source.slug}/").json()
    [listed] = record["archived_copies"]
    assert listed["sha256"] == copy.sha256
    assert listed["captured_on"] == "2024-01-05"
    assert listed["download_url"].endswith(copy.get_absolute_url())
    document = client.get(f"/api/v1/documents/{citation.document.slug}/").json()
    assert document["citations"][0]["source"]["archived_copies"][0]["sha256"] == (
        copy.sha256
    )
    html = client.get(f"/en/documents/{citation.document.slug}/").content.decode()
    assert copy.get_absolute_url() in html and "archived copy" in html


def test_data_quality_lists_sources_without_an_archived_copy(client):
    kept, lost = SourceFactory(), SourceFactory()
    archive(kept)
    assert list(Source.objects.without_archived_copy()) == [lost]
    html = client.get("/en/data-quality/").content.decode()
    section = html.split('id="unarchived"')[1]
    assert lost.slug in section and kept.slug not in section


def test_export_lists_text_urls_and_the_import_accepts_the_column(tmp_path, client):
    doc = DocumentFactory()
    text = attach(doc, "agreement.pdf", make_pdf(PHRASE), language="en")
    response = client.get("/api/v1/documents/export/", {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "texts" in body.splitlines()[0].split(",")
    assert text.get_absolute_url() in body
    path = tmp_path / "export.csv"
    path.write_text(body, encoding="utf-8")
    call_command("import_documents", str(path))
    assert doc.texts.count() == 1


def test_verify_files_reports_a_changed_file():
    text = attach(DocumentFactory(), "a.txt", b"original")
    call_command("verify_files")
    with open(text.file.path, "wb") as handle:
        handle.write(b"tampered")
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("verify_files")


def test_storage_url_selects_s3_compatible_storage():
    from django.core.exceptions import ImproperlyConfigured

    from tracker.settings import s3_storage

    assert s3_storage(
        "s3://treaties/texts?endpoint_url=https://s3.example.org&region_name=eu-1"
    ) == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "treaties",
            "location": "texts",
            "endpoint_url": "https://s3.example.org",
            "region_name": "eu-1",
        },
    }
    with pytest.raises(ImproperlyConfigured, match="STORAGE_URL"):
        s3_storage("ftp://treaties")
