import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Citation,
    DeletedDocument,
    Document,
    LifecycleEvent,
    Occasion,
    Participation,
    Party,
    Sector,
    Source,
)


class ModelValidationMixin:
    """Run the model's own validation (fields, clean(), check constraints) so a
    write the database would refuse is a 400 with a message, never an IntegrityError.
    Text fields take JSON strings only (DRF would turn 0 into "0")."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {
                name: ["Not a valid string."]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and data.get(name) is not None
                and not isinstance(data[name], str)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance else model()
        many = {f.name for f in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many:
                setattr(instance, name, value)
        instance.full_clean(exclude=many, validate_unique=False)
        return attrs


class HtmlUrlMixin(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text="The public HTML page.")

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class SectorSerializer(ModelValidationMixin, HtmlUrlMixin, serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = [
            "slug",
            "name_ru",
            "name_en",
            "url",
            "version",
            "created_at",
            "updated_at",
        ]


class PartyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["slug", "name_ru", "name_en", "kind", "country"]


class PartySerializer(ModelValidationMixin, HtmlUrlMixin, serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Party
        fields = [
            "slug",
            "name_ru",
            "name_en",
            "kind",
            "country",
            "parent",
            "url",
            "version",
            "created_at",
            "updated_at",
        ]


class OccasionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occasion
        fields = ["slug", "name_ru", "name_en", "kind", "started_on"]


class OccasionSerializer(
    ModelValidationMixin, HtmlUrlMixin, serializers.ModelSerializer
):
    class Meta:
        model = Occasion
        fields = [
            "slug",
            "name_ru",
            "name_en",
            "kind",
            "started_on",
            "ended_on",
            "place_ru",
            "place_en",
            "summary_ru",
            "summary_en",
            "url",
            "version",
            "created_at",
            "updated_at",
        ]


class SourceSerializer(ModelValidationMixin, serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "slug",
            "title",
            "publisher",
            "url",
            "language",
            "published_on",
            "published_precision",
            "accessed_on",
            "version",
            "created_at",
            "updated_at",
        ]


class ParticipationSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer()

    class Meta:
        model = Participation
        fields = ["party", "role", "signatory_ru", "signatory_en"]


class EventSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = LifecycleEvent
        fields = ["kind", "occurred_on", "party", "note"]


class CitationSerializer(serializers.ModelSerializer):
    source = SourceSerializer()

    class Meta:
        model = Citation
        fields = ["field", "claim", "quote", "confidence", "note", "source"]


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"],
        help_text="outgoing: this document <kind> the other; incoming: the other <kind> this.",
    )
    document = serializers.SlugField()


class DocumentSerializer(
    ModelValidationMixin, HtmlUrlMixin, serializers.ModelSerializer
):
    occasion = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Occasion.objects.all(),
        allow_null=True,
        required=False,
    )
    sectors = serializers.SlugRelatedField(
        slug_field="slug", queryset=Sector.objects.all(), many=True, required=False
    )
    occasion_detail = OccasionRefSerializer(
        source="occasion", read_only=True, allow_null=True
    )
    participations = ParticipationSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)
    relations = serializers.SerializerMethodField()
    disputed_fields = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "slug",
            "title_ru",
            "title_en",
            "title_status",
            "kind",
            "legal_level",
            "status",
            "signed_on",
            "signed_precision",
            "place_ru",
            "place_en",
            "occasion",
            "occasion_detail",
            "sectors",
            "summary_ru",
            "summary_en",
            "term_years",
            "valid_until",
            "value_amount",
            "value_currency",
            "full_text_url",
            "participations",
            "events",
            "relations",
            "citations",
            "disputed_fields",
            "version",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "version", "created_at", "updated_at"]

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, obj):
        out = [
            {"kind": r.kind, "direction": "outgoing", "document": r.to_document.slug}
            for r in obj.relations_out.all()
        ]
        return out + [
            {"kind": r.kind, "direction": "incoming", "document": r.from_document.slug}
            for r in obj.relations_in.all()
        ]

    def get_disputed_fields(self, obj) -> list[str]:
        return obj.disputed_fields()


class DeletedDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeletedDocument
        fields = ["slug", "deleted_at"]
