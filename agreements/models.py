from typing import NamedTuple

import pycountry
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import DocumentQuerySet, RecordQuerySet, normalize


class URLField(models.URLField):
    """A URLField whose form field assumes https for scheme-less input."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def validate_country(code):
    """An assigned ISO 3166-1 alpha-2 code; the database checks only its shape."""
    if not (code.isupper() and pycountry.countries.get(alpha_2=code)):
        raise ValidationError(
            _("«%(code)s» is not an ISO 3166-1 alpha-2 country code, e.g. RU."),
            params={"code": code},
        )


def validate_currency(code):
    """An ISO 4217 currency code; the database checks only its shape."""
    if not (code.isupper() and pycountry.currencies.get(alpha_3=code)):
        raise ValidationError(
            _("«%(code)s» is not an ISO 4217 currency code, e.g. USD."),
            params={"code": code},
        )


def format_partial_date(day, precision):
    """2023-11-09, 2023-11 or 2023, as far as the date is known; "" if not."""
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}.get(precision)
    return day.strftime(fmt) if day and fmt else ""


class Localized(NamedTuple):
    """A text in the reader's language, or in the other one, marked as fallback."""

    text: str
    lang: str
    is_fallback: bool

    def __str__(self):
        return self.text


class Bilingual(models.Model):
    """Fields come in `<name>_ru` / `<name>_en` pairs; `localized()` picks one."""

    class Meta:
        abstract = True

    def localized(self, field):
        wanted = "en" if (get_language() or "ru").startswith("en") else "ru"
        other = "ru" if wanted == "en" else "en"
        text = getattr(self, f"{field}_{wanted}")
        if text:
            return Localized(text, wanted, False)
        text = getattr(self, f"{field}_{other}")
        return Localized(text, other if text else wanted, bool(text))


class Timestamped(models.Model):
    # Defaults rather than auto_now: fixtures load with raw saves, which skip auto_now.
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    updated_at = models.DateTimeField(
        _("updated"), default=timezone.now, editable=False, db_index=True
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class Searchable(models.Model):
    """Keeps a case-folded copy of `search_source` fields for portable search."""

    search_source = ()
    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def build_search_text(self):
        return normalize(
            " ".join(filter(None, (getattr(self, f) for f in self.search_source)))
        )

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class SlugKeyed(Searchable):
    """Records addressed by a stable human slug, which is also their natural key."""

    slug = models.SlugField(
        _("identifier"),
        max_length=120,
        unique=True,
        help_text=_(
            "Stable, lowercase, used in URLs and fixtures. Do not change once published."
        ),
    )
    search_source = ("slug", "name_ru", "name_en")
    natural_key_lookups = ("slug",)
    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)


class Sector(SlugKeyed, Bilingual, Timestamped):
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name_en or self.name_ru

    @property
    def name(self):
        return self.localized("name")

    def get_absolute_url(self):
        return reverse("agreements:sector", args=[self.slug])


class Party(SlugKeyed, Bilingual, Timestamped):
    class Kind(models.TextChoices):
        STATE = "state", _("state")
        GOVERNMENT = "government", _("government")
        MINISTRY = "ministry", _("ministry or government body")
        COMPANY = "company", _("company")
        REGION = "region", _("region")
        ORGANISATION = "organisation", _("organisation")

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
    parent = models.ForeignKey(
        "self",
        verbose_name=_("belongs to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("A ministry belongs to its state; a subsidiary to its company."),
    )
    history = HistoricalRecords(excluded_fields=["search_text"])

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
        ]

    def __str__(self):
        return self.name_en or self.name_ru

    @property
    def name(self):
        return self.localized("name")

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A party cannot belong to itself.")})
        if not (self.name_ru or self.name_en):
            raise ValidationError(_("Give the name in at least one language."))

    def get_absolute_url(self):
        return reverse("agreements:party", args=[self.slug])


class Occasion(SlugKeyed, Bilingual, Timestamped):
    class Kind(models.TextChoices):
        OFFICIAL_VISIT = "official_visit", _("official visit")
        STATE_VISIT = "state_visit", _("state visit")
        WORKING_VISIT = "working_visit", _("working visit")
        SUMMIT = "summit", _("summit")
        FORUM = "forum", _("forum")
        OTHER = "other", _("other")

    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("date"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    place_ru = models.CharField(_("place (Russian)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
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
            )
        ]

    def __str__(self):
        return self.name_en or self.name_ru

    @property
    def name(self):
        return self.localized("name")

    @property
    def place(self):
        return self.localized("place")

    @property
    def summary(self):
        return self.localized("summary")

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError(
                {"ended_on": _("An occasion cannot end before it starts.")}
            )

    def get_absolute_url(self):
        return reverse("agreements:occasion", args=[self.slug])


class StaleVersion(Exception):
    """The record was saved by someone else since this copy was read."""


class Status(models.TextChoices):
    """Where a document stands; derived from its lifecycle events."""

    UNKNOWN = "unknown", _("no events recorded")
    SIGNED = "signed", _("signed")
    PROVISIONALLY_APPLIED = "provisionally_applied", _("provisionally applied")
    IN_FORCE = "in_force", _("in force")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED = "terminated", _("terminated")
    EXPIRED = "expired", _("expired")


class Document(SlugKeyed, Bilingual, Timestamped):
    class Kind(models.TextChoices):
        TREATY = "treaty", _("treaty")
        AGREEMENT = "agreement", _("agreement")
        MEMORANDUM = "memorandum", _("memorandum of understanding")
        JOINT_STATEMENT = "joint_statement", _("joint statement")
        ACTION_PLAN = "action_plan", _("action plan or roadmap")
        PROGRAMME = "programme", _("programme")
        PROTOCOL = "protocol", _("protocol")
        CONTRACT = "contract", _("commercial contract")
        CONTRACT_PACKAGE = "contract_package", _("package of agreements and contracts")
        UNKNOWN = "unknown", _("unknown")

    class Level(models.TextChoices):
        INTERSTATE = "interstate", _("interstate")
        INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental")
        INTERDEPARTMENTAL = "interdepartmental", _("interdepartmental")
        INTERREGIONAL = "interregional", _("interregional")
        CORPORATE = "corporate", _("corporate")
        MIXED = "mixed", _("mixed")
        UNKNOWN = "unknown", _("unknown")

    class TitleStatus(models.TextChoices):
        OFFICIAL = "official", _("official title")
        REPORTED = "reported", _("title as reported; official wording may differ")
        DESCRIPTIVE = "descriptive", _("description, not a title")
        UNKNOWN = "unknown", _("title unknown")

    title_ru = models.TextField(_("title (Russian)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
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
    occasion = models.ForeignKey(
        Occasion,
        verbose_name=_("occasion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
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
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[sectors], excluded_fields=["search_text"])

    search_source = (
        "slug",
        "title_ru",
        "title_en",
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

    @property
    def title(self):
        return self.localized("title")

    @property
    def summary(self):
        return self.localized("summary")

    @property
    def place(self):
        return self.localized("place")

    @property
    def signed_display(self):
        return format_partial_date(self.signed_on, self.signed_precision)

    def get_absolute_url(self):
        return reverse("agreements:document", args=[self.slug])

    def clean(self):
        errors = {}
        if self.value_amount is not None and self.value_amount < 0:
            errors["value_amount"] = _("A value cannot be negative.")
        if self.value_amount is not None and not self.value_currency:
            errors["value_currency"] = _("Give the currency of the value.")
        if self.valid_until and self.signed_on and self.valid_until <= self.signed_on:
            errors["valid_until"] = _("The end date must be after the signing date.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        """Save only if nobody saved since `self.version` was read (optimistic lock)."""
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            bumped = Document.objects.filter(pk=self.pk, version=self.version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise StaleVersion(
                    f"Document {self.slug} changed since version {self.version}."
                )
            self.version += 1
            super().save(*args, **kwargs)

    def build_search_text(self):
        """Own texts, plus the names of parties and signatories once saved."""
        parts = [super().build_search_text()]
        if self.pk:
            for p in self.participations.select_related("party"):
                parts += [
                    p.party.name_ru,
                    p.party.name_en,
                    p.signatory_ru,
                    p.signatory_en,
                ]
        return normalize(" ".join(filter(None, parts)))

    def status_on(self, day=None):
        """Status as of `day` (today if None), from the events recorded up to it."""
        from .lifecycle import status_from_events

        return status_from_events(self.events.all(), day)

    def disputed_fields(self):
        """Fields for which the cited sources give different claims."""
        claims = {}
        for c in self.citations.all():
            if c.field and c.claim:
                claims.setdefault(c.field, set()).add(c.claim)
        return sorted(field for field, values in claims.items() if len(values) > 1)


class Participation(Bilingual, Timestamped):
    class Role(models.TextChoices):
        PARTY = "party", _("party")
        SIGNATORY = "signatory", _("signatory side")
        AUTHORISED = "authorised", _("authorised organisation")
        OTHER = "other", _("other")

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
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    natural_key_lookups = ("document__slug", "party__slug", "role")
    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "party", "role"], name="one_participation_per_role"
            )
        ]

    def __str__(self):
        return f"{self.party} — {self.get_role_display()}"

    @property
    def signatory(self):
        return self.localized("signatory")

    def natural_key(self):
        return (self.document.slug, self.party.slug, self.role)

    natural_key.dependencies = ["agreements.document", "agreements.party"]


class LifecycleEvent(Timestamped):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("signed")
        RATIFIED = "ratified", _("ratified or approved by a party")
        PROVISIONALLY_APPLIED = "provisionally_applied", _("provisionally applied")
        ENTERED_INTO_FORCE = "entered_into_force", _("entered into force")
        SUSPENDED = "suspended", _("suspended")
        RESUMED = "resumed", _("resumed")
        TERMINATED = "terminated", _("terminated")
        EXPIRED = "expired", _("expired")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    party = models.ForeignKey(
        Party,
        verbose_name=_("by party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("For a ratification: which party ratified."),
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    natural_key_lookups = ("document__slug", "kind", "occurred_on", "party__slug")
    objects = RecordQuerySet.as_manager()

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

    def natural_key(self):
        party = self.party.slug if self.party_id else None
        return (self.document.slug, self.kind, self.occurred_on.isoformat(), party)

    natural_key.dependencies = ["agreements.document", "agreements.party"]


class DocumentRelation(Timestamped):
    class Kind(models.TextChoices):
        IMPLEMENTS = "implements", _("implements")
        AMENDS = "amends", _("amends")
        SUPERSEDES = "supersedes", _("supersedes")
        PART_OF = "part_of", _("is part of the package")
        RELATED = "related", _("is related to")

    from_document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="relations_out"
    )
    to_document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="relations_in"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    natural_key_lookups = ("from_document__slug", "to_document__slug", "kind")
    objects = RecordQuerySet.as_manager()

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

    def clean(self):
        if self.from_document_id and self.from_document_id == self.to_document_id:
            raise ValidationError(_("A document cannot be related to itself."))

    def natural_key(self):
        return (self.from_document.slug, self.to_document.slug, self.kind)

    natural_key.dependencies = ["agreements.document"]


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
    objects = RecordQuerySet.as_manager()

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
