from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Document
from .templatetags.provenance import source_label_urls, source_links


class PlainTextAtomFeed(Atom1Feed):
    """Atom with summaries as plain text (Django marks them `type="html"`, so a
    feed reader would render markup typed by an analyst)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestDocumentsFeed(Feed):
    """The 50 most recently changed documents, for readers who follow the tracker."""

    feed_type = PlainTextAtomFeed

    def title(self):
        return _("Agreement Tracker: recently changed documents")

    def link(self):
        return reverse("agreements:documents")

    def subtitle(self):
        return _("Signed inter-state documents, with their sources.")

    def get_object(self, request, *args, **kwargs):
        return request  # for absolute links to the sources in the summaries

    def items(self, request):
        documents = Document.objects.select_related("occasion").order_by(
            "-updated_at", "slug"
        )[:50]
        labels = source_label_urls(base=request.build_absolute_uri("/")[:-1])
        for document in documents:
            document.summary_html = source_links(document.summary.text, labels)
        return documents

    def item_title(self, item):
        return item.title.text or f"{_('Title unknown')} ({item.slug})"

    def item_description(self, item):
        return item.summary_html

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at
