"""Following documents without an account: e-mail subscribers and what they
follow, and the digests sent to them (agreements/alerts.py sends them).

A subscriber's address is the only personal data kept, and only once
confirmed: an unconfirmed request lives in the signed confirmation link, not
here. Unsubscribing deletes the subscriber, their subscriptions and digests.
"""

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_key():
    return secrets.token_urlsafe(32)


class Frequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")


class Subscriber(models.Model):
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=2, choices=[("ru", "ru"), ("kk", "kk"), ("en", "en")]
    )
    frequency = models.CharField(
        _("frequency"), max_length=6, choices=Frequency.choices, default="daily"
    )
    # The secret of the links in every mail (manage, unsubscribe).
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)
    # Changes up to this moment have been mailed (or predate the subscription).
    covered_until = models.DateTimeField(default=timezone.now)
    last_mailed_at = models.DateTimeField(_("last mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        return reverse("agreements:alerts-manage", args=[self.key])


class Subscription(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("country")
        PARTY = "party", _("party")
        SECTOR = "sector", _("sector")
        OCCASION = "occasion", _("occasion")
        DOCUMENT = "document", _("document")
        QUERY = "query", _("list filter")
        EXPIRING = "expiring", _("expiring within days")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A country code, a slug, a list query string or a number of days.
    value = models.CharField(_("value"), max_length=500)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "value"], name="one_subscription_a_value"
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.value}"


class Digest(models.Model):
    """One mail sent: the record that makes `send_alerts` safe to run twice."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="digests"
    )
    covers_from = models.DateTimeField()
    covers_until = models.DateTimeField()
    changes = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "covers_until"], name="one_digest_a_period"
            )
        ]

    def __str__(self):
        return f"{self.changes} change(s) up to {self.covers_until:%Y-%m-%d %H:%M}"
