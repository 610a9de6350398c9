"""Admin screens for attached files: a document's texts inline, archived copies."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from ..models import ArchivedCopy, DocumentText


class FileFactsMixin:
    """Read-only facts read from the file's bytes, and a link that serves it safely."""

    file_facts = ["download", "content_type", "size_display", "sha256"]

    @admin.display(description=_("open"))
    def download(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.name)

    @admin.display(description=_("size"))
    def size_display(self, obj):
        return obj.size_display if obj.pk else "—"


class DocumentTextInline(FileFactsMixin, admin.StackedInline):
    model = DocumentText
    extra = 0
    fields = [
        "file",
        ("language", "kind"),
        ("obtained_from", "obtained_on"),
        ("download", "content_type", "size_display"),
        "sha256",
        "extraction",
    ]
    readonly_fields = [*FileFactsMixin.file_facts, "extraction"]

    @admin.display(description=_("extracted text"))
    def extraction(self, obj):
        if not obj.pk:
            return _("Extracted when saved.")
        if obj.extraction_error:
            return format_html(
                '<strong class="errornote">{}</strong> {} {}',
                _("No text could be extracted; the file is kept."),
                obj.extraction_error,
                _("It can be retried: the action on the list of documents.")
                if obj.is_limited
                else "",
            )
        return format_html(
            "{} {} — <q>{}…</q>",
            _("%(n)s characters") % {"n": len(obj.extracted_text)},
            _("(cut at TEXT_MAX_CHARS)") if obj.is_text_capped else "",
            obj.extracted_text[:200],
        )


@admin.action(
    description=_("Retry the text extraction that stopped at a limit"),
    permissions=["change"],
)
def retry_extraction(modeladmin, request, queryset):
    texts = DocumentText.objects.filter(document__in=queryset.values("pk"))
    retried = [text for text in texts if text.is_limited]
    for text in retried:
        text.extract_again()
    still = sum(text.is_limited for text in retried)
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)d text extracted again; %(still)d stopped at a limit again.",
            "%(n)d texts extracted again; %(still)d stopped at a limit again.",
            len(retried),
        )
        % {"n": len(retried), "still": still},
        messages.WARNING if still else messages.SUCCESS,
    )


@admin.register(ArchivedCopy)
class ArchivedCopyAdmin(FileFactsMixin, SimpleHistoryAdmin):
    list_display = ["source", "captured_on", "content_type", "size_display"]
    list_select_related = ["source"]
    date_hierarchy = "captured_on"
    search_fields = ["source__slug", "source__title", "sha256"]
    autocomplete_fields = ["source"]
    fields = ["source", "file", "captured_on", "note", *FileFactsMixin.file_facts]
    readonly_fields = FileFactsMixin.file_facts
