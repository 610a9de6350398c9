"""A document's status is derived from its lifecycle events, never typed in."""

import datetime

from .models import LifecycleEvent, Status

Kind = LifecycleEvent.Kind

# What each event makes the status. Ratification by one party does not change
# it; "resumed" lifts a suspension.
STATUS_AFTER = {
    Kind.SIGNED: Status.SIGNED,
    Kind.PROVISIONALLY_APPLIED: Status.PROVISIONALLY_APPLIED,
    Kind.ENTERED_INTO_FORCE: Status.IN_FORCE,
    Kind.SUSPENDED: Status.SUSPENDED,
    Kind.RESUMED: Status.IN_FORCE,
    Kind.TERMINATED: Status.TERMINATED,
    Kind.EXPIRED: Status.EXPIRED,
}


def status_from_events(events, day=None):
    """Status after the events dated on or before `day` (default: today)."""
    day = day or datetime.date.today()
    status = Status.UNKNOWN
    for event in sorted(events, key=lambda e: (e.occurred_on, e.pk or 0)):
        if event.occurred_on <= day and event.kind in STATUS_AFTER:
            status = STATUS_AFTER[event.kind]
    return status
