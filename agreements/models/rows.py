"""The rows that hang off a document: its parties, lifecycle events, official
identifiers and relations to other documents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import choices
from .base import (
    LONG_TEXT,
    Bilingual,
    NaturalKeyed,
    Timestamped,
    URLField,
    either_language,
    localized_property,
    optional_link,
)
from .documents import Document
from .people import Person, Position
from .records import Party


class Participation(NaturalKeyed, Bilingual, Timestamped):
    Role = choices.ParticipationRole

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="participations"
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTY
    )
    signatory_ru = models.CharField(
        _("signatory (Russian)"),
        max_length=300,
        blank=True,
        help_text=_(
            "Name and office, e.g. «В. В. Путин, Президент Российской Федерации»."
        ),
    )
    signatory_en = models.CharField(
        _("signatory (English)"), max_length=300, blank=True
    )
    person = optional_link(
        Person,
        "participations",
        verbose_name=_("signed by"),
        help_text=_("Only where a source names who signed."),
    )
    person_position = optional_link(
        Position,
        "participations",
        on_delete=models.SET_NULL,
        verbose_name=_("in the post of"),
        help_text=_("The post the person held when signing, if a source gives it."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # Derived (derive.py, lifecycle.party_status), never typed in: where this
    # party stands today.
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=choices.Status.choices,
        default=choices.Status.UNKNOWN,
        editable=False,
    )
    history = HistoricalRecords(excluded_fields=["status"])

    natural_key_lookups = ("document__slug", "party__slug", "role")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "party", "role"], name="one_participation_per_role"
            )
        ]
        indexes = [
            # The documents of some parties (`country=`, `party=`) from the
            # index alone, without reading the table's rows.
            models.Index(fields=["party", "document"], name="participation_party_doc")
        ]

    def __str__(self):
        return f"{self.party} — {self.get_role_display()}"

    signatory = localized_property("signatory")

    def clean(self):
        if self.person_position_id and self.person_position.person_id != self.person_id:
            raise ValidationError(
                {"person_position": _("Choose a post of the person who signed.")}
            )


class LifecycleEvent(NaturalKeyed, Bilingual, Timestamped):
    Kind = choices.EventKind
    ActKind = choices.ActKind

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    party = optional_link(
        Party,
        "events",
        verbose_name=_("by party"),
        help_text=_(
            "The party whose step this is (ratification, notification, "
            "withdrawal); empty for all parties."
        ),
    )
    # The domestic act by which the party took the step, as published.
    act_kind = models.CharField(
        _("domestic act"), max_length=12, choices=ActKind.choices, blank=True
    )
    act_number = models.CharField(_("act number"), max_length=100, blank=True)
    act_date = models.DateField(_("act date"), null=True, blank=True)
    act_title_ru = models.TextField(
        _("act title (Russian)"), max_length=LONG_TEXT, blank=True
    )
    act_title_en = models.TextField(
        _("act title (English)"), max_length=LONG_TEXT, blank=True
    )
    published_in_ru = models.CharField(
        _("published in (Russian)"),
        max_length=500,
        blank=True,
        help_text=_(
            "E.g. «Бюллетень международных договоров РК, 2013 г., № 6, ст. 57»."
        ),
    )
    published_in_en = models.CharField(
        _("published in (English)"), max_length=500, blank=True
    )
    act_url = URLField(_("act link"), max_length=500, blank=True)
    note_ru = models.TextField(_("note (Russian)"), max_length=LONG_TEXT, blank=True)
    note_en = models.TextField(_("note (English)"), max_length=LONG_TEXT, blank=True)
    history = HistoricalRecords()

    natural_key_lookups = ("document__slug", "kind", "occurred_on", "party__slug")

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name = _("lifecycle event")
        verbose_name_plural = _("lifecycle events")
        # The "status as of a date" subquery walks a document's events by date.
        indexes = [
            models.Index(fields=["document", "occurred_on"], name="event_document_date")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "occurred_on", "party"],
                name="one_event_per_party_and_day",
            ),
            models.UniqueConstraint(
                fields=["document", "kind", "occurred_on"],
                condition=Q(party__isnull=True),
                name="one_event_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"

    note = either_language("note")
    shown_note = localized_property("note")
    act_title = localized_property("act_title")
    published_in = localized_property("published_in")

    @property
    def has_act(self):
        return bool(self.act_kind or self.act_number or self.act_date or self.act_url)

    def natural_key(self):
        """The day as ISO text, as the fixtures write it."""
        party = self.party.slug if self.party_id else None
        return (self.document.slug, self.kind, self.occurred_on.isoformat(), party)


class DocumentIdentifier(NaturalKeyed, Timestamped):
    """An official number a document is known by elsewhere: in a national
    treaty register, an official publication, the UN treaty series, Wikidata."""

    Scheme = choices.IdentifierScheme

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(_("scheme"), max_length=12, choices=Scheme.choices)
    value = models.CharField(
        _("identifier"),
        max_length=200,
        help_text=_("As the register writes it, e.g. Z1300000117."),
    )
    url = URLField(_("link"), max_length=500, blank=True)
    history = HistoricalRecords()

    natural_key_lookups = ("scheme", "value")

    class Meta:
        ordering = ["scheme", "value"]
        verbose_name = _("official identifier")
        verbose_name_plural = _("official identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"], name="one_document_per_identifier"
            )
        ]

    def __str__(self):
        return f"{self.scheme}:{self.value}"


class DocumentRelation(NaturalKeyed, Bilingual, Timestamped):
    Kind = choices.RelationKind

    # How each kind reads from either end: "this document follows X" on the
    # later one, "this document is followed by Y" on the earlier one.
    PHRASES = {
        Kind.IMPLEMENTS: (_("This document implements"), _("Implemented by")),
        Kind.AMENDS: (_("This document amends"), _("Amended by")),
        Kind.SUPERSEDES: (_("This document supersedes"), _("Superseded by")),
        Kind.PART_OF: (_("This document is part of"), _("Includes")),
        Kind.FOLLOWS: (_("This document follows"), _("Followed by")),
        Kind.RELATED: (_("Related to"), _("Related to")),
    }

    from_document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="relations_out"
    )
    to_document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="relations_in"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=Kind.choices)
    note_ru = models.TextField(_("note (Russian)"), max_length=LONG_TEXT, blank=True)
    note_en = models.TextField(_("note (English)"), max_length=LONG_TEXT, blank=True)
    history = HistoricalRecords()

    natural_key_lookups = ("from_document__slug", "to_document__slug", "kind")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("related document")
        verbose_name_plural = _("related documents")
        constraints = [
            models.UniqueConstraint(
                fields=["from_document", "to_document", "kind"],
                name="one_relation_per_kind",
            ),
            models.CheckConstraint(
                condition=~Q(from_document=models.F("to_document")),
                name="no_self_relation",
            ),
        ]

    def __str__(self):
        return f"{self.from_document.slug} {self.kind} {self.to_document.slug}"

    note = either_language("note")
    shown_note = localized_property("note")

    @property
    def outgoing_phrase(self):
        """How the relation reads on the `from_document`'s page."""
        return self.PHRASES[self.kind][0]

    @property
    def incoming_phrase(self):
        """How the relation reads on the `to_document`'s page."""
        return self.PHRASES[self.kind][1]

    def clean(self):
        if self.from_document_id and self.from_document_id == self.to_document_id:
            raise ValidationError(_("A document cannot be related to itself."))
