from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_files import DocumentTextInline
from .derive import documents_refresh, documents_showing, record_changed
from .models import (
    Citation,
    Document,
    DocumentRelation,
    LifecycleEvent,
    Occasion,
    Participation,
    Party,
    Sector,
    Source,
    StaleVersion,
)

admin.site.site_header = _("Agreement Tracker — analysts")
admin.site.site_title = _("Agreement Tracker")


class NormalizedSearchMixin:
    """Admin search through `search_text`: case-insensitive Cyrillic on SQLite too."""

    search_fields = ["search_text"]  # enables the box; the lookup is ours

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False


class DerivedDataAdmin:
    """Saves and deletes bring the documents that show the record up to date, once,
    after the inline rows (`derive.record_changed`)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_changed(form.instance)

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        shown_on = {
            record: list(documents_showing(record).values_list("pk", flat=True))
            for record in queryset
        }
        super().delete_queryset(request, queryset)
        for record, pks in shown_on.items():
            record_changed(record, pks)


class RecordAdmin(DerivedDataAdmin, NormalizedSearchMixin, SimpleHistoryAdmin):
    readonly_fields = ["created_at", "updated_at"]
    history_list_display = ["changed_fields"]

    @admin.display(description=_("changed fields"))
    def changed_fields(self, record):
        previous = record.prev_record
        if previous is None:
            return _("created")
        return ", ".join(record.diff_against(previous).changed_fields) or "—"


class SignedYearFilter(admin.SimpleListFilter):
    title = _("year signed")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            Document.objects.exclude(signed_on=None)
            .annotate(year=ExtractYear("signed_on"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(signed_on__year=int(self.value()))
        return queryset


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["party"]
    fields = ["party", "role", "signatory_ru", "signatory_en", "position"]


class LifecycleEventInline(admin.TabularInline):
    model = LifecycleEvent
    extra = 0
    autocomplete_fields = ["party"]
    fields = ["kind", "occurred_on", "party", "note"]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("source", "field", "confidence"), "claim", "quote", "note"]


class DocumentCitationInline(CitationInline):
    fk_name = "document"


class RelationInline(admin.TabularInline):
    model = DocumentRelation
    fk_name = "from_document"
    extra = 0
    autocomplete_fields = ["to_document"]
    fields = ["kind", "to_document", "note"]
    verbose_name_plural = _("related documents (this document → other)")


class DocumentAdminForm(forms.ModelForm):
    """Carries the version the analyst started from; refuses to overwrite a newer one."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the stored version, also when reverting to an old one
            self.fields["seen_version"].initial = (
                Document.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = (
            Document.objects.select_for_update().filter(pk=self.instance.pk).first()
        )
        seen = cleaned.get("seen_version")
        if current is None or seen == current.version:
            return cleaned
        # Let the analyst merge: keep their input, show what changed meanwhile, and
        # take the new version so that saving again is a conscious decision.
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = current.version
        last = current.history.first()
        changed = []
        base = current.history.filter(version=seen).first()
        if base and last:
            changed = [c.field for c in last.diff_against(base).changes]
        raise forms.ValidationError(
            _(
                "%(user)s saved this document at %(when)s, after you opened it. Nothing "
                "of yours was saved. Fields they changed: %(fields)s. Their values are in "
                "the history; your edits are still in the form. Review them and save "
                "again to keep yours."
            ),
            params={
                "user": getattr(last, "history_user", None) or _("Someone"),
                "when": f"{current.updated_at:%Y-%m-%d %H:%M:%S} UTC",
                "fields": ", ".join(changed) or _("related records only"),
            },
            code="stale",
        )


@admin.register(Document)
class DocumentAdmin(RecordAdmin):
    form = DocumentAdminForm
    list_display = [
        "__str__",
        "kind",
        "legal_level",
        "signed_on",
        "occasion",
        "status",
        "party_list",
        "sector_list",
        "citation_count",
    ]
    list_filter = [
        "kind",
        "legal_level",
        "status",
        "sectors",
        "occasion",
        SignedYearFilter,
        "title_status",
    ]
    list_select_related = ["occasion"]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["occasion", "sectors"]
    inlines = [
        ParticipationInline,
        LifecycleEventInline,
        DocumentCitationInline,
        RelationInline,
        DocumentTextInline,
    ]
    readonly_fields = ["status", "disputed", "version", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    ("kind", "legal_level"),
                    "title_status",
                    "seen_version",
                ]
            },
        ),
        (_("Title"), {"fields": ["title_ru", "title_en"]}),
        (
            _("Signing"),
            {"fields": [("signed_on", "occasion"), ("place_ru", "place_en")]},
        ),
        (
            _("Content"),
            {"fields": ["sectors", "summary_ru", "summary_en", "full_text_url"]},
        ),
        (
            _("Term and value"),
            {
                "fields": [
                    ("term_years", "valid_until"),
                    ("value_amount", "value_currency"),
                ]
            },
        ),
        (
            _("Derived"),
            {"fields": ["status", "disputed", "version", ("created_at", "updated_at")]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        if (
            change
        ):  # an edit or a revert: lock against the version the form started from
            obj.version = form.cleaned_data.get("seen_version") or obj.version
            obj._state.adding = False
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A relation removed here no longer shows on the other document either.
        documents_refresh(
            row.to_document_id
            for formset in formsets
            if formset.model is DocumentRelation
            for row in formset.deleted_objects
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersion:  # saved by someone else between our check and our write
            self.message_user(
                request,
                _(
                    "Someone saved this document at the same moment; nothing of yours was "
                    "saved. Please make your change again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_related()
            .annotate(n_citations=Count("citations", distinct=True))
        )

    @admin.display(description=_("parties"))
    def party_list(self, obj):
        parties = {p.party_id: p.party for p in obj.participations.all()}.values()
        return format_html_join(", ", "{}", ((p,) for p in parties)) or "—"

    @admin.display(description=_("sectors"))
    def sector_list(self, obj):
        return ", ".join(str(s) for s in obj.sectors.all()) or "—"

    @admin.display(description=_("citations"), ordering="n_citations")
    def citation_count(self, obj):
        return obj.n_citations

    @admin.display(description=_("disputed facts"))
    def disputed(self, obj):
        return ", ".join(obj.disputed_fields()) or "—"


@admin.register(Party)
class PartyAdmin(RecordAdmin):
    list_display = ["__str__", "name_ru", "kind", "country", "parent"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    fields = ["slug", "name_ru", "name_en", "kind", "country", "parent"]
    inlines = [type("PartyCitationInline", (CitationInline,), {"fk_name": "party"})]


@admin.register(Sector)
class SectorAdmin(RecordAdmin):
    list_display = ["__str__", "name_ru", "slug", "document_count"]
    fields = ["slug", "name_ru", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_documents=Count("documents"))

    @admin.display(description=_("documents"), ordering="n_documents")
    def document_count(self, obj):
        return obj.n_documents


@admin.register(Occasion)
class OccasionAdmin(RecordAdmin):
    list_display = ["__str__", "kind", "started_on", "place_en", "document_count"]
    list_filter = ["kind"]
    date_hierarchy = "started_on"
    fieldsets = [
        (None, {"fields": ["slug", "kind", ("started_on", "ended_on")]}),
        (_("Names"), {"fields": ["name_ru", "name_en", ("place_ru", "place_en")]}),
        (_("Context"), {"fields": ["summary_ru", "summary_en"]}),
    ]
    inlines = [
        type("OccasionCitationInline", (CitationInline,), {"fk_name": "occasion"})
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_documents=Count("documents"))

    @admin.display(description=_("documents"), ordering="n_documents")
    def document_count(self, obj):
        return obj.n_documents


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = [
        "slug",
        "title",
        "publisher",
        "language",
        "published_on",
        "citation_count",
    ]
    list_filter = ["language", "published_precision"]
    fields = [
        "slug",
        "title",
        "publisher",
        "url",
        "language",
        ("published_on", "published_precision"),
        "accessed_on",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_citations=Count("citations"))

    @admin.display(description=_("citations"), ordering="n_citations")
    def citation_count(self, obj):
        return obj.n_citations


@admin.register(Citation)
class CitationAdmin(DerivedDataAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "field", "claim", "confidence", "source"]
    list_filter = ["confidence", "field", "source"]
    list_select_related = ["source", "document", "occasion", "party"]
    search_fields = ["quote", "claim", "document__slug", "source__slug"]
    autocomplete_fields = ["source", "document", "occasion", "party"]


@admin.register(LifecycleEvent)
class LifecycleEventAdmin(DerivedDataAdmin, SimpleHistoryAdmin):
    list_display = ["document", "kind", "occurred_on", "party"]
    list_filter = ["kind"]
    list_select_related = ["document", "party"]
    date_hierarchy = "occurred_on"
    search_fields = ["document__slug", "note"]
    autocomplete_fields = ["document", "party"]
