"""The one list of a document's facts: what a reader, a citation and the
history know a document by.

Each fact has a name (a field of `Document`, or a group of them: "place",
"participations"), a label in the interface's languages (the catalogues
translate it), whether the document gives it, the citation fields that support
it, and how the page shows its value (a template in
`templates/agreements/facts/`, else `value.html`: the field's value or
"unknown"). The detail page lists them in this order (`on_page`), citations
choose among them (`models.sources.citable_facts`), and provenance says how
each is known (`provenance.document_facts`). The API and the CSV give each
model field by its name (`Document.headline_fields`, `terms_fields`).

A new fact of a document: its field (models/documents.py and a migration),
one line here, and where the API and the export list fields.
"""

from typing import NamedTuple

from django.template.loader import select_template
from django.utils.translation import gettext_lazy as _

TEMPLATES = "agreements/facts/"


class DocumentFact(NamedTuple):
    name: str
    label: str
    given: object  # document -> truthy when the document gives the fact
    supported_by: tuple = ()  # citation fields; () means (name,)
    on_page: bool = True  # in the page's list of facts (else a section of its own)
    cited_as: str = ""  # its label among a citation's choices, if not a field's

    @property
    def citation_fields(self):
        return self.supported_by or (self.name,)

    def template(self):
        """The fact's own template if it has one, else the plain value's."""
        return select_template(
            [f"{TEMPLATES}{self.name}.html", f"{TEMPLATES}value.html"]
        )


DOCUMENT_FACTS = [
    DocumentFact("title_ru", _("Title (Russian)"), lambda d: d.title_ru),
    DocumentFact("title_en", _("Title (English)"), lambda d: d.title_en),
    DocumentFact("title_kk", _("Title (Kazakh)"), lambda d: d.title_kk),
    DocumentFact("kind", _("Kind"), lambda d: d.kind != "unknown"),
    DocumentFact("legal_level", _("Legal level"), lambda d: d.legal_level != "unknown"),
    DocumentFact("signed_on", _("Signed"), lambda d: d.signed_on),
    DocumentFact(
        "place",
        _("Place"),
        lambda d: d.place_ru or d.place_en,
        cited_as=_("place signed"),
    ),
    DocumentFact("occasion", _("Occasion"), lambda d: d.occasion_id),
    DocumentFact(
        "status",
        _("Status"),
        lambda d: d.status != "unknown",
        supported_by=("status", "signed_on"),
    ),
    DocumentFact(
        "entry_into_force_rule",
        _("Entry into force"),
        lambda d: d.entry_into_force_rule != "unknown",
    ),
    DocumentFact("term_years", _("Term"), lambda d: d.term_years),
    DocumentFact("valid_until", _("Valid until"), lambda d: d.valid_until),
    DocumentFact("value_amount", _("Value"), lambda d: d.value_amount is not None),
    DocumentFact("sectors", _("Sectors"), lambda d: d.sectors.all()),
    DocumentFact("full_text_url", _("Full text"), lambda d: d.full_text_url),
    DocumentFact(
        "identifiers",
        _("Official identifiers"),
        lambda d: d.identifiers.all(),
        cited_as=_("official identifiers"),
    ),
    DocumentFact(
        "participations",
        _("Parties and signatories"),
        lambda d: d.participations.all(),
        on_page=False,
        cited_as=_("parties and signatories"),
    ),
]
