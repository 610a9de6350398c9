"""What researchers still have to find out: open questions as records."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import choices
from .base import (
    LONG_TEXT,
    Bilingual,
    NaturalKeyed,
    Timestamped,
    localized_property,
    optional_link,
)
from .documents import Document


class ResearchQuestion(NaturalKeyed, Bilingual, Timestamped):
    Status = choices.QuestionStatus

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    question_ru = models.TextField(
        _("question (Russian)"), max_length=LONG_TEXT, blank=True
    )
    question_en = models.TextField(
        _("question (English)"), max_length=LONG_TEXT, blank=True
    )
    searched_ru = models.TextField(
        _("what has been searched (Russian)"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("Sources and archives already read, so nobody repeats them."),
    )
    searched_en = models.TextField(
        _("what has been searched (English)"), max_length=LONG_TEXT, blank=True
    )
    settles_ru = models.TextField(
        _("what would settle it (Russian)"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("The kind of source that would answer the question."),
    )
    settles_en = models.TextField(
        _("what would settle it (English)"), max_length=LONG_TEXT, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    document = optional_link(
        Document,
        "research_questions",
        on_delete=models.CASCADE,
        verbose_name=_("document"),
    )
    field = models.CharField(
        _("fact"),
        max_length=40,
        blank=True,
        help_text=_(
            "The document's fact the question is about (signed_on…), shown next to "
            "it; empty for the document as a whole."
        ),
    )
    history = HistoricalRecords()

    natural_key_lookups = ("slug",)

    class Meta:
        ordering = ["status", "slug"]
        verbose_name = _("research question")
        verbose_name_plural = _("research questions")

    def __str__(self):
        return self.question_en or self.question_ru or self.slug

    question = localized_property("question")
    searched = localized_property("searched")
    settles = localized_property("settles")
