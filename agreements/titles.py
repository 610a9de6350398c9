"""The title a reader sees, as SQL: the title in their language, else the
other one; a document with neither is untitled (shown "Title unknown"). The
title ordering (`filters.StableOrderingFilter`) and its indexes
(`Document.Meta.indexes`) are built from these, so they stay one expression."""

from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce, NullIf


def shown_title(lang):
    other = "ru" if lang == "en" else "en"
    return Coalesce(NullIf(f"title_{lang}", Value("")), f"title_{other}")


def untitled():
    """True for a document with no title in either language: sorted after
    the titled ones, whichever way the titles go."""
    return ExpressionWrapper(Q(title_en="", title_ru=""), output_field=BooleanField())
