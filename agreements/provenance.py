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

SOURCED, EDITORIAL, UNKNOWN, UNSUPPORTED = "sourced", "editorial", "unknown", ""

# Citation fields that are not model fields: facts about a record as a whole.
EXTRA_FIELD_LABELS = {
    "": _("the record as a whole"),
    "participations": _("parties and signatories"),
    "place": _("place signed"),
    "subject": _("subject"),
    "summary": _("summary"),
    "documents_count": _("number of documents"),
}


def field_label(model, name):
    """What a reader calls the field a citation supports (`value_amount` → "value")."""
    if name in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[name]
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name.replace("_", " ")


# (name, label, is the fact given?, the citation fields that support it)
FACTS = [
    ("title_ru", _("Title (Russian)"), lambda d: d.title_ru, ["title_ru"]),
    ("title_en", _("Title (English)"), lambda d: d.title_en, ["title_en"]),
    ("kind", _("Kind"), lambda d: d.kind != "unknown", ["kind"]),
    ("legal_level", _("Legal level"), lambda d: d.legal_level != "unknown", None),
    ("signed_on", _("Signed"), lambda d: d.signed_on, None),
    ("place", _("Place"), lambda d: d.place_ru or d.place_en, None),
    ("occasion", _("Occasion"), lambda d: d.occasion_id, None),
    ("status", _("Status"), lambda d: d.status != "unknown", ["status", "signed_on"]),
    ("term_years", _("Term"), lambda d: d.term_years, None),
    ("valid_until", _("Valid until"), lambda d: d.valid_until, None),
    ("value_amount", _("Value"), lambda d: d.value_amount is not None, None),
    ("sectors", _("Sectors"), lambda d: d.sectors.all(), None),
    ("full_text_url", _("Full text"), lambda d: d.full_text_url, None),
    (
        "participations",
        _("Parties and signatories"),
        lambda d: d.participations.all(),
        None,
    ),
]


class Fact(NamedTuple):
    name: str
    label: str
    is_given: bool
    citations: list
    questions: list

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
            name,
            label,
            bool(given(document)),
            [c for c in citations if c.field in (fields or [name])],
            [q for q in questions if q.field == name],
        )
        for name, label, given, fields in FACTS
    ]


LABEL = re.compile(r"\bS\d{1,3}\b")


def labels_in(text):
    """The source labels a text refers to ("(S7, S8)" → ["S7", "S8"])."""
    return LABEL.findall(text or "")
