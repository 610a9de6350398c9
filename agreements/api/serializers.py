import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..lifecycle import Status
from ..models import (
    ArchivedCopy,
    Citation,
    DeletedDocument,
    Document,
    DocumentText,
    LifecycleEvent,
    Occasion,
    Participation,
    Party,
    Sector,
    Source,
)
from ..provenance import document_facts
from .stored import StoredRowsSerializer


class ModelSerializer(serializers.ModelSerializer):
    """DRF works out a model serializer's fields (model introspection, field
    arguments, validators) for every instance, nested ones included; here once
    per class, then copied as DRF copies declared fields."""

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)


class ModelValidationMixin:
    """Run the model's own validation (fields, clean(), check constraints) so a
    write the database would refuse is a 400 with a message, never an IntegrityError.
    Text fields take JSON strings only (DRF would turn 0 into "0"), and their
    length limit applies to the text as sent, before surrounding whitespace is
    trimmed, as the schema's maxLength says. A link to a record is a slug or
    null, never "" (which DRF would read as null)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            texts = [
                (name, field, data[name])
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and data.get(name) is not None
            ]
            for name, field, value in texts:
                limit = field.max_length
                if not isinstance(value, str):
                    errors[name] = ["Not a valid string."]
                elif limit is not None and len(value) > limit:
                    errors[name] = [
                        f"Ensure this field has no more than {limit} characters."
                    ]
            errors.update(
                (name, ["Give a slug, or null for none."])
                for name, field in self.fields.items()
                if isinstance(field, serializers.RelatedField)
                and not field.read_only
                and data.get(name) == ""
            )
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
        fields = [*PartyRefSerializer.Meta.fields, "parent", *RECORD_FIELDS]


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
            *RECORD_FIELDS,
        ]


class StoredFileSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="Served with its sniffed content type, sandboxed."
    )
    name = serializers.CharField(read_only=True)

    def get_download_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class DocumentTextSerializer(StoredFileSerializer):
    class Meta:
        model = DocumentText
        fields = [
            "name",
            "kind",
            "language",
            "content_type",
            "size",
            "sha256",
            "download_url",
            "obtained_from",
            "obtained_on",
            "extraction_error",
        ]


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

    document = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    occasion = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Citation
        fields = [
            "document",
            "occasion",
            "party",
            "field",
            "claim",
            "quote",
            "confidence",
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


class ParticipationSerializer(ModelSerializer):
    party = PartyRefSerializer()

    class Meta:
        model = Participation
        fields = ["party", "role", "signatory_ru", "signatory_en"]


class EventSerializer(ModelSerializer):
    party = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = LifecycleEvent
        fields = ["kind", "occurred_on", "party", "note"]


class CitationSerializer(ModelSerializer):
    source = SourceSerializer(allow_null=True, help_text="null for an editorial one.")

    class Meta:
        model = Citation
        fields = ["field", "kind", "claim", "quote", "confidence", "note", "source"]


class FactSerializer(serializers.Serializer):
    fact = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["sourced", "editorial", "unknown", ""],
        help_text="sourced, editorial (the editors' classification), unknown; "
        "empty if given but not yet supported.",
    )
    sources = serializers.ListField(
        child=serializers.CharField(), help_text="Slugs of the sources that give it."
    )
    editorial_notes = serializers.ListField(child=serializers.CharField())
    open_questions = serializers.ListField(
        child=serializers.CharField(), help_text="Slugs of open research questions."
    )


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"],
        help_text="outgoing: this document <kind> the other; incoming: the other <kind> this.",
    )
    document = serializers.SlugField()


class PartyInListSerializer(serializers.Serializer):
    slug = serializers.CharField(source="party.slug")
    name_ru = serializers.CharField(source="party.name_ru")
    name_en = serializers.CharField(source="party.name_en")
    role = serializers.CharField()


class TextSnippetMixin(serializers.Serializer):
    text_snippet = serializers.SerializerMethodField(
        help_text="With q: a passage of an attached text where q was found, else null."
    )

    def get_text_snippet(self, obj) -> str | None:
        snippet = getattr(obj, "text_snippet", None)
        return snippet and snippet.replace("\x02", "").replace("\x03", "")


class ShownStatusMixin(serializers.Serializer):
    """The status a document shows: as it stood on `as_of` if asked, else today's."""

    status = serializers.ChoiceField(
        source="shown_status",
        choices=Status.choices,
        read_only=True,
        help_text="Derived from the lifecycle events; as it stood on `as_of` if given.",
    )


class DocumentListSerializer(
    ShownStatusMixin, TextSnippetMixin, HtmlUrlMixin, ModelSerializer
):
    """What a list row shows; the whole record is on the detail endpoint (or in
    the list with `?expand=details`)."""

    occasion = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    sectors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    parties = PartyInListSerializer(source="participations", many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            *Document.headline_fields,
            "occasion",
            "sectors",
            "parties",
            "text_snippet",
            "url",
            "updated_at",
        ]
        list_serializer_class = StoredRowsSerializer


class DocumentSerializer(
    ShownStatusMixin,
    TextSnippetMixin,
    ModelValidationMixin,
    HtmlUrlMixin,
    ModelSerializer,
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
    facts = serializers.SerializerMethodField()
    texts = DocumentTextSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            *Document.headline_fields,
            "place_ru",
            "place_en",
            "occasion",
            "occasion_detail",
            "sectors",
            *Document.terms_fields,
            "texts",
            "text_snippet",
            "participations",
            "events",
            "relations",
            "citations",
            "facts",
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

    @extend_schema_field(FactSerializer(many=True))
    def get_facts(self, obj):
        """How we know each fact: its sources, or editorial, or unknown."""
        return [
            {
                "fact": fact.name,
                "state": fact.state,
                "sources": [c.source.slug for c in fact.sourced],
                "editorial_notes": [c.note for c in fact.editorial],
                "open_questions": [q.slug for q in fact.questions],
            }
            for fact in document_facts(obj)
        ]


class DeletedDocumentSerializer(ModelSerializer):
    class Meta:
        model = DeletedDocument
        fields = ["slug", "deleted_at"]


class ChangePartSerializer(serializers.Serializer):
    record = serializers.CharField(
        source="model",
        help_text="document, participation, lifecycleevent, citation or "
        "documentrelation",
    )
    row = serializers.CharField(
        help_text="Which row, as a reader knows it (empty for the document itself)."
    )
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    fields = serializers.SerializerMethodField(
        method_name="get_changed_fields",
        help_text="Names of the fields a change wrote; null when the earlier state "
        "was not recorded; empty when the row was created or deleted.",
    )

    def get_changed_fields(self, obj) -> list[str] | None:
        return None if obj.fields is None else [name for name, _label in obj.fields]


class DocumentChangeSerializer(serializers.Serializer):
    id = serializers.CharField(
        source="anchor", help_text="Stable: the anchor on the HTML history page."
    )
    url = serializers.SerializerMethodField(help_text="Permanent link to the change.")
    changed_at = serializers.DateTimeField()
    version = serializers.IntegerField(
        allow_null=True, help_text="The document's version after this change."
    )
    reason = serializers.CharField(help_text="The editor's reason; may be empty.")
    changes = ChangePartSerializer(source="parts", many=True)

    def get_url(self, obj) -> str:
        return f"{self.context['page_url']}#{obj.anchor}"


class DocumentHistorySerializer(serializers.Serializer):
    """A document's recorded changes, newest first; editors are not named."""

    slug = serializers.SlugField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="The HTML history page.")
    history = DocumentChangeSerializer(many=True)

    def get_url(self, obj) -> str:
        return self.context["page_url"]
