from django.conf import settings
from django.urls import translate_url


def site(request):
    """Links to this page in each language, and its canonical address."""
    path = request.get_full_path()
    return {
        "alternates": [
            (code, name, translate_url(path, code)) for code, name in settings.LANGUAGES
        ],
        "canonical_url": request.build_absolute_uri(request.path),
    }
