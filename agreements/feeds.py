import contextvars
import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .filters import DocumentFilter
from .following import change_summary
from .history import document_history
from .models import Document
from .params import ParameterError, parse_int
from .plaintext import xml_text


def bad_request(errors):
    return HttpResponseBadRequest(
        "\n".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()),
        content_type="text/plain; charset=utf-8",
    )


class PlainTextAtomFeed(Atom1Feed):
    """Atom with summaries as plain text (Django marks them `type="html"`, so a
    feed reader would render markup typed by an analyst)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


# The request a feed is being built for: Django makes a feed's links absolute on
# `request.get_host()`, not on the site's one origin (`agreements.origin`).
_feed_request = contextvars.ContextVar("feed_request")


class DocumentsFeedBase(Feed):
    feed_type = PlainTextAtomFeed

    def get_feed(self, obj, request):
        token = _feed_request.set(request)
        try:
            return super().get_feed(obj, request)
        finally:
            _feed_request.reset(token)

    @staticmethod
    def absolute(location):
        return _feed_request.get().build_absolute_uri(location)

    def feed_url(self, obj):
        return self.absolute(_feed_request.get().path)

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())

    def item_title(self, item):
        return xml_text(item.title.text) or f"{_('Title unknown')} ({item.slug})"

    def item_description(self, item):
        return xml_text(item.summary.text)

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at


class LatestDocumentsFeed(DocumentsFeedBase):
    """The 50 most recently changed documents that match the list's filters (the
    same query string as the list page: `?sector=energy&country=KZ`)."""

    def __call__(self, request, *args, **kwargs):
        filterset = DocumentFilter(request.GET, queryset=Document.objects.all())
        if not filterset.is_valid():
            return bad_request(filterset.errors)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        query = request.GET.copy()
        query.pop("page", None)
        return DocumentFilter(query, queryset=Document.objects.all())

    def title(self, filterset):
        if filterset.data:
            return _("Agreement Tracker: changes to documents matching %(query)s") % {
                "query": filterset.data.urlencode()
            }
        return _("Agreement Tracker: recently changed documents")

    def link(self, filterset):
        query = filterset.data.urlencode()
        path = reverse("agreements:documents") + (f"?{query}" if query else "")
        return self.absolute(path)

    def subtitle(self, filterset):
        return _("Signed inter-state documents, with their sources.")

    def items(self, filterset):
        return filterset.qs.select_related("occasion").order_by("-updated_at", "slug")[
            :50
        ]


class ExpiringDocumentsFeed(DocumentsFeedBase):
    """Documents whose term ends within `days` days (default 90)."""

    def __call__(self, request, *args, **kwargs):
        try:
            parse_int(request.GET.get("days", "90"), "days", 1, 3660)
        except ParameterError:
            return bad_request({"days": [_("A whole number of days, 1 to 3660.")]})
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return parse_int(request.GET.get("days", "90"), "days", 1, 3660)

    def title(self, days):
        return _(
            "Agreement Tracker: documents whose term ends within %(days)s days"
        ) % {"days": days}

    def link(self, days):
        return self.absolute(reverse("agreements:documents"))

    def items(self, days):
        today = datetime.date.today()
        return (
            Document.objects.select_related("occasion")
            .filter(valid_until__range=(today, today + datetime.timedelta(days=days)))
            .order_by("valid_until", "slug")
        )

    def item_description(self, item):
        return _("Valid until %(day)s.") % {"day": item.valid_until.isoformat()}


class DocumentHistoryFeed(DocumentsFeedBase):
    """One document's changes, newest first, each linking its history entry."""

    def get_object(self, request, slug):
        return get_object_or_404(Document.objects.select_related("occasion"), slug=slug)

    def title(self, document):
        shown = xml_text(document.title.text) or document.slug
        return _("Agreement Tracker: changes to %(title)s") % {"title": shown}

    def link(self, document):
        return self.absolute(
            reverse("agreements:document-history", args=[document.slug])
        )

    def items(self, document):
        self._document = document
        return document_history(document)[:50]

    def item_title(self, change):
        return change_summary(change)

    def item_description(self, change):
        return xml_text(change.reason) or None

    def item_link(self, change):
        path = reverse("agreements:document-history", args=[self._document.slug])
        return self.absolute(f"{path}#{change.anchor}")

    def item_guid(self, change):
        return self.item_link(change)

    def item_updateddate(self, change):
        return change.last_at

    def item_pubdate(self, change):
        return change.changed_at
