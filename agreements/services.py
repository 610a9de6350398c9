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
