"""Characters a stored text may hold: what XML 1.0 allows. The C0 controls
other than tab, line feed and carriage return, lone surrogates, U+FFFE and
U+FFFF cannot be written in a feed or read back from most files, so they are
refused on every write (`models.base.PlainText`) and left out on output."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def validate_plain_text(value):
    """ValidationError naming the first character XML 1.0 does not allow."""
    found = NOT_XML.search(value)
    if found:
        raise ValidationError(
            _(
                "Contains a control character (U+%(code)04X) at position "
                "%(position)s; remove it."
            ),
            code="control_character",
            params={"code": ord(found.group()), "position": found.start() + 1},
        )


def xml_text(value):
    """`value` without the characters XML 1.0 does not allow (rows stored before
    they were refused must not break a feed for every reader)."""
    return NOT_XML.sub("", value) if value else value
