"""The analysts' admin site: its header and title, and what its pickers suggest.

Not in the `agreements.admin` package: Django imports this module on the first
use of `admin.site`, during autodiscovery, and importing that package here would
register its screens before the other apps' and into a site not yet made."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from . import models


def picker_label(record):
    """What a search-as-you-type picker shows: a short title or name and the
    slug of a document or source, by which analysts know them; a source
    starts with the label readers see it cited by ("S7 · …")."""
    if isinstance(record, models.Document | models.Source):
        title = truncatechars(str(record), 60) if str(record) else ""
        shown = f"{title} ({record.slug})" if title else record.slug
        label = getattr(record, "label", "")
        return f"{label} · {shown}" if label else shown
    return str(record)


class AutocompleteView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": picker_label(obj)}


class TrackerAdminSite(admin.AdminSite):
    """`admin.site`, installed by `TrackerAdminConfig`."""

    site_header = _("Agreement Tracker — analysts")
    site_title = _("Agreement Tracker")

    def autocomplete_view(self, request):
        """The site's pickers ask this view; `AdminSite.get_urls` routes to it."""
        return AutocompleteView.as_view(admin_site=self)(request)
