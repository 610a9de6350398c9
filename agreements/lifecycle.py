"""A document's status is derived from its lifecycle events, never typed in.

The rule is one table (`STATUS_AFTER`), read by `status_from_events` here and
by `DocumentQuerySet.with_status_on` in SQL; the values are `choices.Status`
and `choices.EventKind`. Nothing here imports models.
"""

import datetime

from .choices import EventKind, Status

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
