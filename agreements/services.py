"""Writes that span several records, kept out of the screens that ask for them."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import models


@transaction.atomic
def document_from_source(form):
    """Save the form's document, its parties, its signing and a citation of the
    source for every fact given, all with one change reason; derive once.

    `form` is a valid `admin.forms.DocumentFromSourceForm`."""
    source = form.source_instance()
    if source.pk is None:
        source.save()
    reason = form.cleaned_data.get("change_reason") or _("entered from %(source)s") % {
        "source": source.slug
    }
    form.instance._change_reason = reason
    document = form.save()
    rows = [
        models.Participation(document=document, party=party, position=position)
        for position, party in enumerate(form.cleaned_data["parties"])
    ]
    if document.signed_on:
        kind = models.LifecycleEvent.Kind.SIGNED
        rows.append(
            models.LifecycleEvent(
                document=document, kind=kind, occurred_on=document.signed_on
            )
        )
    for row in rows + form.citations(document, source):
        row._change_reason = reason
        row.save()
    return document


@transaction.atomic
def person_merge(kept, duplicates):
    """Merge `duplicates` (other Person records of the same person) into
    `kept`: their participations, posts and citations point at `kept`, each
    row saved so its history records the move; a name or Wikidata id `kept`
    lacks is taken from them; then they are deleted. Both histories stay (a
    deleted record's history is kept) and `kept`'s records the merge."""
    duplicates = [d for d in duplicates if d.pk != kept.pk]
    slugs = ", ".join(d.slug for d in duplicates)
    reason = _("merged with %(slugs)s") % {"slugs": slugs}
    for duplicate in duplicates:
        rows = [
            *duplicate.participations.all(),
            *duplicate.positions.all(),
            *duplicate.citations.all(),
        ]
        for row in rows:
            row._change_reason = reason
            if isinstance(row, models.Citation) and _cited_already(kept, row):
                row.delete()  # the same source for the same fact: one is enough
                continue
            row.person = kept
            row.save()
        for field in ("name_ru", "name_en", "wikidata_id"):
            if not getattr(kept, field):
                setattr(kept, field, getattr(duplicate, field))
        duplicate._change_reason = _("merged into %(slug)s") % {"slug": kept.slug}
        duplicate.delete()
    kept._change_reason = reason
    kept.save()
    return kept


def _cited_already(person, citation):
    """Whether `person` has a citation the database would hold as the same."""
    same = person.citations.filter(field=citation.field)
    if citation.source_id:
        return same.filter(source=citation.source_id).exists()
    return same.filter(kind=citation.kind).exists()
