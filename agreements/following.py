"""What one follows and what changed in it: shared by the e-mail alerts and
the webhooks.

A followed thing (a country, party, sector, occasion, document, a saved list
filter or "expiring within N days") is a query of the documents; a change is a
document touched (`updated_at`) in a period, with the entries of its public
history (`history.document_history`) from that period, each with its anchor.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .filters import DocumentFilter
from .history import document_history
from .models import Document, Occasion, Party, Sector, Subscription
from .models.base import country_name

Kind = Subscription.Kind
MAX_DAYS = 3660
# A digest or a run of the webhooks reports at most this many documents.
MAX_DOCUMENTS = 200
# Beyond them, a digest counts the rest up to this many ("10,000+").
MAX_MORE = 10_000
# The list's paging and ordering are not part of what one follows.
NOT_FOLLOWED = {"page", "ordering", "page_size", "format"}
# The kinds that are one filter of the list (`?country=KZ`).
AS_FILTER = {Kind.COUNTRY, Kind.PARTY, Kind.SECTOR, Kind.OCCASION}


class NotFollowable(ValueError):
    pass


def list_query(raw):
    """A list URL or its query string as the query one follows, normalised
    (sorted, without paging or ordering); NotFollowable when the list's filter
    refuses it."""
    raw = (raw or "").strip()
    if "?" in raw or raw.startswith(("http:", "https:", "/")):
        raw = urlsplit(raw).query
    query = QueryDict(raw, mutable=True)
    for name in NOT_FOLLOWED:
        query.pop(name, None)
    filterset = DocumentFilter(query, queryset=Document.objects.none())
    if set(query) - set(filterset.filters) or not filterset.is_valid():
        raise NotFollowable(_("This is not a filter of the document list."))
    ordered = QueryDict(mutable=True)
    for name in sorted(query):
        ordered.setlist(name, sorted(query.getlist(name)))
    return ordered.urlencode()


def clean_value(kind, value):
    """The stored value of a subscription, checked to exist; NotFollowable if not."""
    value = (value or "").strip()
    if kind == Kind.QUERY:
        return list_query(value)
    if kind == Kind.EXPIRING:
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_DAYS):
            raise NotFollowable(_("A whole number of days, 1 to 3660."))
        return str(int(value))
    exists = {
        Kind.COUNTRY: lambda: Party.objects.filter(country=value).exists(),
        Kind.PARTY: lambda: Party.objects.filter(slug=value).exists(),
        Kind.SECTOR: lambda: Sector.objects.filter(slug=value).exists(),
        Kind.OCCASION: lambda: Occasion.objects.filter(slug=value).exists(),
        Kind.DOCUMENT: lambda: Document.objects.filter(slug=value).exists(),
    }
    if kind not in exists or len(value) > 120 or not exists[kind]():
        raise NotFollowable(_("There is nothing to follow here."))
    return value


def documents(kind, value):
    """The documents a subscription (or a webhook's filter: QUERY) follows."""
    if kind == Kind.DOCUMENT:
        return Document.objects.filter(slug=value)
    if kind == Kind.PARTY:  # with its ministries and regions, as its page
        party = Party.objects.filter(slug=value).first()
        below = list(Party.objects.below(party)) if party else []
        return Document.objects.of_parties([party, *below] if party else [])
    if kind == Kind.EXPIRING:
        today = timezone.localdate()
        until = today + datetime.timedelta(days=int(value))
        return Document.objects.filter(valid_until__range=(today, until))
    query = QueryDict(f"{kind}={value}" if kind in AS_FILTER else value)
    return DocumentFilter(query, queryset=Document.objects.all()).qs


def describe(kind, value):
    """What is followed, as the reader reads it ("Country: Kazakhstan")."""
    name = value
    if kind == Kind.COUNTRY:
        name = country_name(value)
    elif kind in (Kind.PARTY, Kind.SECTOR, Kind.OCCASION):
        model = {Kind.PARTY: Party, Kind.SECTOR: Sector, Kind.OCCASION: Occasion}
        record = model[kind].objects.filter(slug=value).first()
        name = str(record.name) if record else value
    elif kind == Kind.DOCUMENT:
        record = Document.objects.filter(slug=value).first()
        name = str(record.title) or value if record else value
    elif kind == Kind.EXPIRING:
        return _("Documents whose term ends within %(days)s days") % {"days": value}
    elif kind == Kind.QUERY:
        name = value or _("every document")
    return f"{Kind(kind).label.capitalize()}: {name}"


def follow_url(kind, value):
    """The public page of what is followed."""
    if kind == Kind.COUNTRY:
        return reverse("agreements:country", args=[value])
    if kind in (Kind.PARTY, Kind.SECTOR, Kind.OCCASION, Kind.DOCUMENT):
        return reverse(f"agreements:{kind}", args=[value])
    if kind == Kind.EXPIRING:
        return reverse("agreements:documents-feed-expiring") + f"?days={value}"
    return reverse("agreements:documents") + (f"?{value}" if value else "")


def change_summary(change):
    """One line for a history entry: "Document changed: title (English); …"."""
    lines = []
    for part in change.parts:
        line = f"{capfirst(part.label)} {part.action_label}"
        line += f" ({part.row})" if part.row else ""
        if part.fields:
            line += ": " + ", ".join(str(label) for _name, label in part.fields)
        lines.append(line)
    return "; ".join(lines)


@dataclass
class ChangedDocument:
    document: Document
    changes: list  # history.Change, newest first, within the period

    @property
    def title(self):
        """As the feeds name it: the title, else "Title unknown (slug)"."""
        shown = str(self.document.title)
        return shown or f"{_('Title unknown')} ({self.document.slug})"

    def history_url(self, change=None):
        url = reverse("agreements:document-history", args=[self.document.slug])
        return f"{url}#{change.anchor}" if change else url

    def entries(self):
        """(change, its one line, the link to its history entry), newest first."""
        return [(c, change_summary(c), self.history_url(c)) for c in self.changes]


def window(queryset, field, since, until):
    """The rows of `queryset` whose `field` (a time) is after `since` up to
    `until`, oldest first, at most MAX_DOCUMENTS of them, and the time up to
    which they are all of them: `until`, or, when there are more, the last
    instant wholly told (the rest waits for the next run). Rows of one instant
    are never split; one instant of more than MAX_DOCUMENTS rows (a bulk edit)
    is told whole."""
    rows = queryset.filter(**{f"{field}__gt": since, f"{field}__lte": until}).order_by(
        field, "pk"
    )
    first = list(rows[: MAX_DOCUMENTS + 1])
    if len(first) <= MAX_DOCUMENTS:
        return first, until
    cut = getattr(first[MAX_DOCUMENTS], field)
    kept = [row for row in first if getattr(row, field) < cut]
    if kept:
        return kept, getattr(kept[-1], field)
    return list(rows.filter(**{field: cut})), cut


def changed(queryset, since, until, histories=None):
    """The documents of `queryset` touched after `since` up to `until`, with
    their history entries of that period (`window`: oldest first, at most
    MAX_DOCUMENTS), and the time up to which they are all the changes.
    `histories`, a dict kept by the caller for one run, holds each document's
    history once per language (many subscribers follow the same documents)."""
    histories = {} if histories is None else histories
    touched, covered = window(queryset, "updated_at", since, until)
    result = []
    for document in touched:
        key = (document.pk, get_language())
        if key not in histories:
            histories[key] = document_history(document)
        entries = [c for c in histories[key] if since < c.last_at <= covered]
        result.append(ChangedDocument(document, entries))
    return result, covered
