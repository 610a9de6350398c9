"""The document desk: the list with its work queues, the change form with its
rows, a document entered from a source, and the bulk actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import models
from ..caching import CachedCountPaginator, remember
from ..export import export_response
from ..history import ROW_HISTORY
from ..params import parse_int
from ..services import document_from_source
from .base import RecordAdmin, changed_fields, count_column
from .files import DocumentTextInline, retry_extraction
from .forms import BulkChoiceForm, DocumentAdminForm, DocumentFromSourceForm
from .inlines import (
    DocumentCitationInline,
    IdentifierInline,
    LifecycleEventInline,
    ParticipationInline,
    RelationInline,
)


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
        "no_domestic_procedure": (
            _("signed over a year ago, no domestic procedure recorded for a party"),
            "without_domestic_procedure",
        ),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _method) in self.QUEUES.items()]

    def queryset(self, request, queryset):
        if self.value() in self.QUEUES:
            return getattr(queryset, self.QUEUES[self.value()][1])()
        return queryset


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
    actions = ["add_sector", "set_occasion", "export_csv", retry_extraction]
    inlines = [
        ParticipationInline,
        LifecycleEventInline,
        DocumentCitationInline,
        IdentifierInline,
        RelationInline,
        DocumentTextInline,
    ]
    readonly_fields = [
        "status",
        "expected_in_force_on",
        "disputed",
        "version",
        "created_at",
        "updated_at",
    ]

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
            _("Entry into force"),
            {
                "fields": [
                    (
                        "entry_into_force_rule",
                        "entry_into_force_days",
                        "entry_into_force_on",
                    )
                ]
            },
        ),
        (
            _("Derived"),
            {
                "fields": [
                    ("status", "expected_in_force_on"),
                    "disputed",
                    "version",
                    ("created_at", "updated_at"),
                ]
            },
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
