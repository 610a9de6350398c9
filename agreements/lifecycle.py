"""A document's status is derived from its lifecycle events, never typed in.

The rule is one table (`STATUS_AFTER`), read by `status_from_events` here and
by `DocumentQuerySet.with_status_on` in SQL. Nothing here imports models.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a document stands; derived from its lifecycle events."""

    UNKNOWN = "unknown", _("no events recorded")
    SIGNED = "signed", _("signed")
    ADOPTED = "adopted", _("adopted")
    PROVISIONALLY_APPLIED = "provisionally_applied", _("provisionally applied")
    IN_FORCE = "in_force", _("in force")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED = "terminated", _("terminated")
    EXPIRED = "expired", _("expired")


class EventKind(models.TextChoices):
    SIGNED = "signed", _("signed")
    ADOPTED = "adopted", _("adopted (reported)")
    RATIFIED = "ratified", _("ratified or approved by a party")
    PROVISIONALLY_APPLIED = "provisionally_applied", _("provisionally applied")
    ENTERED_INTO_FORCE = "entered_into_force", _("entered into force")
    SUSPENDED = "suspended", _("suspended")
    RESUMED = "resumed", _("resumed")
    TERMINATED = "terminated", _("terminated")
    EXPIRED = "expired", _("expired")


# What each event makes the status. Ratification by one party does not change
# it; "resumed" lifts a suspension. "Adopted" is for a document reported as
# adopted (принят) with no signature reported: it concludes the document as a
# signature would, but keeps its own status so that "signed" is never claimed
# without a source saying so; entry into force still needs its own event.
STATUS_AFTER = {
    EventKind.SIGNED: Status.SIGNED,
    EventKind.ADOPTED: Status.ADOPTED,
    EventKind.PROVISIONALLY_APPLIED: Status.PROVISIONALLY_APPLIED,
    EventKind.ENTERED_INTO_FORCE: Status.IN_FORCE,
    EventKind.SUSPENDED: Status.SUSPENDED,
    EventKind.RESUMED: Status.IN_FORCE,
    EventKind.TERMINATED: Status.TERMINATED,
    EventKind.EXPIRED: Status.EXPIRED,
}


def status_from_events(events, day=None):
    """Status after the events dated on or before `day` (default: today)."""
    day = day or datetime.date.today()
    status = Status.UNKNOWN
    for event in sorted(events, key=lambda e: (e.occurred_on, e.pk or 0)):
        if event.occurred_on <= day and event.kind in STATUS_AFTER:
            status = STATUS_AFTER[event.kind]
    return status
