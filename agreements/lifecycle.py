"""A document's status, and each party's, derived from its lifecycle events and
its entry-into-force rule, never typed in.

The rule is one table (`STATUS_AFTER`), read by `status_from_events` and
`party_status` here and by `DocumentQuerySet.with_status_on` in SQL; the values
are `choices.Status` and `choices.EventKind`. Nothing here imports models: a
document is anything with the rule's three fields, an event anything with
`kind`, `occurred_on`, `party_id` and `pk`.

A party's steps are its own, those of a party up its `parent` chain and of one
it is up the chain of (`acts_for`): a state's parliament ratifies what its
government concluded, a government notifies for its state. The callers pass
each party's chain (`party_lines`); `lifecycle_queries.acting_for` is the
same rule in SQL.

The document's status walks its events (any party's) of the document's steps;
the parties' own steps (ratification, notification, withdrawal) change it
only through the entry-into-force rule, which gives the date the document
enters into force once the parties have taken the steps it names
(`expected_in_force_on`), and through withdrawal, which ends a bilateral
document for both. Where no event names a party and no rule is known, the
status is what the events alone make it.
"""

import datetime

from .choices import EntryIntoForceRule, EventKind, ParticipationRole, Status

# A party's own steps before the document binds it.
DOMESTIC_STEPS = (
    EventKind.RATIFIED,
    EventKind.APPROVED,
    EventKind.ACCEPTED,
    EventKind.ACCEDED,
    EventKind.NOTIFIED,
)

# What each event makes the status. "Resumed" lifts a suspension. "Adopted" is
# for a document reported as adopted (принят) with no signature reported: it
# concludes the document as a signature would, but keeps its own status so
# that "signed" is never claimed without a source saying so; entry into force
# still needs its own event or the rule. The parties' steps (the last six)
# make that party's status (`party_status`).
STATUS_AFTER = {
    EventKind.SIGNED: Status.SIGNED,
    EventKind.ADOPTED: Status.ADOPTED,
    EventKind.PROVISIONALLY_APPLIED: Status.PROVISIONALLY_APPLIED,
    EventKind.ENTERED_INTO_FORCE: Status.IN_FORCE,
    EventKind.SUSPENDED: Status.SUSPENDED,
    EventKind.RESUMED: Status.IN_FORCE,
    EventKind.TERMINATED: Status.TERMINATED,
    EventKind.EXPIRED: Status.EXPIRED,
    **dict.fromkeys(DOMESTIC_STEPS, Status.DOMESTIC_PROCEDURES_DONE),
    EventKind.WITHDRAWN: Status.WITHDRAWN,
}
PARTY_STEPS = (*DOMESTIC_STEPS, EventKind.WITHDRAWN)
DOCUMENT_STEPS = [kind for kind in STATUS_AFTER if kind not in PARTY_STEPS]
# Statuses a party shares with the document whatever it did itself.
SHARED = (Status.IN_FORCE, Status.SUSPENDED, Status.TERMINATED, Status.EXPIRED)

# The step every party must have taken for each rule to give a date.
RULE_STEPS = {
    EntryIntoForceRule.ON_SIGNATURE: (EventKind.SIGNED,),
    EntryIntoForceRule.LAST_NOTIFICATION: (EventKind.NOTIFIED,),
    EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION: (EventKind.NOTIFIED,),
    EntryIntoForceRule.RATIFICATION_BY_ALL: DOMESTIC_STEPS[:4],
}
# Rules under which a party signs and then has domestic procedures to do.
AWAITING_RULES = (
    EntryIntoForceRule.LAST_NOTIFICATION,
    EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION,
    EntryIntoForceRule.RATIFICATION_BY_ALL,
)
# The roles whose party takes the document's steps (signs, ratifies).
BOUND_ROLES = (ParticipationRole.PARTY, ParticipationRole.SIGNATORY)


# How far up a party's `parent` chain its steps count (and its ancestors' for
# it): state, government, ministry, agency. The same depth in SQL.
LINE_DEPTH = 3
# The lookup that loads a row's party with its chain (`select_related`).
LINE_LOOKUP = "party" + "__parent" * LINE_DEPTH


def line(party):
    """The primary keys of `party` and its parents, LINE_DEPTH at most, read
    from the parents loaded with it (`LINE_LOOKUP`)."""
    found = [party.pk]
    for _ in range(LINE_DEPTH):
        if party.parent_id is None:
            break
        party = party.parent
        found.append(party.pk)
    return tuple(found)


def party_lines(rows):
    """{party pk: its `line`} of the parties of these rows (participations,
    events: anything with `party_id` and `party`)."""
    return {row.party_id: line(row.party) for row in rows if row.party_id}


def acts_for(actor, party, lines=None):
    """Whether a step of `actor` (a party's primary key; None: every party's)
    is one of `party`'s: the same party, or one is in the other's line
    (`party_lines`; a party missing from `lines` is its own line). Two
    ministries of one state do not act for each other: the state does."""
    lines = lines or {}
    return (
        actor is None
        or actor in lines.get(party, (party,))
        or party in lines.get(actor, (actor,))
    )


def steps_of(party, events, lines=None):
    """The events that are steps of `party` (`acts_for`), in their order."""
    return [e for e in events if acts_for(e.party_id, party, lines)]


def bound_parties(participations):
    """The distinct parties (primary keys) bound by the document."""
    return sorted({p.party_id for p in participations if p.role in BOUND_ROLES})


def _in_order(events, day):
    return sorted(
        (e for e in events if e.occurred_on <= day),
        key=lambda e: (e.occurred_on, e.pk or 0),
    )


def taken_by_all(events, parties, kinds, lines=None):
    """The day the last of `parties` took a step of `kinds` (`acts_for`: an
    event naming no party counts for every party), or None while one has not."""
    firsts = {}
    for event in _in_order(events, datetime.date.max):
        if event.kind in kinds:
            for party in parties:
                if acts_for(event.party_id, party, lines):
                    firsts.setdefault(party, event.occurred_on)
    if not parties or set(parties) - set(firsts):
        return None
    return max(firsts[party] for party in parties)


def expected_in_force_on(document, events, parties, lines=None):
    """The day the document's entry-into-force rule gives, from the events
    recorded: computed, never a fact (None while the rule or the steps it
    names are not known)."""
    rule = document.entry_into_force_rule
    if rule == EntryIntoForceRule.ON_DATE:
        return document.entry_into_force_on
    if rule not in RULE_STEPS:
        return None
    done = taken_by_all(events, parties, RULE_STEPS[rule], lines)
    if done and rule == EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION:
        days = document.entry_into_force_days
        return None if days is None else done + datetime.timedelta(days=days)
    return done


def ended_on(events, parties):
    """The day withdrawal ended the document for every party: the first
    withdrawal from a bilateral document, or one naming no party."""
    withdrawals = [
        e.occurred_on
        for e in events
        if e.kind == EventKind.WITHDRAWN and (e.party_id is None or len(parties) == 2)
    ]
    return min(withdrawals, default=None)


def status_from_events(events, day=None, parties=(), expected_on=None):
    """The document's status on `day` (default: today) from its events dated
    on or before it, its distinct `parties` (primary keys) and the day its rule
    gives (`expected_in_force_on`)."""
    day = day or datetime.date.today()
    status, last_on = Status.UNKNOWN, None
    for event in _in_order(events, day):
        if event.kind in DOCUMENT_STEPS:
            status, last_on = STATUS_AFTER[event.kind], event.occurred_on
    ended = ended_on(events, parties)
    if ended and ended <= day:
        return Status.TERMINATED
    if (
        expected_on
        and expected_on <= day
        and (last_on is None or last_on <= expected_on)
    ):
        return Status.IN_FORCE
    return status


def party_status(party, events, document_status, day=None, lines=None):
    """Where `party` (a primary key) stands on `day`: withdrawn once it
    withdrew; else in force, suspended or ended with the document; else after
    its steps (`steps_of`: its own, its line's and those naming no party)."""
    day = day or datetime.date.today()
    own = steps_of(party, _in_order(events, day), lines)
    if any(e.kind == EventKind.WITHDRAWN for e in own):
        return Status.WITHDRAWN
    if document_status in SHARED:
        return document_status
    status = Status.UNKNOWN
    for event in own:
        if event.kind in STATUS_AFTER:
            status = STATUS_AFTER[event.kind]
    return status
