"""Webhooks: queue each change of a hook's documents as a delivery, then POST
the deliveries, signed, retrying failures with exponential backoff.

Queuing advances the hook's period in the transaction that stores its
deliveries: a change is queued once. A delivery's body is stored as sent, so
a retry sends (and signs) the same bytes under the same delivery id. A URL
that resolves to a private, loopback, link-local or reserved address is
refused (the server would otherwise reach into its own network) unless
WEBHOOK_ALLOW_PRIVATE is set; redirects are not followed.
"""

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import following
from .models import DeletedDocument, Delivery, Webhook


def url_problem(url):
    """Why `url` may not be posted to, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Give an http or https URL.")
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError):
        return _("This host name does not resolve.")
    for *_ignored, address in found:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if not ip.is_global:
            return _("This URL leads to a private or reserved address.")
    return None


def validate_url(url):
    if problem := url_problem(url):
        raise ValidationError(problem, code="private")


def validate_filter(query):
    """The document list's query string, normalised; ValidationError if not one."""
    try:
        return following.list_query(query)
    except following.NotFollowable as exc:
        raise ValidationError(str(exc), code="filter") from None


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _change(entry):
    return {
        "at": entry.last_at.isoformat(),
        "reason": entry.reason,
        "parts": [
            {
                "record": part.model,
                "row": str(part.row),
                "action": part.action,
                "fields": None
                if part.fields is None
                else [name for name, _label in part.fields],
            }
            for part in entry.parts
        ],
    }


def _payloads(hook, since, until, origin):
    """[(slug, version, key, payload)] of the changes of the hook's documents
    after `since`, and the time up to which they are all of them (at most
    `following.MAX_DOCUMENTS` documents and as many deletions a run)."""
    query = following.documents(following.Kind.QUERY, hook.filter)
    items, covered = following.changed(query, since, until)
    payloads = []
    for item in items:
        document = item.document
        entries = item.changes or [None]
        for entry in reversed(entries):  # oldest first
            key = (
                entry.anchor if entry else f"touched-{document.updated_at.isoformat()}"
            )
            payloads.append(
                (
                    document.slug,
                    document.version if entry is None else entry.version,
                    key,
                    {
                        "document": document.slug,
                        "version": document.version if entry is None else entry.version,
                        "change": _change(entry) if entry else {"action": "touched"},
                        "history": origin + item.history_url(entry),
                    },
                )
            )
    if not hook.filter:  # a deleted document matches no filter: all-document hooks
        tombstones, told = following.window(
            DeletedDocument.objects.all(), "deleted_at", since, covered
        )
        covered = min(covered, told)
        for tombstone in tombstones:
            payload = {"document": tombstone.slug, "version": None}
            payload["change"] = {
                "action": "deleted",
                "at": tombstone.deleted_at.isoformat(),
            }
            payloads.append(
                (
                    tombstone.slug,
                    None,
                    f"deleted-{tombstone.pk}",
                    {**payload, "history": None},
                )
            )
    return payloads, covered


def deliveries_queue(hook_pk, until, origin):
    """Store a delivery for each change of the hook's documents up to `until`,
    a run's worth (`following.window`) in each transaction; how many."""
    queued = 0
    while True:
        with transaction.atomic():
            hook = Webhook.objects.select_for_update().get(pk=hook_pk)
            if hook.covered_until >= until:
                return queued
            payloads, covered = _payloads(hook, hook.covered_until, until, origin)
            deliveries = []
            for slug, version, key, payload in payloads:
                delivery = Delivery(
                    webhook=hook,
                    document_slug=slug,
                    version=version,
                    change=key,
                    next_attempt_at=until,
                )
                payload["delivery"] = str(delivery.delivery_id)
                delivery.body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
                deliveries.append(delivery)
            # A change told twice (an instant at a run's edge) is stored once.
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            hook.covered_until = covered
            hook.save(update_fields=["covered_until"])
            queued += len(deliveries)


def _post(url, body, headers):
    """The HTTP status of one POST (no redirect followed), bounded in time."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection
        if parts.scheme == "https"
        else http.client.HTTPConnection
    )
    connection = connection_class(
        parts.hostname, parts.port, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    try:
        path = parts.path or "/"
        connection.request(
            "POST", f"{path}?{parts.query}" if parts.query else path, body, headers
        )
        return connection.getresponse().status
    finally:
        connection.close()


def delivery_attempt(delivery, now=None):
    """POST one delivery; on failure schedule the next attempt (doubling the
    wait each time) or give up after WEBHOOK_MAX_ATTEMPTS."""
    now = now or timezone.now()
    hook = delivery.webhook
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "AgreementTracker-Webhook/1",
        "X-Delivery-Id": str(delivery.delivery_id),
        "X-Signature": signature(hook.secret, body),
    }
    delivery.attempts += 1
    status, error = None, ""
    if problem := url_problem(hook.url):
        error = str(problem)
    else:
        try:
            status = _post(hook.url, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:500]
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at = Delivery.State.DELIVERED, now
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = Delivery.State.FAILED
    else:
        wait = settings.WEBHOOK_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
    delivery.save()
    return delivery.state == Delivery.State.DELIVERED


def due_deliveries(now):
    return (
        Delivery.objects.filter(
            state=Delivery.State.PENDING,
            next_attempt_at__lte=now,
            webhook__is_active=True,
        )
        .select_related("webhook")
        .order_by("next_attempt_at", "pk")
    )
