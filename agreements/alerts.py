"""E-mail alerts: the confirmation of a subscription and the digests.

A request to subscribe is kept nowhere but in the signed link mailed to the
address (double opt-in): following it stores the subscriber. Every mail links
the subscriber's page and carries a one-click unsubscribe (RFC 8058). A digest
covers the changes from the end of the last one; it is recorded in the same
transaction that advances the subscriber's period, after the mail is accepted
by the SMTP server: a failed send leaves the period as it was, for the next run.
"""

import datetime

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import following
from .models import Digest, Document, Subscriber, Subscription

CONFIRM_SALT = "agreements.alerts.confirm"
CONFIRM_MAX_AGE = datetime.timedelta(days=3)
PERIOD = {"daily": datetime.timedelta(days=1), "weekly": datetime.timedelta(days=7)}
# A cron job that starts a little early still finds the subscriber due.
SLACK = datetime.timedelta(hours=1)


def confirmation_token(email, kind, value, language, frequency):
    return signing.dumps(
        {"e": email, "k": kind, "v": value, "l": language, "f": frequency},
        salt=CONFIRM_SALT,
        compress=True,
    )


def read_confirmation(token):
    """The request signed in `token`, or None if it is forged or too old."""
    try:
        return signing.loads(
            token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None


def subscription_confirm(request_data):
    """Store the subscriber (once) and the subscription a confirmed link asks for."""
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(
            email=request_data["e"],
            defaults={"language": request_data["l"], "frequency": request_data["f"]},
        )
        Subscription.objects.get_or_create(
            subscriber=subscriber, kind=request_data["k"], value=request_data["v"]
        )
    return subscriber


def _message(subject, template, context, to, origin, subscriber=None):
    context = {**context, "origin": origin, "subscriber": subscriber}
    headers = {}
    if subscriber is not None:
        unsubscribe = origin + reverse(
            "agreements:alerts-unsubscribe", args=[subscriber.key]
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        context["unsubscribe_url"] = unsubscribe
        context["manage_url"] = origin + subscriber.get_absolute_url()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"alerts/mail/{template}.txt", context),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"alerts/mail/{template}.html", context), "text/html"
    )
    return message


def send_confirmation(origin, email, kind, value, language, frequency):
    """Mail the link that confirms this subscription, in the reader's language."""
    token = confirmation_token(email, kind, value, language, frequency)
    with translation.override(language):
        url = origin + reverse("agreements:alerts-confirm", args=[token])
        context = {"confirm_url": url, "what": following.describe(kind, value)}
        subject = translation.gettext("Confirm your Agreement Tracker alert")
        _message(subject, "confirm", context, email, origin).send()


def due(now):
    """The subscribers whose day (or week) since their last mail has come."""
    waited = Q(last_mailed_at=None)
    for frequency, period in PERIOD.items():
        waited |= Q(frequency=frequency, last_mailed_at__lte=now - period + SLACK)
    return Subscriber.objects.filter(waited).order_by("pk")


def sections(subscriber, since, until, histories=None):
    """[(what is followed, its link, [ChangedDocument], how many more changed
    documents the mail does not list)] with changes, in the subscriber's
    language (active)."""
    result = []
    for sub in subscriber.subscriptions.all():
        followed = following.documents(sub.kind, sub.value)
        told, covered = following.changed(followed, since, until, histories)
        # A document only touched (a related document's title shown on it
        # changed) has no history entry of its own to link: not told.
        changes = [c for c in told if c.changes]
        # More than a mail lists: counted (up to a bound) and linked, not lost.
        more = followed.filter(updated_at__gt=covered, updated_at__lte=until)
        more = more[: following.MAX_MORE].count()
        if sub.kind == Subscription.Kind.EXPIRING:
            changes += _entering_window(int(sub.value), since, until, changes)
        if changes or more:
            what = following.describe(sub.kind, sub.value)
            url = following.follow_url(sub.kind, sub.value)
            result.append((what, url, changes, more))
    return result


def _entering_window(days, since, until, already):
    """Documents whose term, since the last digest, came within `days` days."""
    shown = {c.document.pk for c in already}
    window = datetime.timedelta(days=days)
    entering = Document.objects.filter(
        valid_until__gt=since.date() + window, valid_until__lte=until.date() + window
    ).exclude(pk__in=shown)
    return [
        following.ChangedDocument(d, []) for d in entering[: following.MAX_DOCUMENTS]
    ]


def digest_send(subscriber_pk, until, origin, histories=None):
    """Mail one subscriber the changes of their period ending `until`, if any;
    True if a mail was sent. Raises if the SMTP server refuses it (the period
    stays open: the next run sends it)."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(pk=subscriber_pk).first()
        )
        if subscriber is None or subscriber.covered_until >= until:
            return False  # unsubscribed meanwhile, or sent by a parallel run
        since = subscriber.covered_until
        with translation.override(subscriber.language):
            found = sections(subscriber, since, until, histories)
            # A document under two alerts is one changed document.
            count = len({c.document.pk for _, _, changes, _ in found for c in changes})
            count += sum(more for *_, more in found)
            if count:
                subject = translation.ngettext(
                    "Agreement Tracker: %(n)s changed document",
                    "Agreement Tracker: %(n)s changed documents",
                    count,
                ) % {"n": count}
                context = {"sections": found, "since": since, "until": until}
                _message(
                    subject, "digest", context, subscriber.email, origin, subscriber
                ).send()
                Digest.objects.create(
                    subscriber=subscriber,
                    covers_from=since,
                    covers_until=until,
                    changes=count,
                )
                subscriber.last_mailed_at = timezone.now()
        subscriber.covered_until = until
        subscriber.save(update_fields=["covered_until", "last_mailed_at"])
        return bool(count)
