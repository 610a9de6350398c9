import hashlib

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, MethodNotAllowed, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from .. import filters, renderings
from ..citing import permanent_url
from ..data_version import data_version, version_time
from ..export import COLUMNS, export_response
from ..history import document_history
from ..models import (
    Citation,
    DeletedDocument,
    Document,
    Occasion,
    Party,
    Person,
    Sector,
    Source,
    StaleVersion,
)
from ..response_cache import client_is_current
from . import records, serializers
from .pagination import DeletionPagination, DocumentPagination
from .query import refuse_unknown_parameters
from .stored import stored_api_record
from .throttles import AnonRateThrottle, ExportRateThrottle


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` reach the export, which streams its own body."""

    media_type = "text/csv"
    format = "csv"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return str(data).encode()  # unused: errors are JSON (finalize_response)


def _etag(*parts):
    return quote_etag(hashlib.sha256(repr(parts).encode()).hexdigest()[:32])


def object_etag(obj):
    """Changes whenever the record or (via updated_at) its nested rows change."""
    return _etag(obj.pk, getattr(obj, "version", None), obj.updated_at)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record changed since you read it. GET it again and re-apply your change."
    )
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag from your last GET of this record."
    default_code = "precondition_required"


class ConditionalMixin:
    """ETag / Last-Modified on list and detail; If-None-Match gives a 304."""

    def _conditional(self, request, etag, last_modified, render):
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if last_modified:
            headers["Last-Modified"] = http_date(last_modified.timestamp())
        if client_is_current(request, etag, headers.get("Last-Modified")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        response = render()
        for key, value in headers.items():
            response[key] = value
        return response

    def list(self, request, *args, **kwargs):
        """Validated by the data version: no pass over the filtered set."""
        version = data_version()
        render = lambda: super(ConditionalMixin, self).list(request, *args, **kwargs)  # noqa: E731
        if version is None:  # cache unreachable: no validator, answer anyway
            return render()
        etag = _etag(version, request.get_full_path(), request.user.pk)
        return self._conditional(request, etag, version_time(version), render)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return self._conditional(
            request,
            object_etag(obj),
            obj.updated_at,
            lambda: Response(self.get_serializer(obj).data),
        )

    # Writes: If-Match must name the current ETag (optimistic locking, with
    # `Versioned.save` closing the race between this check and the write).
    def check_if_match(self, obj):
        header = self.request.headers.get("If-Match")
        if header is None:
            raise PreconditionRequired()
        if header.strip() != "*" and object_etag(obj) not in [
            t.strip() for t in header.split(",")
        ]:
            raise PreconditionFailed()

    def perform_update(self, serializer):
        self.check_if_match(serializer.instance)
        try:
            self._save(serializer)
        except StaleVersion as exc:  # a concurrent write won the race
            raise PreconditionFailed() from exc

    def perform_destroy(self, instance):
        self.check_if_match(instance)
        instance.delete()  # ProtectedError: a 409 naming what uses it (errors.py)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON whatever was negotiated (`?format=csv` included).
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("PUT", "PATCH", "POST") and response.status_code in (
            200,
            201,
        ):
            obj = getattr(self, "_written", None)
            if obj is not None:
                response["ETag"] = object_etag(obj)
        return response

    def perform_create(self, serializer):
        self._save(serializer)

    def _save(self, serializer):
        """One transaction, derived before it commits (db/deriving.py); the
        response shows the record's derived values (status, updated_at) as
        stored."""
        with transaction.atomic():
            self._written = serializer.save()
        derived = ["status"] if isinstance(self._written, Document) else []
        self._written.refresh_from_db(fields=["updated_at", *derived])


class EnglishApiMixin:
    def initial(self, request, *args, **kwargs):
        translation.activate("en")  # one stable language for machine clients
        if not hasattr(self, request.method.lower()):  # 405 before any 401/403
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            refuse_unknown_parameters(self, request)


class RecordViewSet(EnglishApiMixin, ConditionalMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # anything; unknown slugs get DRF's JSON 404

    def get_queryset(self):
        return self.queryset.order_by("slug")


class DocumentViewSet(RecordViewSet):
    """Signed documents with parties, sectors, lifecycle, relations and sources."""

    queryset = Document.objects.all()
    serializer_class = serializers.DocumentSerializer
    filterset_class = filters.DocumentFilter

    pagination_class = DocumentPagination
    extra_query_parameters = ("expand",)
    expand_parameter = OpenApiParameter(
        "expand",
        OpenApiTypes.STR,
        enum=["details"],
        description="`details`: each row as the full record of the detail endpoint "
        "(events, citations, relations); slower.",
    )

    @property
    def expanded(self):
        expand = self.request.query_params.get("expand")
        if expand not in (None, "details"):
            raise ValidationError({"expand": "Use details, or leave it out."})
        return self.action != "list" or expand == "details"

    def get_queryset(self):
        documents = Document.objects.all()
        if self.action == "history":
            return documents
        if self.expanded:
            documents = documents.with_details()
        else:
            documents = documents.stored_rows()
        return documents.with_text_snippets(self.request.query_params.get("q"))

    def retrieve(self, request, *args, **kwargs):
        """The stored API record while it is current (`Document.api_record`);
        built again, as any record, after a write it does not yet show, or when
        `as_of` or `q` change what the record shows."""
        if request.query_params.keys() - {"format"}:
            return super().retrieve(request, *args, **kwargs)
        stored = (
            Document.objects.filter(
                slug=kwargs["slug"], rendered_by=renderings.version()
            )
            .only("pk", "version", "updated_at", "api_record")
            .first()
        )
        if stored is None:
            return super().retrieve(request, *args, **kwargs)
        return self._conditional(
            request,
            object_etag(stored),
            stored.updated_at,
            lambda: Response(stored_api_record(stored.api_record, request)),
        )

    def get_serializer_class(self):
        if self.expanded:
            return serializers.DocumentSerializer
        return serializers.DocumentListSerializer

    @extend_schema(
        parameters=[expand_parameter],
        responses=PolymorphicProxySerializer(
            "DocumentListRow",
            serializers=[
                serializers.DocumentListSerializer,
                serializers.DocumentSerializer,
            ],
            resource_type_field_name=None,
            many=True,
        ),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_content_negotiation(self, request, force=False):
        fmt = request.query_params.get("format", "csv")
        if self.action == "export" and not force and fmt not in ("csv", "json"):
            raise ValidationError({"format": "Use csv or json."})
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["csv", "json"],
                description="csv (default) or json",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): inline_serializer(
                "ExportRow",
                {column: drf_serializers.CharField() for column in COLUMNS},
                many=True,
            ),
        },
    )
    @action(
        detail=False,
        pagination_class=None,
        url_path="export",
        renderer_classes=[CSVRenderer, JSONRenderer],
        throttle_classes=[AnonRateThrottle, ExportRateThrottle],
    )
    def export(self, request):
        """The whole filtered set, streamed: same filters as the list, no paging."""
        fmt = request.query_params.get("format", "csv")
        queryset = self.filter_queryset(Document.objects.all())
        return export_response(queryset, fmt)

    @extend_schema(responses=serializers.DocumentHistorySerializer)
    @action(detail=True, pagination_class=None, filterset_class=None)
    def history(self, request, slug=None):
        """What changed in the document and when, newest first, each change with
        a stable id and permanent link; the editors who made them are not named."""
        document = self.get_object()
        path = reverse("agreements:document-history", args=[document.slug])
        context = {"page_url": permanent_url(request, path)}
        data = {
            "slug": document.slug,
            "version": document.version,
            "updated_at": document.updated_at,
            "history": document_history(document),
        }
        return Response(
            serializers.DocumentHistorySerializer(data, context=context).data
        )


class DeletedDocumentViewSet(
    EnglishApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Tombstones of deleted documents, oldest first. With `since`: what a sync
    client that last synced then must drop (and `updated_since` on the document
    list gives what it must fetch)."""

    queryset = DeletedDocument.objects.all()
    serializer_class = serializers.DeletedDocumentSerializer
    filterset_class = filters.DeletedDocumentFilter
    pagination_class = DeletionPagination


class PartyViewSet(RecordViewSet):
    queryset = Party.objects.select_related("parent")
    serializer_class = records.PartySerializer
    filterset_class = filters.PartyFilter


class PersonViewSet(RecordViewSet):
    """People who signed documents, with the posts they held."""

    queryset = Person.objects.prefetch_related("positions__party")
    serializer_class = records.PersonSerializer
    filterset_class = filters.PersonFilter


class SectorViewSet(RecordViewSet):
    queryset = Sector.objects.all()
    serializer_class = records.SectorSerializer
    filterset_class = filters.SectorFilter


class OccasionViewSet(RecordViewSet):
    queryset = Occasion.objects.all()
    serializer_class = records.OccasionSerializer
    filterset_class = filters.OccasionFilter


class SourceViewSet(RecordViewSet):
    """Sources; one source's record lists the documents and facts it supports."""

    queryset = Source.objects.prefetch_related("archived_copies")
    serializer_class = records.SourceSerializer
    filterset_class = filters.SourceFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related(
                Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related(
                        "document", "occasion", "party", "person"
                    ).order_by(
                        "document__slug",
                        "occasion__slug",
                        "party__slug",
                        "person__slug",
                        "field",
                    ),
                )
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return records.SourceDetailSerializer
        return super().get_serializer_class()
