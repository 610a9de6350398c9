"""Where facts come from: sources and the citations that tie them to records."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..querysets import CitationQuerySet, SourceQuerySet
from .base import SlugKeyed, Timestamped, URLField, format_partial_date
from .documents import Document
from .records import Occasion, Party


class Source(SlugKeyed, Timestamped):
    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        YEAR = "year", _("year")
        UNDATED = "undated", _("undated")

    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_("Empty when not stated."),
    )
    url = URLField(_("address"), max_length=500, blank=True)
    language = models.CharField(
        _("language"), max_length=10, help_text=_("e.g. ru, en, ru/en")
    )
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_("With month or year precision, the first day of it."),
    )
    published_precision = models.CharField(
        _("date precision"),
        max_length=8,
        choices=Precision.choices,
        default=Precision.DAY,
    )
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    search_source = ("slug", "title", "publisher", "url")
    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.publisher}: {self.title}" if self.publisher else self.title

    @property
    def published_display(self):
        return format_partial_date(self.published_on, self.published_precision)


class Citation(Timestamped):
    class Confidence(models.TextChoices):
        HIGH = "high", _("high — stated plainly by the source")
        MEDIUM = "medium", _("medium — wording or date reconstructed from context")
        LOW = "low", _("low — inferred")

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations"
    )
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    occasion = models.ForeignKey(
        Occasion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    field = models.CharField(
        _("field"),
        max_length=40,
        blank=True,
        help_text=_(
            "Which fact this supports (title_ru, signed_on, value…); empty for the record."
        ),
    )
    claim = models.TextField(
        _("claim"),
        blank=True,
        help_text=_(
            "What this source says the value is. Different claims mark the fact disputed."
        ),
    )
    quote = models.TextField(_("quoted passage"), blank=True)
    confidence = models.CharField(
        _("confidence"),
        max_length=6,
        choices=Confidence.choices,
        default=Confidence.HIGH,
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    natural_key_lookups = (
        "source__slug",
        "document__slug",
        "occasion__slug",
        "party__slug",
        "field",
    )
    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["field", "source__slug"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    document__isnull=False, occasion__isnull=True, party__isnull=True
                )
                | Q(document__isnull=True, occasion__isnull=False, party__isnull=True)
                | Q(document__isnull=True, occasion__isnull=True, party__isnull=False),
                name="citation_has_one_subject",
            ),
            *(
                models.UniqueConstraint(
                    fields=["source", subject, "field"],
                    condition=Q(**{f"{subject}__isnull": False}),
                    name=f"one_citation_per_{subject}_field_source",
                )
                for subject in ("document", "occasion", "party")
            ),
        ]

    def __str__(self):
        return f"{self.source.slug} → {self.subject}{'.' + self.field if self.field else ''}"

    @property
    def subject(self):
        return self.document or self.occasion or self.party

    def clean(self):
        if (
            sum(
                x is not None
                for x in (self.document_id, self.occasion_id, self.party_id)
            )
            != 1
        ):
            raise ValidationError(
                _("A citation supports exactly one document, occasion or party.")
            )

    def natural_key(self):
        return (
            self.source.slug,
            self.document.slug if self.document_id else None,
            self.occasion.slug if self.occasion_id else None,
            self.party.slug if self.party_id else None,
            self.field,
        )

    natural_key.dependencies = [
        "agreements.source",
        "agreements.document",
        "agreements.occasion",
        "agreements.party",
    ]
