"""A release: the whole public dataset frozen as numbered files, for citation.

Its files live in the default storage under `releases/<number>/` and its row
records their checksums and the changelog since the release before it.
Neither ever changes: saving a published release again, updating or deleting
releases through the ORM is refused; `releasing.release_delete` (the
`delete_release` command) is the one way to delete a release's files, and it
keeps the row as withdrawn, so that its number is never given again.
"""

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Above any release number, and within every database's integer.
MAX_NUMBER = 10**9


class Immutable(Exception):
    """A published release cannot be changed, and is deleted only explicitly."""


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        """Releases whose files are still there (not withdrawn)."""
        return self.filter(withdrawn_at=None)

    def update(self, **kwargs):
        raise Immutable("Releases are never updated.")

    def delete(self):
        raise Immutable("Delete a release with `manage.py delete_release N --yes`.")


class Release(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    published_at = models.DateTimeField(_("published at"))
    data_version = models.CharField(
        _("data version"),
        max_length=32,
        blank=True,
        help_text=_("The data version the release was cut from (empty: unknown)."),
    )
    documents = models.PositiveIntegerField(_("documents"))
    files = models.JSONField(
        _("files"), help_text=_("[{name, size, sha256}] of every file, as published.")
    )
    changelog = models.JSONField(
        _("changelog"), help_text=_("What changed since the release before it.")
    )
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_("When its files were deleted (`manage.py delete_release`)."),
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self):
        return f"{self.number} ({self.published_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immutable(f"Release {self.number} is published; it never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable("Delete a release with `manage.py delete_release N --yes`.")

    def get_absolute_url(self):
        return reverse("agreements:releases") + f"#release-{self.number}"

    def path(self, name):
        """Where a file of this release is kept in the default storage."""
        return f"releases/{self.number}/{name}"

    def file(self, name):
        return next((f for f in self.files if f["name"] == name), None)

    @property
    def archive(self):
        """The dataset's zip, the file a reader downloads."""
        return self.files[0]

    @property
    def size_display(self):
        return filesizeformat(sum(f["size"] for f in self.files))
