"""Files arriving from the admin and the command line: kept on disk up to the
limit while they arrive, refused with a message past it or when empty."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation

from agreements.models import ArchivedCopy, DocumentText

from .factories import DocumentFactory, SourceFactory
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db
MB = 1 << 20
# A text far over the limit: 40 MB of lines that extraction would hold whole.
OVERSIZED = b"an oversized line of text\n" * (40 * MB // 26)


def peak_memory(work):
    """(result of work(), the most Python memory it held at once, in bytes)."""
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def text_form(client, document, upload):
    url = reverse("admin:agreements_document_change", args=[document.pk])
    data = change_form_data(client, url)
    data.update(
        {
            "texts-TOTAL_FORMS": "1",
            "texts-0-file": upload,
            "texts-0-language": "en",
            "texts-0-kind": "official",
        }
    )
    return url, data


def test_an_oversized_admin_upload_is_refused_without_being_held_in_memory(
    analyst_client, settings
):
    settings.UPLOAD_MAX_BYTES = MB
    doc = DocumentFactory()
    url, data = text_form(analyst_client, doc, SimpleUploadedFile("big.txt", OVERSIZED))
    body = encode_multipart(BOUNDARY, data)
    response, peak = peak_memory(
        lambda: analyst_client.generic(
            "POST", url, body, MULTIPART_CONTENT, headers={"accept-language": "en"}
        )
    )
    assert response.status_code == 200
    assert "files up to 1.0\xa0MB are accepted (UPLOAD_MAX_BYTES)" in (
        response.content.decode()
    )
    assert not doc.texts.exists()
    # The test client copies the body once; the upload itself adds a few chunks.
    assert peak < len(body) + 16 * MB, f"{peak / MB:.0f} MB"


def test_attach_text_refuses_an_oversized_file_before_reading_it_all(
    tmp_path, settings
):
    settings.UPLOAD_MAX_BYTES = MB
    doc = DocumentFactory()
    path = tmp_path / "big.txt"
    path.write_bytes(OVERSIZED)

    def attach():
        with pytest.raises(CommandError, match="refused.*UPLOAD_MAX_BYTES"):
            call_command("attach_text", doc.slug, str(path))

    _result, peak = peak_memory(attach)
    assert peak < 8 * MB, f"{peak / MB:.0f} MB"
    assert not DocumentText.objects.exists()


def test_an_empty_file_is_refused_on_every_path(analyst_client, tmp_path):
    doc, source = DocumentFactory(), SourceFactory()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with translation.override("en"):
        with pytest.raises(CommandError, match="refused. The file is empty."):
            call_command("attach_text", doc.slug, str(empty))
    url, data = text_form(analyst_client, doc, SimpleUploadedFile("e.txt", b""))
    response = analyst_client.post(url, data, headers={"accept-language": "en"})
    assert response.status_code == 200 and "empty" in response.content.decode()
    response = analyst_client.post(
        reverse("admin:agreements_archivedcopy_add"),
        {
            "source": source.pk,
            "captured_on": "2024-01-01",
            "file": SimpleUploadedFile("e.html", b""),
        },
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200 and "empty" in response.content.decode()
    assert not DocumentText.objects.exists() and not ArchivedCopy.objects.exists()
