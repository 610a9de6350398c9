"""Webhooks: a URL that is POSTed each change to the documents matching a
list filter, signed with the hook's secret; and the log of those deliveries
(agreements/webhooks.py queues and delivers them)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import URLField


def new_secret():
    return secrets.token_hex(32)


class Webhook(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhooks",
        verbose_name=_("owner"),
    )
    url = URLField(_("URL"), max_length=500)
    filter = models.CharField(
        _("filter"),
        max_length=1000,
        blank=True,
        help_text=_(
            "The query string of the document list, e.g. country=KZ&sector=energy; "
            "empty: every document."
        ),
    )
    secret = models.CharField(
        _("secret"), max_length=64, default=new_secret, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Changes up to this moment have been queued as deliveries.
    covered_until = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.url


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("given up")

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_slug = models.SlugField(max_length=120)
    version = models.PositiveIntegerField(null=True)
    # Which change: the anchor of its history entry (or a deletion's key).
    change = models.CharField(max_length=80)
    body = models.TextField()  # the exact bytes signed and sent
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "document_slug", "change"],
                name="one_delivery_a_change",
            )
        ]

    def __str__(self):
        return f"{self.document_slug} v{self.version} → {self.webhook}"
