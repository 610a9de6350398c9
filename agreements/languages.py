"""The site's languages, and the order in which a record's texts are tried."""

from django.utils.translation import get_language

# Kazakh readers get Russian where a record has no Kazakh text: every record
# here has Russian, and Kazakhstan publishes its official texts in both.
FALLBACKS = {"ru": ("ru", "en"), "en": ("en", "ru"), "kk": ("kk", "ru", "en")}


def reader_language():
    """The active language of the site ("ru", "en" or "kk"); Russian by default."""
    code = (get_language() or "ru")[:2]
    return code if code in FALLBACKS else "ru"


def preferred_languages(model=None, field=None):
    """The languages to try for a text, the reader's first; with `model` and
    `field`, only those that model has a `<field>_<language>` column for."""
    languages = FALLBACKS[reader_language()]
    if model is None:
        return languages
    names = {f.name for f in model._meta.get_fields()}
    return tuple(lang for lang in languages if f"{field}_{lang}" in names)
