"""The records a document refers to: parties, sectors, occasions, sources and
their citations, lifecycle events, and the open research questions."""

from django.contrib import admin
from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import models
from .base import CitationInline, PickerLabelMixin, RecordAdmin, count_column


@admin.register(models.Party)
class PartyAdmin(RecordAdmin):
    list_display = ["__str__", "name_ru", "kind", "country", "parent"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    fields = ["slug", "name_ru", "name_en", "kind", "country", "parent", "wikidata_id"]
    inlines = [type("PartyCitationInline", (CitationInline,), {"fk_name": "party"})]

    def get_search_results(self, request, queryset, search_term):
        """Both languages; a name that is the words typed, then one that starts
        with them, then the shortest ("Russian Fed": the state, not a ministry)."""
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return queryset, distinct
        rank = Case(
            When(Q(name_en__iexact=term) | Q(name_ru__iexact=term), then=Value(0)),
            When(
                Q(name_en__istartswith=term) | Q(name_ru__istartswith=term),
                then=Value(1),
            ),
            default=Value(2),
        )
        return queryset.order_by(rank, Length("search_text"), "slug"), distinct


class RelatedCountMixin:
    """Annotates each record with `n_<counted>`, the size of that reverse
    relation, for a `count_column`."""

    counted = None

    def get_queryset(self, request):
        counts = {f"n_{self.counted}": Count(self.counted)}
        return super().get_queryset(request).annotate(**counts)


class DocumentCountMixin(RelatedCountMixin):
    """A sortable "documents" column: how many documents use the record."""

    counted = "documents"
    document_count = count_column(_("documents"), "documents")


@admin.register(models.Sector)
class SectorAdmin(DocumentCountMixin, RecordAdmin):
    list_display = ["__str__", "name_ru", "slug", "document_count"]
    fields = ["slug", "name_ru", "name_en"]


@admin.register(models.Occasion)
class OccasionAdmin(DocumentCountMixin, RecordAdmin):
    list_display = ["__str__", "kind", "started_on", "place_en", "document_count"]
    list_filter = ["kind"]
    date_hierarchy = "started_on"
    fieldsets = [
        (
            None,
            {"fields": ["slug", "kind", ("started_on", "ended_on"), "wikidata_id"]},
        ),
        (_("Names"), {"fields": ["name_ru", "name_en", ("place_ru", "place_en")]}),
        (_("Context"), {"fields": ["summary_ru", "summary_en"]}),
    ]
    inlines = [
        type("OccasionCitationInline", (CitationInline,), {"fk_name": "occasion"})
    ]


@admin.register(models.Source)
class SourceAdmin(RelatedCountMixin, RecordAdmin):
    counted = "citations"
    list_display = [
        "slug",
        "label",
        "title",
        "publisher",
        "language",
        "published_on",
        "citation_count",
    ]
    list_filter = ["language", "published_precision"]
    ordering = ["slug"]  # explicit: the citation count groups rows
    fields = [
        "slug",
        "label",
        "title",
        "publisher",
        ("url", "archived_url"),
        "language",
        ("published_on", "published_precision"),
        "accessed_on",
        ("note_ru", "note_en"),
    ]

    citation_count = count_column(_("citations"), "citations")


@admin.register(models.Citation)
class CitationAdmin(PickerLabelMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "field", "claim_en", "confidence", "source"]
    list_filter = ["confidence", "field", "source"]
    list_select_related = ["source", "document", "occasion", "party", "event", "person"]
    search_fields = [
        "quote",
        "claim_ru",
        "claim_en",
        "document__slug",
        "source__slug",
    ]
    autocomplete_fields = ["source", "document", "occasion", "party", "event", "person"]


class EventCitationInline(CitationInline):
    fk_name = "event"


@admin.register(models.LifecycleEvent)
class LifecycleEventAdmin(PickerLabelMixin, SimpleHistoryAdmin):
    """An event, its domestic act and the sources of both (a document's page
    enters the event in one row; its sources are entered here)."""

    list_display = ["document", "kind", "occurred_on", "party", "act_number"]
    list_filter = ["kind", "act_kind"]
    inlines = [EventCitationInline]
    fieldsets = [
        (None, {"fields": ["document", ("kind", "occurred_on", "party")]}),
        (
            _("Domestic act"),
            {
                "fields": [
                    ("act_kind", "act_number", "act_date"),
                    ("act_title_ru", "act_title_en"),
                    ("published_in_ru", "published_in_en"),
                    "act_url",
                ]
            },
        ),
        (None, {"fields": [("note_ru", "note_en")]}),
    ]
    list_select_related = ["document", "party"]
    date_hierarchy = "occurred_on"
    search_fields = ["document__slug", "act_number", "note_ru", "note_en"]
    autocomplete_fields = ["document", "party"]


@admin.register(models.ResearchQuestion)
class ResearchQuestionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "document", "field"]
    list_filter = ["status"]
    list_select_related = ["document"]
    search_fields = ["slug", "question_ru", "question_en", "document__slug"]
    autocomplete_fields = ["document"]
    fieldsets = [
        (None, {"fields": ["slug", "status", ("document", "field")]}),
        (_("Question"), {"fields": ["question_ru", "question_en"]}),
        (_("What has been searched"), {"fields": ["searched_ru", "searched_en"]}),
        (_("What would settle it"), {"fields": ["settles_ru", "settles_en"]}),
    ]
