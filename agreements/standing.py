"""Where each party stands on a document: the rows of its per-party table.

One row per bound party (`lifecycle.BOUND_ROLES`): the events that are its
steps (`lifecycle.steps_of`: its own, its state's or government's, or one
naming no party, which is every party's), each with the
sources that support it, its derived status, and the day the document's rule
gives where no entry into force is recorded (shown as expected, never as a
fact). Read from a document's prefetched participations and events
(`DocumentQuerySet.with_details`); the detail page shows them.
"""

from typing import NamedTuple

from .choices import EventKind
from .facts import DocumentFact
from .lifecycle import BOUND_ROLES, DOMESTIC_STEPS, party_lines, steps_of
from .provenance import Fact, citation_order

ACTS = [kind for kind in DOMESTIC_STEPS if kind != EventKind.NOTIFIED]


class Cell(NamedTuple):
    """One step of a party: the event (None: not known) and what supports it."""

    event: object
    fact: object


class Standing(NamedTuple):
    participation: object
    signed: Cell
    act: Cell
    notified: Cell
    in_force: Cell
    withdrawn: Cell
    expected_on: object  # the rule's day, where no entry into force is recorded


def event_fact(event, document_fact):
    """The event as a fact for `_provenance.html`: its own citations; an event
    naming no party, which has none, by the document's `document_fact`
    (its status, whose citations give the lifecycle)."""
    citations = sorted(event.citations.all(), key=citation_order)
    if not citations and event.party_id is None and document_fact is not None:
        return document_fact
    definition = DocumentFact(f"event-{event.pk}", event.get_kind_display(), bool)
    return Fact(definition, event, True, citations, [])


def standings(document, status_fact=None):
    """[Standing] of the document's bound parties, in their order."""
    events = list(document.events.all())
    lines = party_lines([*document.participations.all(), *events])

    def cell(mine, kinds, first=False):
        found = [e for e in mine if e.kind in kinds]
        event = (found[:1] if first else found[-1:]) or [None]
        return Cell(event[0], event[0] and event_fact(event[0], status_fact))

    rows, seen = [], set()
    for p in document.participations.all():
        if p.role not in BOUND_ROLES or p.party_id in seen:
            continue
        seen.add(p.party_id)
        mine = steps_of(p.party_id, events, lines)
        in_force = cell(mine, [EventKind.ENTERED_INTO_FORCE], first=True)
        rows.append(
            Standing(
                participation=p,
                signed=cell(mine, [EventKind.SIGNED], first=True),
                act=cell(mine, ACTS),
                notified=cell(mine, [EventKind.NOTIFIED]),
                in_force=in_force,
                withdrawn=cell(mine, [EventKind.WITHDRAWN], first=True),
                expected_on=None if in_force.event else document.expected_in_force_on,
            )
        )
    return rows
