"""Where facts come from: sources and the citations that tie them to records."""

import functools
import operator
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import choices
from ..facts import DOCUMENT_FACTS
from ..querysets import CitationQuerySet, SourceQuerySet
from .base import (
    LONG_TEXT,
    Bilingual,
    NaturalKeyed,
    SlugKeyed,
    Timestamped,
    URLField,
    Versioned,
    either_language,
    format_partial_date,
    localized_property,
    optional_link,
)
from .documents import Document
from .people import Person
from .records import Occasion, Party
from .rows import LifecycleEvent


class Source(Versioned, SlugKeyed, Bilingual, Timestamped):
    Precision = choices.SourcePrecision

    label = models.CharField(
        _("short label"),
        max_length=12,
        blank=True,
        help_text=_(
            "How texts refer to the source, e.g. S7: «(S7)» in a summary or note "
            "becomes a link to this source. Unique; empty if texts do not use one."
        ),
    )
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_("Empty when not stated."),
    )
    url = URLField(_("address"), max_length=500, blank=True)
    archived_url = URLField(
        _("archived copy"),
        max_length=500,
        blank=True,
        help_text=_("A copy in a web archive, in case the address stops working."),
    )
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
    note_ru = models.TextField(
        _("note (Russian)"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("What a reader should know about the source: other addresses…"),
    )
    note_en = models.TextField(_("note (English)"), max_length=LONG_TEXT, blank=True)
    search_source = ("slug", "label", "title", "publisher", "url")
    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["label"], condition=~Q(label=""), name="source_label_unique"
            )
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title}" if self.publisher else self.title

    note = either_language("note")
    shown_note = localized_property("note")

    @property
    def title_lang(self):
        """The title's language: the editors' bracketed descriptions («[TASS
        report…]») are English; a recorded title is in the source's language."""
        if self.title.startswith("["):
            return "en"
        return self.language[:2]

    @property
    def publisher_lang(self):
        """Russian for a publisher named in Cyrillic; a Latin name is English."""
        return "ru" if CYRILLIC.search(self.publisher) else "en"

    @property
    def published_display(self):
        return format_partial_date(self.published_on, self.published_precision)


CYRILLIC = re.compile("[\u0400-\u04ff]")


def citable_facts():
    """{subject field: [(value, label)]}: what a citation can support on each kind
    of record. "" is the record as a whole; a few facts are not model fields."""
    whole = ("", _("the record as a whole"))
    summary = ("summary", _("summary"))

    def facts(model, names):
        return [(n, model._meta.get_field(n).verbose_name) for n in names]

    # The document's facts (facts.DOCUMENT_FACTS); a bilingual one by each
    # language's field too.
    document_facts = []
    own = Document._meta
    fields = {f.name for f in (*own.local_fields, *own.local_many_to_many)}
    for fact in DOCUMENT_FACTS:
        languages = [f"{fact.name}_{lang}" for lang in ("ru", "en")]
        if fact.name in fields:
            document_facts += facts(Document, [fact.name])
            continue
        if set(languages) <= fields:
            document_facts += facts(Document, languages)
        document_facts.append((fact.name, fact.cited_as or fact.label))

    return {
        "document": [
            whole,
            *document_facts,
            ("subject", _("subject")),
            summary,
            ("events", _("lifecycle events")),
        ],
        "occasion": [
            whole,
            *facts(Occasion, ["name_ru", "name_en", "kind", "started_on"]),
            *facts(Occasion, ["ended_on", "place_ru", "place_en", "wikidata_id"]),
            summary,
            ("documents_count", _("number of documents")),
        ],
        "party": [
            whole,
            *facts(Party, ["name_ru", "name_en", "kind", "country", "parent"]),
            *facts(Party, ["wikidata_id"]),
        ],
        "person": [
            whole,
            *facts(Person, ["name_ru", "name_en", "wikidata_id"]),
            ("positions", _("posts held")),
        ],
        # An event as a whole (its date and kind) or its domestic act.
        "event": [
            whole,
            *facts(LifecycleEvent, ["occurred_on", "act_number", "act_date"]),
            *facts(LifecycleEvent, ["published_in_ru", "published_in_en"]),
        ],
    }


# The kinds of record a citation can support a fact of.
SUBJECTS = ("document", "occasion", "party", "event", "person")


def exactly_one_of(names):
    """A condition: exactly one of these foreign keys is set."""
    return functools.reduce(
        operator.or_,
        (
            Q(**{f"{name}__isnull": name != chosen for name in names})
            for chosen in names
        ),
    )


def _subject(model):
    """The link from a citation to a record of one kind (`Citation.SUBJECTS`);
    exactly one of them is set."""
    return optional_link(model, "citations", on_delete=models.CASCADE)


class Citation(NaturalKeyed, Bilingual, Timestamped):
    Kind = choices.CitationKind

    SUBJECTS = SUBJECTS

    Confidence = choices.Confidence

    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.SOURCED,
        help_text=_(
            "Editorial: no source gives the fact; the editors classified it (a "
            "sector, a legal level, a Russian form of a name). Say why in the note."
        ),
    )
    source = optional_link(
        Source,
        "citations",
        help_text=_("Empty only for an editorial citation."),
    )
    document = _subject(Document)
    occasion = _subject(Occasion)
    party = _subject(Party)
    event = _subject(LifecycleEvent)
    person = _subject(Person)
    field = models.CharField(
        _("field"),
        max_length=40,
        blank=True,
        choices=[
            (model._meta.verbose_name, citable_facts()[subject])
            for subject, model in zip(
                SUBJECTS,
                (Document, Occasion, Party, LifecycleEvent, Person),
                strict=True,
            )
        ],
        help_text=_("Which fact of the record this source supports."),
    )
    claim_ru = models.TextField(
        _("claim (Russian)"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_(
            "What this source says the value is. Different claims mark the fact "
            "disputed, unless the editors judge one unreliable."
        ),
    )
    claim_en = models.TextField(_("claim (English)"), max_length=LONG_TEXT, blank=True)
    quote = models.TextField(_("quoted passage"), max_length=LONG_TEXT, blank=True)
    confidence = models.CharField(
        _("confidence"),
        max_length=10,
        choices=Confidence.choices,
        default=Confidence.HIGH,
        help_text=_(
            "Judged unreliable: the source says it, but the editors hold it is "
            "wrong (say why in the note); it is shown, not counted as a dispute."
        ),
    )
    note_ru = models.TextField(_("note (Russian)"), max_length=LONG_TEXT, blank=True)
    note_en = models.TextField(_("note (English)"), max_length=LONG_TEXT, blank=True)
    history = HistoricalRecords()

    natural_key_lookups = (
        "source__slug",
        "document__slug",
        "occasion__slug",
        "party__slug",
        "event__document__slug",
        "event__kind",
        "event__occurred_on",
        "event__party__slug",
        "person__slug",
        "field",
    )
    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["field", "source__slug"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of(SUBJECTS), name="citation_has_one_subject"
            ),
            # A sourced citation names its source; an editorial one has none and
            # says in its note why the editors hold the fact.
            models.CheckConstraint(
                condition=Q(kind="sourced", source__isnull=False)
                | (
                    Q(kind="editorial", source__isnull=True)
                    & ~Q(note_ru="", note_en="")
                ),
                name="citation_sourced_or_editorial_with_note",
            ),
            *(
                models.UniqueConstraint(
                    fields=["source", subject, "field"],
                    condition=Q(**{f"{subject}__isnull": False}),
                    name=f"one_citation_per_{subject}_field_source",
                )
                for subject in SUBJECTS
            ),
            *(
                models.UniqueConstraint(
                    fields=[subject, "field"],
                    condition=Q(**{f"{subject}__isnull": False}, kind="editorial"),
                    name=f"one_editorial_citation_per_{subject}_field",
                )
                for subject in SUBJECTS
            ),
        ]

    def __str__(self):
        origin = self.source.slug if self.source_id else _("editorial")
        return f"{origin} → {self.subject}{'.' + self.field if self.field else ''}"

    # `claim` compares claims across sources (one language, English where given).
    claim = either_language("claim")
    note = either_language("note")
    shown_claim = localized_property("claim")
    shown_note = localized_property("note")

    @property
    def subject(self):
        return self.document or self.occasion or self.party or self.event or self.person

    @property
    def confidence_short(self):
        return {
            "high": _("high"),
            "medium": _("medium"),
            "low": _("low"),
            "unreliable": _("states it; judged unreliable"),
        }.get(self.confidence, self.confidence)

    @property
    def is_unreliable(self):
        return self.confidence == self.Confidence.UNRELIABLE

    @property
    def is_editorial(self):
        return self.kind == self.Kind.EDITORIAL

    def subject_names(self):
        """The subject fields that are set; an inline row on an add page points at
        its unsaved document (the database constraint checks the saved row)."""
        return [
            name
            for name in self.SUBJECTS
            if getattr(self, f"{name}_id") is not None
            or (
                self._meta.get_field(name).is_cached(self)
                and getattr(self, name) is not None
            )
        ]

    def clean(self):
        if self.kind == self.Kind.SOURCED and not self.source_id:
            raise ValidationError(
                {"source": _("Name the source, or mark it editorial.")}
            )
        if self.kind == self.Kind.EDITORIAL:
            if self.source_id:
                raise ValidationError(
                    {"source": _("An editorial citation has no source.")}
                )
            if not self.note:
                raise ValidationError(
                    {"note_en": _("Say why the editors hold this fact.")}
                )
        subjects = self.subject_names()
        if len(subjects) != 1:
            raise ValidationError(
                _(
                    "A citation supports exactly one document, occasion, party, "
                    "event or person."
                )
            )
        facts = dict(citable_facts()[subjects[0]])
        if self.field not in facts:
            raise ValidationError(
                {
                    "field": _(
                        "«%(field)s» is not a fact of a %(subject)s; choose one of "
                        "the list."
                    )
                    % {
                        "field": self.field,
                        "subject": self._meta.get_field(
                            subjects[0]
                        ).related_model._meta.verbose_name,
                    }
                }
            )
