"""Request parameters and bodies, read one way everywhere.

Numbers are ASCII digits only: `str.isdigit()` accepts «²» and «①», which
`int()` refuses, and `int()` accepts «٢٠٢٣», «+5» and «1_0», which nobody
means. Dates and times must convert to UTC within the database's range.
JSON bodies are bounded in depth and list length.
"""

import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.fields import IsoDateTimeField

_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


class ParameterError(BadRequest):
    """A bad query parameter: a 400 naming it (JSON under /api/)."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


def parse_int(raw, name, minimum=1, maximum=None):
    """`raw` as an int within [minimum, maximum], else ParameterError naming `name`."""
    value = int(raw) if _WHOLE_NUMBER.fullmatch(raw or "") else None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("Must be a whole number, at least %(minimum)s.")
        else:
            message = _("Must be a whole number from %(minimum)s to %(maximum)s.")
        raise ParameterError(name, message % {"minimum": minimum, "maximum": maximum})
    return value


class WholeNumberField(forms.IntegerField):
    """An IntegerField that reads digits the way `parse_int` does."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not _WHOLE_NUMBER.fullmatch(str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(str(value).strip())


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time that still exists once converted to UTC."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Enter a date and time in ISO 8601 format, e.g. 2026-12-01T00:00:00Z."
        ),
        "range": gettext_lazy("This date and time is out of range once in UTC."),
    }

    def to_python(self, value):
        parsed = super().to_python(value)
        try:
            if parsed is not None and parsed.tzinfo is not None:
                parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["range"], code="range"
            ) from None
        return parsed


class IdentifierField(forms.CharField):
    """`scheme:value`, an official identifier of a document (`?identifier=
    adilet:Z1300000117`): a known scheme, then the value as the register
    writes it; gives (scheme, value)."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Write the scheme, a colon and the value, e.g. adilet:Z1300000117; "
            "schemes: %(schemes)s."
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(max_length=220, **kwargs)

    def to_python(self, value):
        from .choices import IdentifierScheme

        value = super().to_python(value)
        if value in self.empty_values:
            return None
        scheme, sep, code = value.partition(":")
        if not (sep and code.strip() and scheme in IdentifierScheme.values):
            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"schemes": ", ".join(IdentifierScheme.values)},
            )
        return scheme, code.strip()


def json_shape_problem(value):
    """Why a parsed JSON value is too deep or too long, or None when it is fine."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > settings.JSON_MAX_DEPTH:
            return f"nested more than {settings.JSON_MAX_DEPTH} levels deep"
        if isinstance(item, list | dict):
            if len(item) > settings.JSON_MAX_ITEMS:
                return f"a list or object has more than {settings.JSON_MAX_ITEMS} items"
            children = item.values() if isinstance(item, dict) else item
            stack += [(child, depth + 1) for child in children]
    return None
