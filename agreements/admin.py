from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Length
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token, TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from . import models
from .admin_files import DocumentTextInline
from .admin_forms import BulkChoiceForm, DocumentFromSourceForm, RecordAdminForm
from .caching import CachedCountPaginator, remember
from .export import export_response
from .history import ROW_HISTORY
from .models.sources import citable_facts
from .params import parse_int

admin.site.site_header = _("Agreement Tracker — analysts")
admin.site.site_title = _("Agreement Tracker")


def picker_label(record):
    """What a search-as-you-type picker shows: a short title or name and the
    slug of a document or source, by which analysts know them."""
    if isinstance(record, models.Document | models.Source):
        title = truncatechars(str(record), 60) if str(record) else ""
        return f"{title} ({record.slug})" if title else record.slug
    return str(record)


class AutocompleteView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": picker_label(obj)}


# The site's pickers ask this view; AdminSite.get_urls reads the attribute.
admin.site.autocomplete_view = lambda request: AutocompleteView.as_view(
    admin_site=admin.site
)(request)


class PickerLabelMixin:
    """The chosen document of a picker reads like the suggestions do."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model in (
            models.Document,
            models.Source,
        ):
            field.label_from_instance = picker_label
        return field


class ChangeReasonMixin:
    """The form's optional reason goes into the history of the record and of
    every inline row saved with it (simple-history reads `_change_reason`)."""

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason") or None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            row.instance._change_reason = form.cleaned_data.get("change_reason") or None
        super().save_formset(request, form, formset, change)


class NormalizedSearchMixin:
    """Admin search through `search_text`: case-insensitive Cyrillic on SQLite too."""

    search_fields = ["search_text"]  # enables the box; the lookup is ours

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False


class VersionedAdminForm(RecordAdminForm):
    """Carries the version the analyst started from; refuses to overwrite a newer one."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the stored version, also when reverting to an old one
            self.fields["seen_version"].initial = self._stored().values_list(
                "version", flat=True
            )[0]

    def _stored(self):
        return type(self.instance)._base_manager.filter(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = self._stored().select_for_update().first()
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
                "%(user)s saved this record at %(when)s, after you opened it. Nothing "
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


def changed_fields(record):
    """The fields a historical record changed, as the analyst knows them."""
    previous = record.prev_record
    if record.history_type == "-":
        return _("deleted")
    if previous is None:
        return _("created")
    names = record.diff_against(previous, excluded_fields=["version"]).changed_fields
    opts = record.instance_type._meta
    names = ", ".join(str(opts.get_field(n).verbose_name) for n in names)
    return names or _("none of its own (a save of its rows)")


def count_column(description, related):
    """A sortable column showing `n_<related>`, which the admin's queryset
    annotates: how many rows of that relation use the record."""
    annotation = f"n_{related}"

    @admin.display(description=description, ordering=annotation)
    def column(self, obj):
        return getattr(obj, annotation)

    return column


class RecordAdmin(
    ChangeReasonMixin,
    PickerLabelMixin,
    NormalizedSearchMixin,
    SimpleHistoryAdmin,
):
    """Editable records, locked optimistically: a save made from an outdated form
    is refused with who changed what (`VersionedAdminForm`)."""

    form = VersionedAdminForm
    readonly_fields = ["version", "created_at", "updated_at"]
    history_list_display = ["changed_fields"]
    object_history_list_template = "admin/agreements/object_history_list.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "seen_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = [*options["fields"], "seen_version"]
        return [(name, {**options, "fields": fields}), *rest]

    def save_model(self, request, obj, form, change):
        if (
            change
        ):  # an edit or a revert: lock against the version the form started from
            obj.version = form.cleaned_data.get("seen_version") or obj.version
            obj._state.adding = False
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except models.StaleVersion:
            # Saved by someone else between our check and our write.
            self.message_user(
                request,
                _(
                    "Someone saved this record at the same moment; nothing of yours was "
                    "saved. Please make your change again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description=_("changed fields"))
    def changed_fields(self, record):
        return changed_fields(record)


class SignedYearFilter(admin.SimpleListFilter):
    title = _("year signed")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            models.Document.objects.exclude(signed_on=None)
            .annotate(year=ExtractYear("signed_on"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        years = remember(years.query, lambda: list(years))  # once per data version
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value():
            year = parse_int(self.value(), self.parameter_name, 1, 9999)
            return queryset.filter(signed_on__year=year)
        return queryset


class WorkQueueFilter(admin.SimpleListFilter):
    """What is still to do, the rules of the public data-quality page."""

    title = _("work queue")
    parameter_name = "todo"
    QUEUES = {
        "uncited": (_("no citation"), "uncited"),
        "no_english_title": (_("no English title"), "without_english_title"),
        "no_dated_event": (_("status without a dated event"), "without_events"),
        "disputed": (_("disputed"), "disputed"),
        "title_unknown": (_("title unknown"), "title_unknown"),
        "without_parties": (_("parties not known"), "without_parties"),
        "undated": (_("signing date not known"), "undated"),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _method) in self.QUEUES.items()]

    def queryset(self, request, queryset):
        if self.value() in self.QUEUES:
            return getattr(queryset, self.QUEUES[self.value()][1])()
        return queryset


class ParticipationInline(admin.TabularInline):
    model = models.Participation
    extra = 0
    autocomplete_fields = ["party"]
    fields = ["party", "role", "signatory_ru", "signatory_en", "position"]


class LifecycleEventInline(admin.TabularInline):
    model = models.LifecycleEvent
    extra = 0
    autocomplete_fields = ["party"]
    fields = ["kind", "occurred_on", "party", "note"]


class CitationInline(PickerLabelMixin, admin.StackedInline):
    model = models.Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("kind", "source", "field", "confidence"), "claim", "quote", "note"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "field":  # the facts of this kind of record only
            kwargs["choices"] = citable_facts()[self.fk_name]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class DocumentCitationInline(CitationInline):
    fk_name = "document"


class RelationInline(PickerLabelMixin, admin.TabularInline):
    model = models.DocumentRelation
    fk_name = "from_document"
    extra = 0
    autocomplete_fields = ["to_document"]
    fields = ["kind", "to_document", "note"]
    verbose_name_plural = _("related documents (this document → other)")


class DocumentAdminForm(VersionedAdminForm):
    partial_dates = {"signed_on": "signed_precision"}


def row_changes(document_id):
    """Every change to the inline rows of a document, newest first:
    [(historical record, its model's verbose name, changed fields)]."""
    changes = []
    for model, fk in ROW_HISTORY:
        for record in model.history.filter(**{f"{fk}_id": document_id}).select_related(
            "history_user"
        ):
            changes.append((record, model._meta.verbose_name, changed_fields(record)))
    return sorted(changes, key=lambda change: change[0].history_date, reverse=True)


@admin.register(models.Document)
class DocumentAdmin(RecordAdmin):
    form = DocumentAdminForm
    list_display = [
        "short_title",
        "kind",
        "signed",
        "status",
        "party_list",
        "citation_count",
    ]  # fits 1280 px beside the filters; sectors are a filter
    list_filter = [
        WorkQueueFilter,
        "kind",
        "legal_level",
        "status",
        "sectors",
        "occasion",
        SignedYearFilter,
        "title_status",
    ]
    list_select_related = ["occasion"]
    ordering = ["-signed_on", "slug"]
    # At a million documents: no second count of the whole table, a total
    # counted once per data version, no date drill-down (a scan of every date).
    show_full_result_count = False
    paginator = CachedCountPaginator
    autocomplete_fields = ["occasion", "sectors"]
    actions = ["add_sector", "set_occasion", "export_csv"]
    inlines = [
        ParticipationInline,
        LifecycleEventInline,
        DocumentCitationInline,
        RelationInline,
        DocumentTextInline,
    ]
    readonly_fields = ["status", "disputed", "version", "created_at", "updated_at"]

    class Media:
        css = {"all": ["css/admin.css"]}

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
            {
                "fields": [
                    ("signed_on", "signed_precision", "occasion"),
                    ("place_ru", "place_en"),
                ]
            },
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

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "row_changes": row_changes(object_id)}
        return super().history_view(request, object_id, extra_context)

    object_history_template = "admin/agreements/document/object_history.html"

    def get_urls(self):
        return [
            path(
                "from-source/",
                self.admin_site.admin_view(self.from_source_view),
                name="agreements_document_from_source",
            ),
            *super().get_urls(),
        ]

    def from_source_view(self, request):
        """A new document, every fact entered cited to one source, in one save."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"source": request.GET.get("source")}
        form = DocumentFromSourceForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            document = document_from_source(form)
            self.log_addition(request, document, [{"added": {}}])
            self.message_user(
                request,
                _("Saved with %(n)d citations of the source.")
                % {"n": document.citations.count()},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:agreements_document_change", args=[document.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("New document from a source"),
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
        }
        return render(request, "admin/agreements/document/from_source.html", context)

    @admin.action(description=_("Add a sector to the selected documents"))
    def add_sector(self, request, queryset):
        return self.bulk_choice(
            request,
            queryset,
            "add_sector",
            models.Sector.objects.all(),
            _("Sector to add"),
            lambda doc, sector: doc.sectors.add(sector),
        )

    @admin.action(description=_("Set the occasion of the selected documents"))
    def set_occasion(self, request, queryset):
        def apply(doc, occasion):
            doc.occasion = occasion
            doc._change_reason = _("bulk action: occasion set")
            doc.save()

        return self.bulk_choice(
            request,
            queryset,
            "set_occasion",
            models.Occasion.objects.all(),
            _("Occasion"),
            apply,
        )

    @admin.action(description=_("Export the selected documents (CSV)"))
    def export_csv(self, request, queryset):
        selected = models.Document.objects.filter(pk__in=queryset.values("pk"))
        return export_response(selected, "csv", filename="selected-documents")

    def bulk_choice(self, request, queryset, action, choices, label, apply):
        """Ask which record to apply, then apply it to every selected document in
        one transaction and bring their derived data up to date once."""
        form = BulkChoiceForm(
            request.POST if "apply" in request.POST else None,
            queryset=choices,
            label=label,
        )
        if form.is_valid():
            with transaction.atomic():
                pks = list(queryset.values_list("pk", flat=True))  # no GROUP BY
                documents = list(
                    models.Document.objects.select_for_update().filter(pk__in=pks)
                )
                for doc in documents:
                    apply(doc, form.cleaned_data["choice"])
            self.message_user(
                request,
                _("%(n)d documents changed.") % {"n": len(documents)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "opts": self.model._meta,
            "form": form,
            "action": action,
            "documents": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return render(request, "admin/agreements/document/bulk_choice.html", context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_related()
            # Counted per row shown (a subquery), not by grouping every document.
            .annotate(
                n_citations=Coalesce(
                    Subquery(
                        models.Citation.objects.filter(document=OuterRef("pk"))
                        .order_by()
                        .values("document")
                        .annotate(n=Count("*"))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    @admin.display(description=_("title"), ordering="title_ru")
    def short_title(self, obj):
        return format_html(
            '<span title="{}">{}</span>', obj, truncatechars(str(obj), 70)
        )

    @admin.display(description=_("signed on"), ordering="signed_on")
    def signed(self, obj):
        return obj.signed_display or "—"

    @admin.display(description=_("parties"))
    def party_list(self, obj):
        parties = list({p.party_id: p.party for p in obj.participations.all()}.values())
        shown = format_html_join(", ", "{}", ((p,) for p in parties[:3])) or "—"
        more = len(parties) - 3
        return format_html("{} (+{})", shown, more) if more > 0 else shown

    citation_count = count_column(_("citations"), "citations")

    @admin.display(description=_("disputed facts"))
    def disputed(self, obj):
        return ", ".join(obj.disputed_fields()) or "—"


@transaction.atomic
def document_from_source(form):
    """Save the form's document, its parties, its signing and a citation of the
    source for every fact given, all with one change reason; derive once."""
    source = form.source_instance()
    if source.pk is None:
        source.save()
    reason = form.cleaned_data.get("change_reason") or _("entered from %(source)s") % {
        "source": source.slug
    }
    form.instance._change_reason = reason
    document = form.save()
    rows = [
        models.Participation(document=document, party=party, position=position)
        for position, party in enumerate(form.cleaned_data["parties"])
    ]
    if document.signed_on:
        kind = models.LifecycleEvent.Kind.SIGNED
        rows.append(
            models.LifecycleEvent(
                document=document, kind=kind, occurred_on=document.signed_on
            )
        )
    for row in rows + form.citations(document, source):
        row._change_reason = reason
        row.save()
    return document


@admin.register(models.Party)
class PartyAdmin(RecordAdmin):
    list_display = ["__str__", "name_ru", "kind", "country", "parent"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    fields = ["slug", "name_ru", "name_en", "kind", "country", "parent"]
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
        (None, {"fields": ["slug", "kind", ("started_on", "ended_on")]}),
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
        "note",
    ]

    citation_count = count_column(_("citations"), "citations")


@admin.register(models.Citation)
class CitationAdmin(PickerLabelMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "field", "claim", "confidence", "source"]
    list_filter = ["confidence", "field", "source"]
    list_select_related = ["source", "document", "occasion", "party"]
    search_fields = ["quote", "claim", "document__slug", "source__slug"]
    autocomplete_fields = ["source", "document", "occasion", "party"]


@admin.register(models.LifecycleEvent)
class LifecycleEventAdmin(PickerLabelMixin, SimpleHistoryAdmin):
    list_display = ["document", "kind", "occurred_on", "party"]
    list_filter = ["kind"]
    list_select_related = ["document", "party"]
    date_hierarchy = "occurred_on"
    search_fields = ["document__slug", "note"]
    autocomplete_fields = ["document", "party"]


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class OwnTokenAdmin(admin.ModelAdmin):
    """Every staff user creates, sees once and revokes their own API token, and
    nobody else's; the list page is the whole interface."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "",
                self.admin_site.admin_view(self.own_token_view),
                name=f"{opts.app_label}_{opts.model_name}_changelist",
            )
        ]

    def own_token_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        key = None
        if request.method == "POST":
            Token.objects.filter(user=request.user).delete()
            if "create" in request.POST:
                key = Token.objects.create(user=request.user).key
            else:
                self.message_user(
                    request, _("Your token is revoked."), messages.SUCCESS
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Your API token"),
            "opts": self.model._meta,
            "token": Token.objects.filter(user=request.user).first(),
            "new_key": key,
        }
        return render(request, "admin/authtoken/own_token.html", context)


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
