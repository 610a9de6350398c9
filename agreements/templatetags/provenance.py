"""`source_links`: "(S7, S8)" in analysts' text becomes links to the source pages."""

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from ..models import Source
from ..provenance import LABEL

register = template.Library()


def source_label_urls(base=""):
    """{label: address of the source's page} for every labelled source."""
    rows = Source.objects.exclude(label="").values_list("label", "slug")
    return {
        label: base + reverse("agreements:source", args=[slug]) for label, slug in rows
    }


@register.filter(needs_autoescape=True)
def source_links(text, labels=None, autoescape=True):
    """The text, escaped, with every known source label linked to its page.

    `labels` is the {label: url} map (the `source_labels` context variable, read
    once per page); without it the map is read here, and only if the text
    mentions a label at all."""
    text = str(text or "")
    escape = conditional_escape if autoescape else str
    if not LABEL.search(text):
        return escape(text)
    labels = labels or source_label_urls()
    parts, last = [], 0
    for match in LABEL.finditer(text):
        url = labels.get(match.group())
        if url:
            parts += [
                escape(text[last : match.start()]),
                format_html(
                    '<a class="source-ref" href="{}">{}</a>', url, match.group()
                ),
            ]
            last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(str(p) for p in parts))


# A run of Cyrillic words (with the spaces and punctuation between them).
CYRILLIC_RUN = re.compile(
    r"[\u0400-\u04ff](?:[\u0400-\u04ff0-9\s.,;:!?\-–—«»]*[\u0400-\u04ff])?"
)


@register.filter
def mark_russian(html, lang):
    """In a text in English (`lang`), each run of Cyrillic words (a quoted title,
    «принят») wrapped in a span marked as Russian, so that screen readers and
    translators read it as such; other texts unchanged. Takes the escaped
    output of `source_links`, whose tags hold no Cyrillic."""
    if lang != "en":
        return html
    return mark_safe(
        CYRILLIC_RUN.sub(lambda m: f'<span lang="ru">{m.group()}</span>', str(html))
    )
