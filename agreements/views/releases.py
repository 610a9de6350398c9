"""The releases page and the releases' files: each release with its size,
checksums, how to cite it and its changelog, as stored when it was published."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from ..citing import permanent_url, release_reference
from ..languages import preferred_languages
from ..models import Document, Release
from ..models.releases import MAX_NUMBER
from ..provenance import field_label

CONTENT_TYPES = {
    "zip": "application/zip",
    "json": "application/json",
    "cff": "text/plain; charset=utf-8",
}


def file_url(release, name):
    return reverse("release-file", args=[release.number, name])


def changelog_label(name):
    """A changed field of the document, or a kind of its rows, as readers call it."""
    rows = {r.related_model._meta.model_name: r for r in Document._meta.related_objects}
    if name in rows:
        return rows[name].related_model._meta.verbose_name_plural
    return field_label(Document, name)


def _shown(entry):
    """A changelog entry with its title in the reader's language, else in the
    next they read; None when it has none (shown "Title unknown")."""
    titles = [(entry.get(f"title_{lang}"), lang) for lang in preferred_languages()]
    title, lang = next(((t, lang) for t, lang in titles if t), (None, None))
    return {**entry, "title": title, "title_lang": lang}


class ReleaseListView(ListView):
    """Every release, newest first (withdrawn ones say so), 20 a page."""

    queryset = Release.objects.all()
    context_object_name = "releases"
    template_name = "agreements/release_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shown"] = [self.shown(release) for release in context["releases"]]
        return context

    def shown(self, release):
        log = release.changelog
        url = permanent_url(self.request, release.get_absolute_url())
        return {
            "release": release,
            "files": [
                {**f, "url": file_url(release, f["name"])} for f in release.files
            ],
            "reference": release_reference(release, url),
            "added": [_shown(e) for e in log["added"]],
            "removed": [_shown(e) for e in log["removed"]],
            "changed": [
                {**_shown(e), "labels": [changelog_label(n) for n in e["fields"] or []]}
                for e in log["changed"]
            ],
        }


@require_safe
def release_file(request, number, name):
    """A file of a published release, as written when it was published."""
    release = None
    if number < MAX_NUMBER:  # else not a number the database holds
        release = Release.objects.published().filter(number=number).first()
    if release is None or release.file(name) is None:
        raise Http404("No such release file.")
    try:
        handle = default_storage.open(release.path(name), "rb")
    except OSError as exc:
        raise Http404("The file is missing from storage.") from exc
    extension = name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=extension == "zip",
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
