"""The API's stored renderings of a document: its record (the detail endpoint)
and its list row, rendered by the API's own serializers (registered with
`renderings`; `apps.py` loads this module)."""

from django.utils import translation
from rest_framework.renderers import JSONRenderer

from .. import renderings
from ..models import Document
from ..renderings import register
from .serializers import DocumentListSerializer, DocumentSerializer
from .stored import StoredOrigin


@register("api_record", "api_row")
def api_renderings(ids, overrides, documents=None):
    """{pk: {"api_record": …, "api_row": …}}: each document read once (or as
    the derivation read it: `documents`), with everything its record shows, and
    rendered by both serializers."""
    context = {"request": StoredOrigin()}
    # One serializer of each for all: DRF copies a serializer's fields per instance.
    record, row = (
        DocumentSerializer(context=context),
        DocumentListSerializer(context=context),
    )
    render = JSONRenderer().render
    rendered = {}
    with translation.override("en"):  # the API's one language
        if documents is None:
            documents = Document.objects.with_details().filter(pk__in=ids)
        for document in documents:
            renderings.apply(document, overrides.get(document.pk, {}))
            rendered[document.pk] = {
                "api_record": render(record.to_representation(document)).decode(),
                "api_row": render(row.to_representation(document)).decode(),
            }
    return rendered
