"""People as records: who signed, under one name however the sources spell
it, and the posts they held over time. A participation names the person who
signed and the post they signed in (`Participation.person`, `.person_position`);
its signatory text stays as the source wrote it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import (
    Bilingual,
    NaturalKeyed,
    SlugKeyed,
    Timestamped,
    Versioned,
    localized_property,
    optional_link,
    wikidata_constraint,
    wikidata_field,
    wikidata_url,
)
from .records import Party


class Person(Versioned, SlugKeyed, Bilingual, Timestamped):
    name_ru = models.CharField(
        _("name (Russian)"),
        max_length=300,
        blank=True,
        help_text=_("As the sources write it, e.g. «Н. Г. Шульгинов»."),
    )
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    wikidata_id = wikidata_field()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name_en", "name_ru", "slug"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_ru="", name_en=""), name="person_has_a_name"
            ),
            wikidata_constraint("person"),
        ]

    def __str__(self):
        return self.name_en or self.name_ru

    name = localized_property("name")

    @property
    def wikidata_url(self):
        return wikidata_url(self.wikidata_id)

    def clean(self):
        if not (self.name_ru or self.name_en):
            raise ValidationError(_("Give the name in at least one language."))


class Position(NaturalKeyed, Bilingual, Timestamped):
    """A post a person held: its title, the body it belongs to, and from when
    to when, each date empty where no source gives it."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions"
    )
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    party = optional_link(
        Party,
        "positions",
        verbose_name=_("body"),
        help_text=_("The state, government or ministry the post belongs to."),
    )
    held_from = models.DateField(
        _("held from"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    held_until = models.DateField(
        _("held until"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    history = HistoricalRecords()

    natural_key_lookups = ("person__slug", "title_ru", "held_from")

    class Meta:
        ordering = ["person", "held_from", "pk"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_ru="", title_en=""), name="position_has_a_title"
            ),
            models.CheckConstraint(
                condition=Q(held_until__isnull=True)
                | Q(held_from__isnull=True)
                | Q(held_until__gte=models.F("held_from")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.title_en or self.title_ru}"

    title = localized_property("title")

    def natural_key(self):
        """The day as ISO text, as the fixtures write it."""
        held_from = self.held_from.isoformat() if self.held_from else None
        return (self.person.slug, self.title_ru, held_from)

    def clean(self):
        if not (self.title_ru or self.title_en):
            raise ValidationError(_("Give the title in at least one language."))
        if self.held_from and self.held_until and self.held_until < self.held_from:
            raise ValidationError(
                {"held_until": _("A post cannot end before it starts.")}
            )
