"""Serializers of documents: a list row, the whole record, its history and
the deleted ones."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from ..lifecycle import Status
from ..models import (
    Citation,
    DeletedDocument,
    Document,
    DocumentIdentifier,
    DocumentText,
    LifecycleEvent,
    Occasion,
    Participation,
    Sector,
)
from ..provenance import document_facts
from .mixins import HtmlUrlMixin, ModelValidationMixin
from .model_serializer import ModelSerializer
from .records import (
    OccasionRefSerializer,
    PartyRefSerializer,
    PersonRefSerializer,
    PositionSerializer,
    SourceSerializer,
    StoredFileSerializer,
    former_field,
)
from .stored import StoredRowsSerializer


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


class ParticipationSerializer(ModelSerializer):
    party = PartyRefSerializer()

    class Meta:
        model = Participation
        fields = ["party", "role", "signatory_ru", "signatory_en"]


class IdentifierSerializer(ModelSerializer):
    class Meta:
        model = DocumentIdentifier
        fields = ["scheme", "value", "url"]


class CitationSerializer(ModelSerializer):
    claim = former_field("claim")
    note = former_field("note")
    source = SourceSerializer(allow_null=True, help_text="null for an editorial one.")

    class Meta:
        model = Citation
        fields = [
            "field",
            "kind",
            "claim_ru",
            "claim_en",
            "claim",
            "quote",
            "confidence",
            "note_ru",
            "note_en",
            "note",
            "source",
        ]


class EventSerializer(ModelSerializer):
    note = former_field("note")
    party = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The party whose step this is; null for all parties.",
    )
    citations = CitationSerializer(
        many=True, read_only=True, help_text="The sources of the event and its act."
    )

    class Meta:
        model = LifecycleEvent
        fields = [
            "kind",
            "occurred_on",
            "party",
            "act_kind",
            "act_number",
            "act_date",
            "act_title_ru",
            "act_title_en",
            "published_in_ru",
            "published_in_en",
            "act_url",
            "note_ru",
            "note_en",
            "note",
            "citations",
        ]


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


class PartyInDetailSerializer(PartyInListSerializer):
    """A list row's party, with who signed for it: as the source writes it,
    and the person's record and post where a source names them."""

    signatory_ru = serializers.CharField()
    signatory_en = serializers.CharField()
    status = serializers.ChoiceField(
        choices=Status.choices,
        read_only=True,
        help_text="Where this party stands today, derived from the events and "
        "the entry-into-force rule.",
    )
    person = PersonRefSerializer(
        allow_null=True, help_text="Who signed (/api/v1/people/); null if not known."
    )
    person_position = PositionSerializer(
        allow_null=True, help_text="The post they signed in; null if not known."
    )


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


@extend_schema_serializer(deprecate_fields=["participations"])
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
    parties = PartyInDetailSerializer(
        source="participations",
        many=True,
        read_only=True,
        help_text="The parties, as a list row names them, with their signatories.",
    )
    participations = ParticipationSerializer(
        many=True,
        read_only=True,
        help_text="Deprecated alias of `parties` (the party nested): removed in "
        "the next version of the API.",
    )
    identifiers = IdentifierSerializer(
        many=True,
        read_only=True,
        help_text="Official numbers it is known by (registers, publications, "
        "Wikidata).",
    )
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
            "identifiers",
            "texts",
            "text_snippet",
            "parties",
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
        help_text="document, participation, lifecycleevent, citation, "
        "documentrelation, documenttext or documentidentifier",
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
