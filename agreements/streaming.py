"""Streamed downloads (exports, the dataset) that never end as a silently cut
file: the database is asked before the first byte (down: a 503 from the
middleware, not a 200 cut after the headers), and a failure while streaming
ends the body with a line saying it is incomplete, is logged, and is raised
again so that the server drops the connection (no clean end of the body)."""

import logging

from django.db import connections, router
from django.http import StreamingHttpResponse

from .models import Document

logger = logging.getLogger("agreements.availability")

INCOMPLETE = (
    "\n\n### DOWNLOAD INCOMPLETE: the server failed while sending this file, "
    "which ends here. Please download it again. ###\n"
)


def database_checked():
    """Raises the database's error if the database the data is read from does
    not answer now."""
    with connections[router.db_for_read(Document)].cursor() as cursor:
        cursor.execute("SELECT 1")


def ended_clearly(chunks):
    """`chunks`, then, if making one fails, the INCOMPLETE line (the error is
    logged and raised again)."""
    binary = False
    try:
        for chunk in chunks:
            binary = isinstance(chunk, bytes)
            yield chunk
    except Exception:
        logger.exception("A download failed part way; it ends with a marker.")
        yield INCOMPLETE.encode() if binary else INCOMPLETE
        raise


def streamed_download(chunks, content_type, filename):
    """A StreamingHttpResponse of `chunks` as an attachment named `filename`.
    Callers make their first chunk before calling, so that an error in it is
    an answer, not a cut body."""
    database_checked()
    response = StreamingHttpResponse(ended_clearly(chunks), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
