"""The rows of the document change form: its parties, lifecycle events,
citations, identifiers and relations to other documents, each an inline
(DocumentAdmin.inlines; its attached texts' inline lives with the files, in
files.py). Apart from documents.py, the desk's list, form and actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import models
from .base import CitationInline, PickerLabelMixin


class ParticipationInline(admin.TabularInline):
    model = models.Participation
    extra = 0
    autocomplete_fields = ["party", "person", "person_position"]
    fields = [
        "party",
        "role",
        "signatory_ru",
        "signatory_en",
        "person",
        "person_position",
        "position",
    ]


class IdentifierInline(admin.TabularInline):
    model = models.DocumentIdentifier
    extra = 0
    fields = ["scheme", "value", "url"]


class LifecycleEventInline(admin.StackedInline):
    """One entry an event: a party's ratification or notification with the
    domestic act that made it, on four lines (a table of its 13 fields was
    2,100 px wide); its sources on the event's own page."""

    model = models.LifecycleEvent
    extra = 0
    autocomplete_fields = ["party"]
    show_change_link = True
    fields = [
        ("kind", "occurred_on", "party"),
        ("act_kind", "act_number", "act_date", "act_url"),
        ("act_title_ru", "act_title_en"),
        ("published_in_ru", "published_in_en"),
        ("note_ru", "note_en"),
    ]


class DocumentCitationInline(CitationInline):
    fk_name = "document"


class RelationInline(PickerLabelMixin, admin.TabularInline):
    model = models.DocumentRelation
    fk_name = "from_document"
    extra = 0
    autocomplete_fields = ["to_document"]
    fields = ["kind", "to_document", "note_ru", "note_en"]
    verbose_name_plural = _("related documents (this document → other)")
