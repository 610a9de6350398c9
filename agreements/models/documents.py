"""Documents, their tombstones and the facet counts derived from them; the
rows that hang off a document are in `rows.py`."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import choices
from ..lifecycle import Status, bound_parties, status_from_events
from ..querysets import DERIVED_COLUMNS, DocumentQuerySet, normalize
from ..titles import shown_title, untitled
from .base import (
    LONG_TEXT,
    Bilingual,
    SlugKeyed,
    Timestamped,
    URLField,
    Versioned,
    format_partial_date,
    localized_property,
    optional_link,
    validate_currency,
)
from .records import Occasion, Sector


class Document(Versioned, SlugKeyed, Bilingual, Timestamped):
    Kind = choices.DocumentKind
    Level = choices.LegalLevel
    TitleStatus = choices.TitleStatus
    Rule = choices.EntryIntoForceRule

    # Bounded so that titles fit the ordering indexes (B-tree rows < 2.7 kB).
    title_ru = models.TextField(_("title (Russian)"), max_length=1000, blank=True)
    title_en = models.TextField(_("title (English)"), max_length=1000, blank=True)
    title_kk = models.TextField(
        _("title (Kazakh)"),
        max_length=1000,
        blank=True,
        help_text=_("The official Kazakh title, where a source gives one."),
    )
    title_status = models.CharField(
        _("title certainty"),
        max_length=12,
        choices=TitleStatus.choices,
        default=TitleStatus.UNKNOWN,
        help_text=_(
            "Is the title the official wording, a media report, or only a description?"
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    legal_level = models.CharField(
        _("legal level"), max_length=20, choices=Level.choices, default=Level.UNKNOWN
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    signed_precision = models.CharField(
        _("date precision"),
        max_length=8,
        choices=[("day", _("day")), ("month", _("month")), ("year", _("year"))],
        default="day",
        help_text=_("With month or year precision, store the first day of it."),
    )
    place_ru = models.CharField(_("place signed (Russian)"), max_length=200, blank=True)
    place_en = models.CharField(_("place signed (English)"), max_length=200, blank=True)
    occasion = optional_link(Occasion, "documents", verbose_name=_("occasion"))
    summary_ru = models.TextField(
        _("summary (Russian)"), max_length=LONG_TEXT, blank=True
    )
    summary_en = models.TextField(
        _("summary (English)"), max_length=LONG_TEXT, blank=True
    )
    term_years = models.PositiveSmallIntegerField(
        _("term (years)"),
        null=True,
        blank=True,
        help_text=_("Empty when the term is not known."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    value_amount = models.DecimalField(
        _("value"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty when unknown or when sources disagree (see citations)."),
    )
    value_currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    full_text_url = URLField(_("full text"), max_length=500, blank=True)
    # When the document says it enters into force (lifecycle.py reads it).
    entry_into_force_rule = models.CharField(
        _("entry into force"),
        max_length=30,
        choices=Rule.choices,
        default=Rule.UNKNOWN,
        help_text=_("As the document's final clauses state it."),
    )
    entry_into_force_days = models.PositiveSmallIntegerField(
        _("days after the last notification"),
        null=True,
        blank=True,
        help_text=_("Only for «a number of days after the last notification»."),
    )
    entry_into_force_on = models.DateField(
        _("enters into force on"),
        null=True,
        blank=True,
        help_text=_("Only for «on a fixed date»."),
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="documents", blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=Status.choices,
        default=Status.UNKNOWN,
        editable=False,
        db_index=True,
        help_text=_("Derived from the lifecycle events; edit the events, not this."),
    )
    # Derived: the day the entry-into-force rule gives from the events
    # (lifecycle.expected_in_force_on); shown as expected, never as a fact.
    expected_in_force_on = models.DateField(
        _("expected to enter into force on"),
        null=True,
        editable=False,
        help_text=_(
            "Computed from the entry-into-force rule and the events recorded: "
            "expected, never a fact a source gives."
        ),
    )
    # Derived data (derive.py), never typed in: written before each commit
    # that changes what the document shows (db/deriving.py).
    # PostgreSQL full-text search. Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # What it is shown as, stored (renderings.py): its CSV export line, API
    # record and list row (URLs with a placeholder origin), and the version of
    # the code that made them; a rendering of another version is never served.
    export_line = models.TextField(editable=False, default="")
    api_record = models.TextField(editable=False, default="")
    api_row = models.TextField(editable=False, default="")
    rendered_by = models.CharField(max_length=12, editable=False, default="")
    # What it is counted under in the list's facets ("sector=3", "year=2023"…),
    # so that a change can take it out of the counts it left (`FacetCount`);
    # null while it is not counted.
    facet_keys = models.JSONField(null=True, editable=False, serialize=False)
    history = HistoricalRecords(m2m_fields=[sectors], excluded_fields=DERIVED_COLUMNS)

    # Field groups the API's records and the export give in this order: what
    # identifies a document at a glance, and what it says (term, value, text).
    headline_fields = (
        "slug",
        "title_ru",
        "title_en",
        "title_kk",
        "title_status",
        "kind",
        "legal_level",
        "status",
        "signed_on",
        "signed_precision",
    )
    terms_fields = (
        "summary_ru",
        "summary_en",
        "term_years",
        "valid_until",
        "value_amount",
        "value_currency",
        "full_text_url",
        "entry_into_force_rule",
        "entry_into_force_days",
        "entry_into_force_on",
        "expected_in_force_on",
    )
    search_source = (
        "slug",
        "title_ru",
        "title_en",
        "title_kk",
        "summary_ru",
        "summary_en",
        "place_ru",
        "place_en",
    )
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "slug"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        # One index per offered ordering (ties broken by slug) and per facet
        # filter with the default ordering: a list page reads 50 index entries,
        # never the whole table.
        indexes = [
            *(
                models.Index(fields=[order, "slug"], name=f"document_{name}")
                for order, name in [
                    ("-signed_on", "newest"),
                    ("signed_on", "oldest"),
                    ("title_ru", "title"),
                    ("-title_ru", "title_desc"),
                    ("title_en", "title_en"),
                    ("-title_en", "title_en_desc"),
                    ("updated_at", "updated"),
                    ("-updated_at", "updated_desc"),
                ]
            ),
            *(
                models.Index(
                    fields=[field, "-signed_on", "slug"],
                    name=f"document_{field}_newest",
                )
                for field in ("kind", "legal_level", "status", "occasion")
            ),
            # "Title" sorts by the title the reader sees: theirs, else the other,
            # the untitled last (`StableOrderingFilter`); one index per language
            # and direction.
            *(
                models.Index(
                    untitled().asc(),
                    shown.desc() if descending else shown.asc(),
                    F("slug").asc(),
                    name=f"document_shown_title_{lang}{'_desc' * descending}",
                )
                for lang in ("en", "ru")
                for shown in [shown_title(lang)]
                for descending in (False, True)
            ),
            # Whether every document is counted in `FacetCount`: one index probe.
            models.Index(
                fields=["id"],
                condition=Q(facet_keys__isnull=True),
                name="document_not_counted",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_amount__isnull=True) | Q(value_amount__gte=0),
                name="document_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value_currency="") | Q(value_currency__regex=r"^[A-Z]{3}$"),
                name="document_currency_iso4217",
            ),
            models.CheckConstraint(
                condition=Q(value_amount__isnull=True) | ~Q(value_currency=""),
                name="document_value_has_currency",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(valid_until__gt=models.F("signed_on")),
                name="document_ends_after_signing",
            ),
        ]

    def __str__(self):
        return self.title_ru or self.title_en or f"[{self.slug}]"

    def save(self, *args, **kwargs):
        """Writes what analysts write, never the derived columns as this copy
        holds them: the derivation keeps those (derive.py) and reads what the
        document was counted under before."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in DERIVED_COLUMNS
            ]
        super().save(*args, **kwargs)

    title = localized_property("title")
    summary = localized_property("summary")
    place = localized_property("place")

    @property
    def signed_display(self):
        return format_partial_date(self.signed_on, self.signed_precision)

    def clean(self):
        errors = {}
        if self.value_amount is not None and self.value_amount < 0:
            errors["value_amount"] = _("A value cannot be negative.")
        if self.value_amount is not None and not self.value_currency:
            errors["value_currency"] = _("Give the currency of the value.")
        if self.valid_until and self.signed_on and self.valid_until <= self.signed_on:
            errors["valid_until"] = _("The end date must be after the signing date.")
        rule = self.entry_into_force_rule
        if (rule == self.Rule.ON_DATE) != bool(self.entry_into_force_on):
            errors["entry_into_force_on"] = _(
                "Give the date exactly when the rule is «on a fixed date»."
            )
        days_rule = rule == self.Rule.DAYS_AFTER_LAST_NOTIFICATION
        if days_rule != (self.entry_into_force_days is not None):
            errors["entry_into_force_days"] = _(
                "Give the days exactly when the rule counts days after the last "
                "notification."
            )
        if errors:
            raise ValidationError(errors)

    def build_search_text(self, participations=()):
        """Own texts and the given participations' names, signatories and the
        people who signed (their names as the person's record gives them).

        save() keeps the own texts current; `derive.computed` adds the parties.
        """
        parts = [super().build_search_text()]
        for p in participations:
            parts += [p.party.name_ru, p.party.name_en, p.signatory_ru, p.signatory_en]
            if p.person_id:
                parts += [p.person.name_ru, p.person.name_en]
        return normalize(" ".join(filter(None, parts)))

    @property
    def shown_status(self):
        """The status as of the day a list asked for (`with_status_on`), else today's."""
        return getattr(self, "status_on_day", None) or self.status

    def get_shown_status_display(self):
        return Status(self.shown_status).label

    def status_on(self, day=None):
        """Status as of `day` (today if None), from the events recorded up to it."""
        return status_from_events(
            self.events.all(), day, self.bound_parties(), self.expected_in_force_on
        )

    def bound_parties(self):
        return bound_parties(self.participations.all())

    def disputed_fields(self):
        """Fields for which the cited sources give different claims; a claim the
        editors judge unreliable is shown with its note, not counted."""
        claims = {}
        for c in self.citations.all():
            if c.field and c.claim and not c.is_unreliable:
                claims.setdefault(c.field, set()).add(c.claim)
        return sorted(field for field, values in claims.items() if len(values) > 1)


# The reason on the record a fixture load leaves in a document's history.
FIXTURE_LOAD = "fixture load"


@receiver(pre_save, sender=Document, dispatch_uid="fixture-load-reason")
def fixture_loads_are_marked(sender, instance, raw, **kwargs):
    """A fixture load (`loaddata`, `seed`: raw saves) is not an edit. The
    history records no raw save, but does record the sectors `loaddata` sets
    right after it: that record, marked with this reason, is the loaded state
    the first edit is compared with, never shown as a change of its own."""
    if raw:
        instance._change_reason = FIXTURE_LOAD


class DeletedDocument(models.Model):
    """A tombstone: sync clients learn which documents to drop
    (`/api/v1/documents/deleted/?since=`). Written wherever a document is
    deleted (`marks.after_delete`)."""

    slug = models.SlugField(max_length=120, db_index=True)
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["deleted_at", "pk"]
        verbose_name = _("deleted document")
        verbose_name_plural = _("deleted documents")

    def __str__(self):
        return f"{self.slug} ({self.deleted_at:%Y-%m-%d %H:%M})"


class FacetCount(models.Model):
    """How many documents the list's facet `facet` counts under `value`, of all
    documents: derived data (derive.derive), so that the list with
    no filter shows its facets without counting a million rows. A related record
    is named by its primary key."""

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)
    documents = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="one_count_a_value")
        ]

    def __str__(self):
        return f"{self.facet}={self.value}: {self.documents}"
