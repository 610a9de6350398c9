"""The API's stored renderings of a document: its record (the detail endpoint)
and its list row, rendered by the API's own serializers (registered with
`renderings`; `apps.py` loads this module)."""

from django.utils import translation
from rest_framework.renderers import JSONRenderer

from ..models import Document
from ..renderings import register
from .serializers import DocumentListSerializer, DocumentSerializer
from .stored import StoredOrigin


def _rendered(serializer_class, queryset, ids, overrides):
    context = {"request": StoredOrigin()}
    # One serializer for all: DRF copies a serializer's fields per instance.
    serializer, render = serializer_class(context=context), JSONRenderer().render
    rendered = {}
    with translation.override("en"):  # the API's one language
        for document in queryset.filter(pk__in=ids):
            for name, value in overrides.get(document.pk, {}).items():
                setattr(document, name, value)
            rendered[document.pk] = render(
                serializer.to_representation(document)
            ).decode()
    return rendered


@register("api_record")
def api_records(ids, overrides):
    return _rendered(
        DocumentSerializer, Document.objects.with_details(), ids, overrides
    )


@register("api_row")
def api_rows(ids, overrides):
    return _rendered(
        DocumentListSerializer, Document.objects.for_list(), ids, overrides
    )
