from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def marked(snippet):
    """A text snippet, escaped, its matches (between \\x02 and \\x03) in <mark>."""
    text = escape(snippet or "")
    return mark_safe(text.replace("\x02", "<mark>").replace("\x03", "</mark>"))  # noqa: S308
