"""Attached files, served so that nothing in them can run in the site's origin."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from . import files
from .models import ArchivedCopy, DocumentText

# Shown in the browser; everything else is downloaded.
INLINE = {files.PDF, files.TEXT}


def stored_file(sha256):
    for model in (DocumentText, ArchivedCopy):
        found = model.objects.filter(sha256=sha256).order_by("pk").first()
        if found:
            return found
    raise Http404("No such file.")


@require_safe
def file_download(request, sha256, name):
    """The file with this checksum, whatever `name` says (it is for the reader).

    The content type is the one sniffed at upload; `sandbox` makes the browser
    treat even a displayed file as a page of no origin, without scripts."""
    stored = stored_file(sha256.lower())
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is missing from storage.") from exc
    response = FileResponse(
        handle,
        content_type=stored.content_type or files.BINARY,
        as_attachment=stored.mime not in INLINE,
        filename=stored.name,
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
