"""How we know each fact of a document: sourced, editorial, or unknown.

A fact is supported by the citations that name it in `field` (the status by
those on its lifecycle, `status`, and on the signing date). A fact is
- *sourced* when a source supports it (whatever the editors add), also when
  its value is left empty because the sources disagree;
- *editorial* when only the editors' classification does;
- *unknown* when the document does not give it and nothing is cited;
- unsupported ("") when it is given but nothing supports it — which the
  About page's promise, and a test of the fixtures, do not allow.
"""

import re
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from .facts import DOCUMENT_FACTS

SOURCED, EDITORIAL, UNKNOWN, UNSUPPORTED = "sourced", "editorial", "unknown", ""

# Citation fields that are not model fields: facts about a record as a whole.
EXTRA_FIELD_LABELS = {
    "": _("the record as a whole"),
    "participations": _("parties and signatories"),
    "place": _("place signed"),
    "subject": _("subject"),
    "summary": _("summary"),
    "documents_count": _("number of documents"),
    "events": _("lifecycle events"),
    "positions": _("posts held"),
}


def field_label(model, name):
    """What a reader calls the field a citation supports (`value_amount` → "value")."""
    if name in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[name]
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    # A reverse relation (`identifiers`) is called by its rows' plural name.
    return getattr(field, "verbose_name", None) or (
        field.related_model._meta.verbose_name_plural
    )


class Fact(NamedTuple):
    """A fact of one document (`facts.DOCUMENT_FACTS`) with what supports it."""

    definition: object  # the DocumentFact
    value: object
    is_given: bool
    citations: list
    questions: list

    @property
    def name(self):
        return self.definition.name

    @property
    def label(self):
        return self.definition.label

    @property
    def on_page(self):
        return self.definition.on_page

    def template(self):
        return self.definition.template()

    @property
    def sourced(self):
        return [c for c in self.citations if not c.is_editorial]

    @property
    def editorial(self):
        return [c for c in self.citations if c.is_editorial]

    @property
    def state(self):
        if self.sourced:
            return SOURCED
        if self.editorial:
            return EDITORIAL
        return UNSUPPORTED if self.is_given else UNKNOWN


def citation_order(citation):
    """S1, S2 … S10 in their natural order; editorial ones last."""
    label = citation.source.label if citation.source_id else "~"
    return (citation.is_editorial, len(label), label)


def document_facts(document):
    """The facts of a document with their citations and open research questions
    (from prefetched `citations` and `research_questions` where there are)."""
    citations = sorted(document.citations.all(), key=citation_order)
    questions = [q for q in document.research_questions.all() if q.status == "open"]
    return [
        Fact(
            fact,
            getattr(document, fact.name, None),
            bool(fact.given(document)),
            [c for c in citations if c.field in fact.citation_fields],
            [q for q in questions if q.field == fact.name],
        )
        for fact in DOCUMENT_FACTS
    ]


LABEL = re.compile(r"\bS\d{1,3}\b")


def labels_in(text):
    """The source labels a text refers to ("(S7, S8)" → ["S7", "S8"])."""
    return LABEL.findall(text or "")
