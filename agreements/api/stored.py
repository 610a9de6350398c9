"""Stored API renderings (`Document.api_record`, `api_row`) and how they are
served: as this request's data, only while made by today's code
(`renderings.version()`); any other document is rendered by its serializer."""

import json

from rest_framework import serializers

from .. import renderings
from ..models import Document

# Stands for the scheme and host of the request in a stored API record: no text
# holds a NUL (PostgreSQL refuses one in text, Django's and DRF's forms too),
# and JSON writes it as `\u0000`.
ORIGIN = "\x00"


class StoredOrigin:
    """The request a stored API record is built with: it only makes URLs."""

    def build_absolute_uri(self, path):
        return ORIGIN + path


def stored_api_record(text, request):
    """A stored API record or row as this request's data."""
    origin = request.build_absolute_uri("/")[:-1]
    return json.loads(text.replace('"\\u0000/', f'"{origin}/'))


# What a list's query may add to its rows (`with_status_on`, `with_text_snippets`).
ROW_ANNOTATIONS = ("status_on_day", "text_snippet")


def shows_stored_row(document):
    """Whether the document's stored list row is what its row shows now: made
    by today's code, with today's status and no text snippet."""
    return (
        document.rendered_by == renderings.version()
        and document.shown_status == document.status
        and getattr(document, "text_snippet", None) is None
    )


class StoredRowsSerializer(serializers.ListSerializer):
    """A page of list rows: the stored rows of documents read with only what
    tells whether they are current (`DocumentQuerySet.stored_rows`); the others
    read for the list (`for_list`) and rendered by the row serializer."""

    def to_representation(self, data):
        documents = list(data)
        request = self.context["request"]
        built = self.built_rows([d for d in documents if not shows_stored_row(d)])
        return [
            built[d.pk] if d.pk in built else stored_api_record(d.api_row, request)
            for d in documents
        ]

    def built_rows(self, documents):
        """{pk: row} of these documents, rendered now."""
        if not documents:
            return {}
        full = Document.objects.for_list().in_bulk([d.pk for d in documents])
        rows = {}
        for document in documents:
            row = full[document.pk]
            for name in ROW_ANNOTATIONS:  # what the page's query worked out
                setattr(row, name, getattr(document, name, None))
            rows[row.pk] = self.child.to_representation(row)
        return rows
