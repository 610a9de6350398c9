from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from .templatetags.provenance import source_label_urls

# Each language named in itself, as a reader of it looks for it in the switch.
ENDONYMS = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def site(request):
    """Links to this page in each language, and its canonical address."""
    path = request.get_full_path()
    return {
        "alternates": [
            (code, ENDONYMS.get(code, name), translate_url(path, code))
            for code, name in settings.LANGUAGES
        ],
        "canonical_url": request.build_absolute_uri(request.path),
        # For the `source_links` filter: read once per page, and only if used.
        "source_labels": SimpleLazyObject(source_label_urls),
    }
