"""What every editable record's screen shares: a reason for each change, pickers
that name documents by slug, normalised search, an optimistic lock, the history
of changed fields, and the rows that cite a source for its facts."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import models
from ..admin_site import picker_label
from ..models.sources import citable_facts
from .forms import VersionedAdminForm


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


class CitationInline(PickerLabelMixin, admin.StackedInline):
    model = models.Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = [
        ("kind", "source", "field", "confidence"),
        ("claim_ru", "claim_en"),
        "quote",
        ("note_ru", "note_en"),
    ]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "field":  # the facts of this kind of record only
            kwargs["choices"] = citable_facts()[self.fk_name]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
