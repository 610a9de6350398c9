"""The people desk: people who signed, their posts, and merging two records
of one person."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .. import models
from ..services import person_merge
from .base import CitationInline, RecordAdmin, count_column
from .forms import BulkChoiceForm


class PositionInline(admin.TabularInline):
    model = models.Position
    extra = 0
    autocomplete_fields = ["party"]
    fields = ["title_ru", "title_en", "party", "held_from", "held_until"]


@admin.register(models.Person)
class PersonAdmin(RecordAdmin):
    list_display = ["__str__", "name_ru", "wikidata_id", "signed_count"]
    fields = ["slug", "name_ru", "name_en", "wikidata_id"]
    ordering = ["name_en", "name_ru", "slug"]  # explicit: the count groups rows
    inlines = [
        PositionInline,
        type("PersonCitationInline", (CitationInline,), {"fk_name": "person"}),
    ]
    actions = ["merge_people"]

    signed_count = count_column(_("documents signed"), "participations")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_participations=Count("participations"))
        )

    @admin.action(description=_("Merge the selected people into one"))
    def merge_people(self, request, queryset):
        """Ask which record to keep, then merge the others into it
        (`services.person_merge`): their signatures, posts and citations move,
        both histories stay."""
        people = list(queryset.order_by("pk"))
        if len(people) < 2:
            self.message_user(
                request, _("Select at least two people to merge."), messages.WARNING
            )
            return None
        form = BulkChoiceForm(
            request.POST if "apply" in request.POST else None,
            queryset=models.Person.objects.filter(pk__in=[p.pk for p in people]),
            label=_("Keep this record"),
        )
        if form.is_valid():
            kept = form.cleaned_data["choice"]
            person_merge(kept, people)
            self.message_user(
                request,
                _("%(n)d records merged into %(kept)s.")
                % {"n": len(people) - 1, "kept": kept},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge people"),
            "opts": self.model._meta,
            "form": form,
            "people": people,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return render(request, "admin/agreements/person/merge.html", context)


@admin.register(models.Position)
class PositionAdmin(admin.ModelAdmin):
    """Reached through its person; listed for the participations' picker."""

    list_display = ["__str__", "party", "held_from", "held_until"]
    list_select_related = ["person", "party"]
    search_fields = ["title_ru", "title_en", "person__name_ru", "person__name_en"]
    autocomplete_fields = ["person", "party"]
