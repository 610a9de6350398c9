"""The records documents point at: sectors, parties, occasions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import choices
from ..querysets import PartyQuerySet
from .base import (
    LONG_TEXT,
    Bilingual,
    SlugKeyed,
    Timestamped,
    Versioned,
    country_name,
    localized_property,
    optional_link,
    validate_country,
    wikidata_constraint,
    wikidata_field,
    wikidata_url,
)


class Sector(Versioned, SlugKeyed, Bilingual, Timestamped):
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name_en or self.name_ru

    name = localized_property("name")


class Party(Versioned, SlugKeyed, Bilingual, Timestamped):
    Kind = choices.PartyKind

    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=_(
            "ISO 3166-1 alpha-2 code (RU, KZ); empty for international bodies."
        ),
    )
    parent = optional_link(
        "self",
        "children",
        verbose_name=_("belongs to"),
        help_text=_("A ministry belongs to its state; a subsidiary to its company."),
    )
    wikidata_id = wikidata_field()
    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "name_ru"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="party_country_iso3166",
            ),
            models.CheckConstraint(
                condition=~Q(name_ru="", name_en=""), name="party_has_a_name"
            ),
            wikidata_constraint("party"),
        ]

    def __str__(self):
        return self.name_en or self.name_ru

    name = localized_property("name")

    @property
    def wikidata_url(self):
        return wikidata_url(self.wikidata_id)

    @property
    def country_name(self):
        return country_name(self.country)

    def clean(self):
        if self.parent_id and self.pk and self.pk in self.ancestor_ids():
            raise ValidationError(
                {"parent": _("A party cannot belong to itself, directly or not.")}
            )
        if not (self.name_ru or self.name_en):
            raise ValidationError(_("Give the name in at least one language."))

    def ancestor_ids(self, limit=100):
        """Primary keys up the `parent` chain, starting at the parent; stops at a
        cycle already stored or after `limit` steps (then counts as a cycle)."""
        seen, pk = [], self.parent_id
        while pk and pk not in seen and len(seen) < limit:
            seen.append(pk)
            pk = Party.objects.filter(pk=pk).values_list("parent", flat=True).first()
        return seen + ([self.pk] if len(seen) >= limit else [])


class Occasion(Versioned, SlugKeyed, Bilingual, Timestamped):
    Kind = choices.OccasionKind

    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("date"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    place_ru = models.CharField(_("place (Russian)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    summary_ru = models.TextField(
        _("summary (Russian)"), max_length=LONG_TEXT, blank=True
    )
    summary_en = models.TextField(
        _("summary (English)"), max_length=LONG_TEXT, blank=True
    )
    wikidata_id = wikidata_field()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["-started_on", "slug"]
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="occasion_ends_after_start",
            ),
            wikidata_constraint("occasion"),
        ]

    def __str__(self):
        return self.name_en or self.name_ru

    name = localized_property("name")
    place = localized_property("place")
    summary = localized_property("summary")

    @property
    def wikidata_url(self):
        return wikidata_url(self.wikidata_id)

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError(
                {"ended_on": _("An occasion cannot end before it starts.")}
            )
