"""Serializers of the records documents are filed under: sectors, parties,
occasions, people (with their posts) and sources (with their archived copies
and the facts they support)."""

from rest_framework import serializers

from ..models import (
    ArchivedCopy,
    Citation,
    Occasion,
    Party,
    Person,
    Position,
    Sector,
    Source,
)
from .mixins import HtmlUrlMixin, ModelValidationMixin
from .model_serializer import ModelSerializer


def former_field(name):
    """The single-language field a text had before it came in `_ru` / `_en`:
    the English text, else the Russian one. Kept for one version of the API."""
    return serializers.CharField(
        read_only=True,
        help_text=f"Deprecated: `{name}_en`, else `{name}_ru`. Removed in the next "
        "version of the API.",
    )


# How the full serializer of a sector, party or occasion ends.
RECORD_FIELDS = ["url", "version", "created_at", "updated_at"]


class SectorSerializer(ModelValidationMixin, HtmlUrlMixin, ModelSerializer):
    class Meta:
        model = Sector
        fields = ["slug", "name_ru", "name_en", *RECORD_FIELDS]


class PartyRefSerializer(ModelSerializer):
    class Meta:
        model = Party
        fields = ["slug", "name_ru", "name_en", "kind", "country"]


class PartySerializer(ModelValidationMixin, HtmlUrlMixin, ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Party
        fields = [
            *PartyRefSerializer.Meta.fields,
            "parent",
            "wikidata_id",
            *RECORD_FIELDS,
        ]


class OccasionRefSerializer(ModelSerializer):
    class Meta:
        model = Occasion
        fields = ["slug", "name_ru", "name_en", "kind", "started_on"]


class OccasionSerializer(ModelValidationMixin, HtmlUrlMixin, ModelSerializer):
    class Meta:
        model = Occasion
        fields = [
            *OccasionRefSerializer.Meta.fields,
            "ended_on",
            "place_ru",
            "place_en",
            "summary_ru",
            "summary_en",
            "wikidata_id",
            *RECORD_FIELDS,
        ]


class PersonRefSerializer(ModelSerializer):
    class Meta:
        model = Person
        fields = ["slug", "name_ru", "name_en", "wikidata_id"]


class PositionSerializer(ModelSerializer):
    party = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The body the post belongs to (parties.slug).",
    )

    class Meta:
        model = Position
        fields = ["title_ru", "title_en", "party", "held_from", "held_until"]


class PersonSerializer(ModelValidationMixin, HtmlUrlMixin, ModelSerializer):
    positions = PositionSerializer(
        many=True,
        read_only=True,
        help_text="Posts held; a date not known is null.",
    )

    class Meta:
        model = Person
        fields = [*PersonRefSerializer.Meta.fields, "positions", *RECORD_FIELDS]


class StoredFileSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="Served with its sniffed content type, sandboxed."
    )
    name = serializers.CharField(read_only=True)

    def get_download_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ArchivedCopySerializer(StoredFileSerializer):
    class Meta:
        model = ArchivedCopy
        fields = [
            "name",
            "captured_on",
            "content_type",
            "size",
            "sha256",
            "download_url",
            "note",
        ]


class SourceSerializer(ModelValidationMixin, ModelSerializer):
    note = former_field("note")
    page = serializers.SerializerMethodField(
        help_text="The source's public HTML page (`url` is the source's own address)."
    )
    archived_copies = ArchivedCopySerializer(many=True, read_only=True)

    class Meta:
        model = Source
        fields = [
            "slug",
            "label",
            "title",
            "publisher",
            "url",
            "archived_url",
            "language",
            "published_on",
            "published_precision",
            "accessed_on",
            "version",
            "note_ru",
            "note_en",
            "note",
            "page",
            "archived_copies",
            "created_at",
            "updated_at",
        ]

    def get_page(self, obj) -> str:
        return HtmlUrlMixin.get_url(self, obj)


class SupportedFactSerializer(ModelSerializer):
    """One fact a source supports: the record, the field and what it says."""

    # A citation is about one record: the other subjects are null.
    document = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    occasion = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    party = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    person = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    claim = former_field("claim")
    note = former_field("note")

    class Meta:
        model = Citation
        fields = [
            "document",
            "occasion",
            "party",
            "person",
            "field",
            "claim_ru",
            "claim_en",
            "claim",
            "quote",
            "confidence",
            "note_ru",
            "note_en",
            "note",
        ]


class SourceDetailSerializer(SourceSerializer):
    documents = serializers.SerializerMethodField(
        help_text="Slugs of the documents this source supports a fact of."
    )
    facts = SupportedFactSerializer(
        source="citations",
        many=True,
        read_only=True,
        help_text="Every fact it supports.",
    )

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "documents", "facts"]

    def get_documents(self, obj) -> list[str]:
        return sorted({c.document.slug for c in obj.citations.all() if c.document})
