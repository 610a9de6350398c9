"""Hostile files meet bounded work: a zip bomb, a PDF that repeats one heavy
page, a text longer than kept; the file is kept, the limit named, the
extraction retried."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import DocumentText

from .factories import DocumentFactory
from .files import make_docx_bomb, make_heavy_pdf
from .test_texts import attach

pytestmark = pytest.mark.django_db


def test_a_zip_bomb_docx_is_kept_and_marked_unread_by_its_archive_limit():
    bomb = make_docx_bomb(20_000_000)
    assert len(bomb) < 200_000
    text = attach(DocumentFactory(), "bomb.docx", bomb)
    text.refresh_from_db()
    assert text.extracted_text == ""
    assert text.extraction_error.startswith("text could not be extracted: archive")
    assert text.is_limited and text.file.read() == bomb


def test_a_zip_bomb_within_the_archive_limits_stops_at_the_memory_limit(settings):
    settings.ARCHIVE_MAX_RATIO = 10_000
    settings.EXTRACTION_MEMORY_MB = 200
    settings.EXTRACTION_TIME_LIMIT = (
        120  # the memory limit comes first, even on a busy machine
    )
    text = attach(DocumentFactory(), "bomb.docx", make_docx_bomb(40_000_000))
    assert text.extracted_text == ""
    assert "memory limit (200 MB" in text.extraction_error


def test_a_pdf_repeating_one_heavy_page_stops_at_the_time_limit(settings):
    settings.EXTRACTION_TIME_LIMIT = 2
    started = time.monotonic()
    text = attach(DocumentFactory(), "heavy.pdf", make_heavy_pdf(10_000))
    assert time.monotonic() - started < 10
    assert text.extracted_text == ""
    assert text.extraction_error == (
        "text could not be extracted: time limit (2 s, EXTRACTION_TIME_LIMIT)"
    )


def test_a_text_stopped_at_a_limit_is_extracted_again_with_attach_text_retry(
    settings, capsys
):
    # Less than starting the worker's interpreter takes, on any machine (one
    # second let four heavy pages through on an idle one).
    settings.EXTRACTION_TIME_LIMIT = 0.01
    text = attach(DocumentFactory(), "heavy.pdf", make_heavy_pdf(4))
    assert text.is_limited
    settings.EXTRACTION_TIME_LIMIT = 30
    call_command("attach_text", text.document.slug, "--retry")
    text.refresh_from_db()
    assert "heavy page" in text.extracted_text and not text.extraction_error
    assert "characters of text extracted" in capsys.readouterr().out
    text.document.refresh_from_db()
    assert "heavy page" in text.document.search_text


def test_an_analyst_retries_a_stopped_extraction_from_the_document_list(
    analyst_client, settings
):
    settings.ARCHIVE_MAX_RATIO = 10
    text = attach(DocumentFactory(), "bomb.docx", make_docx_bomb(200_000))
    url = reverse("admin:agreements_document_change", args=[text.document.pk])
    page = analyst_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "text could not be extracted: archive" in page
    assert "It can be retried" in page
    settings.ARCHIVE_MAX_RATIO = 1000
    response = analyst_client.post(
        reverse("admin:agreements_document_changelist"),
        {"action": "retry_extraction", "_selected_action": [text.document.pk]},
        headers={"accept-language": "en"},
        follow=True,
    )
    assert "1 text extracted again; 0 stopped at a limit again." in (
        response.content.decode()
    )
    text.refresh_from_db()
    assert text.extracted_text.startswith("bomb") and not text.extraction_error


def test_a_long_text_is_cut_at_the_limit_and_its_page_says_so(settings, client):
    settings.TEXT_MAX_CHARS = 1000
    doc = DocumentFactory()
    text = attach(doc, "long.txt", ("word " * 1000).encode())
    assert len(text.extracted_text) == 1000 and text.is_text_capped
    html = client.get(f"/en/documents/{doc.slug}/").content.decode()
    assert "only its first 1,000 characters are kept" in html
    short = attach(DocumentFactory(), "short.txt", b"a short text")
    assert not short.is_text_capped


def test_attach_text_says_when_the_text_was_cut(settings, tmp_path, capsys):
    settings.TEXT_MAX_CHARS = 10
    path = tmp_path / "long.txt"
    path.write_text("a longer text than kept")
    call_command("attach_text", DocumentFactory().slug, str(path))
    assert "10 characters of text extracted (cut at TEXT_MAX_CHARS)." in (
        capsys.readouterr().out
    )
    assert DocumentText.objects.get().extracted_text == "a longer t"
