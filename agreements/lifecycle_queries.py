"""The lifecycle rule in SQL: a document's status as of a date, what is in
force for a party, what awaits its domestic procedures.

The same rule as `lifecycle.py` (its tables, read here), so that a list
filtered by a date agrees with the statuses derived and shown; the tests
compare the two. A mixin of `DocumentQuerySet`.
"""

import datetime

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When

from .lifecycle import (
    AWAITING_RULES,
    BOUND_ROLES,
    DOCUMENT_STEPS,
    LINE_DEPTH,
    STATUS_AFTER,
    EventKind,
    Status,
)


def acting_for(outer="party"):
    """Events (a filter) of a party that acts for the `outer` party of the
    enclosing query: `lifecycle.acts_for` in SQL, the same party or one up to
    LINE_DEPTH steps up the other's `parent` chain (an event naming no party
    is left to the caller)."""
    found = Q()
    for steps in range(LINE_DEPTH + 1):
        up = "__parent" * steps
        found |= Q(**{f"party{up}": OuterRef(outer)}) | Q(party=OuterRef(outer + up))
    return found


class LifecycleQueries:
    def _bound(self):
        """Participations whose party takes the document's steps."""
        return self._rows("participations").filter(
            document=OuterRef("pk"), role__in=BOUND_ROLES
        )

    def with_status_on(self, day):
        """Annotate `status_on_day`: the status as of `day`, computed in SQL by
        the rule `lifecycle.status_from_events` follows: ended by a withdrawal
        from a bilateral document (or one naming no party), else in force from
        the day the entry-into-force rule gives unless an event came after it,
        else what the last event of the document's steps made it."""
        events = self._rows("events").filter(
            document=OuterRef("pk"), occurred_on__lte=day
        )
        last_change = events.filter(kind__in=DOCUMENT_STEPS).order_by(
            "-occurred_on", "-pk"
        )
        parties = (
            self._bound()
            .order_by()
            .values("document")
            .annotate(n=models.Count("party", distinct=True))
            .values("n")
        )
        withdrawals = events.filter(kind=EventKind.WITHDRAWN)
        ending = Exists(withdrawals.filter(party__isnull=True)) | (
            Exists(parties.filter(n=2)) & Exists(withdrawals)
        )
        return self.alias(
            last_kind=Subquery(last_change.values("kind")[:1]),
            last_on=Subquery(last_change.values("occurred_on")[:1]),
        ).annotate(
            status_on_day=Case(
                When(ending, then=Value(Status.TERMINATED)),
                When(
                    Q(expected_in_force_on__lte=day)
                    & (
                        Q(last_on__isnull=True)
                        | Q(last_on__lte=models.F("expected_in_force_on"))
                    ),
                    then=Value(Status.IN_FORCE),
                ),
                *(
                    When(last_kind=k, then=Value(STATUS_AFTER[k]))
                    for k in DOCUMENT_STEPS
                ),
                default=Value(Status.UNKNOWN),
                output_field=models.CharField(),
            )
        )

    def in_force_on(self, day):
        """Documents in force on `day`; only those that ever came into force by
        then need the (correlated) status computation."""
        came_into_force = self._rows("events").filter(
            document=OuterRef("pk"),
            occurred_on__lte=day,
            kind__in=[EventKind.ENTERED_INTO_FORCE, EventKind.RESUMED],
        )
        return (
            self.filter(Exists(came_into_force) | Q(expected_in_force_on__lte=day))
            .with_status_on(day)
            .filter(status_on_day=Status.IN_FORCE)
        )

    def in_force_for(self, parties, day):
        """Documents in force on `day` for any of `parties` (a queryset): the
        document is in force and that party is bound by it and has not
        withdrawn by then (`lifecycle.party_status`: it, or a party in its
        line, withdrew)."""
        withdrawn = self._rows("events").filter(
            acting_for(),
            document=OuterRef("document"),
            kind=EventKind.WITHDRAWN,
            occurred_on__lte=day,
        )
        staying = self._bound().filter(party__in=parties).exclude(Exists(withdrawn))
        return self.filter(Exists(staying)).in_force_on(day)

    def awaiting(self, parties):
        """Documents whose rule asks for domestic procedures that any of
        `parties` (a queryset) has not yet completed, as derived today."""
        waiting = self._bound().filter(
            party__in=parties, status__in=[Status.SIGNED, Status.PROVISIONALLY_APPLIED]
        )
        return self.filter(entry_into_force_rule__in=AWAITING_RULES).filter(
            Exists(waiting)
        )

    def without_domestic_procedure(self, today=None):
        """Signed over a year ago, not in force or ended, and a bound party
        has no domestic step recorded (its status is still the document's)."""
        today = today or datetime.date.today()
        behind = self._bound().exclude(
            status__in=[Status.DOMESTIC_PROCEDURES_DONE, Status.WITHDRAWN]
        )
        return self.filter(
            signed_on__lt=today - datetime.timedelta(days=365),
            status__in=[Status.SIGNED, Status.PROVISIONALLY_APPLIED],
        ).filter(Exists(behind))
