"""Files kept for the record: a document's texts and sources' archived copies.

`save()` reads a newly uploaded file in the open: its SHA-256, its size, its
content type sniffed from the bytes and, for texts, the extracted text (or
why there is none), read in a child process under limits (`extraction`). The
file itself is always kept.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import choices, extraction, files
from .base import NaturalKeyed, Timestamped, URLField
from .documents import Document
from .sources import Source


def _upload_path(instance, filename):
    return f"{instance.folder}/{instance.sha256}/{filename}"


class StoredFile(NaturalKeyed, Timestamped):
    """A file with the facts read from its bytes; served by `views_files`."""

    folder = "files"
    accepted = ()  # content types (without charset) this kind of file may have
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    content_type = models.CharField(
        _("content type"), max_length=120, editable=False, blank=True
    )

    class Meta:
        abstract = True

    @property
    def name(self):
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def size_display(self):
        return filesizeformat(self.size)

    @property
    def mime(self):
        return files.mime(self.content_type)

    def get_absolute_url(self):
        return reverse("file", args=[self.sha256, self.name])

    @property
    def is_new_upload(self):
        return bool(self.file) and not self.file._committed

    def read_file(self):
        """Checksum, size and sniffed content type of a new upload (once)."""
        if self.is_new_upload and not getattr(self, "_read", False):
            self.sha256, self.size = files.checksum(self.file)
            self.content_type = files.sniff(self.file)
            self._read = True

    def clean(self):
        super().clean()
        if not self.is_new_upload:
            return
        # The size sent, from the upload (which keeps no more than the limit),
        # before a byte is read.
        size, limit = self.file.size, settings.UPLOAD_MAX_BYTES
        if size > limit:
            raise ValidationError(
                {
                    "file": _(
                        "The file is %(size)s; files up to %(limit)s are accepted "
                        "(UPLOAD_MAX_BYTES)."
                    )
                    % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
                }
            )
        if not size:
            raise ValidationError({"file": _("The file is empty.")})
        self.read_file()
        if self.mime not in self.accepted:
            raise ValidationError(
                {
                    "file": _(
                        "This file is %(type)s (read from its content, not its name); "
                        "accepted: %(accepted)s."
                    )
                    % {"type": self.mime, "accepted": ", ".join(self.accepted)}
                }
            )

    def save(self, *args, **kwargs):
        self.read_file()
        super().save(*args, **kwargs)


class DocumentText(StoredFile):
    Kind = choices.TextKind
    Language = choices.TextLanguage

    folder = "texts"
    accepted = (files.PDF, files.DOCX, files.HTML, files.TEXT)
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="texts"
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.OFFICIAL
    )
    obtained_from = URLField(
        _("obtained from"),
        max_length=500,
        blank=True,
        help_text=_("Where this file was downloaded from, if anywhere."),
    )
    obtained_on = models.DateField(_("obtained on"), null=True, blank=True)
    extracted_text = models.TextField(_("extracted text"), blank=True, editable=False)
    extraction_error = models.TextField(
        _("extraction error"), blank=True, editable=False
    )
    is_text_capped = models.BooleanField(
        _("text cut at the limit"),
        default=False,
        editable=False,
        help_text=_("Only the first TEXT_MAX_CHARS characters are kept and searched."),
    )
    history = HistoricalRecords(excluded_fields=["extracted_text"])

    natural_key_lookups = ("document__slug", "sha256")

    class Meta:
        ordering = ["kind", "language", "pk"]
        verbose_name = _("text of the document")
        verbose_name_plural = _("texts of the document")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "sha256"], name="one_copy_of_a_file_per_document"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}, {self.language})"

    def clean(self):
        super().clean()
        duplicate = DocumentText.objects.filter(
            document_id=self.document_id, sha256=self.sha256
        ).exclude(pk=self.pk)
        if self.is_new_upload and self.document_id and duplicate.exists():
            raise ValidationError(
                {"file": _("This file is already attached to this document.")}
            )

    def save(self, *args, **kwargs):
        if self.is_new_upload and not getattr(self, "_extracted", False):
            self.read_file()
            self.extract()
            self._extracted = True
        super().save(*args, **kwargs)

    def extract(self):
        """Read the text of the file (new or stored) again, under the limits."""
        if not self.is_new_upload:
            self.file.open("rb")
        try:
            found = extraction.extract(self.file, self.content_type)
        finally:
            if not self.is_new_upload:
                self.file.close()
        self.extracted_text = found.text
        self.extraction_error = found.error
        self.is_text_capped = found.capped

    def extract_again(self):
        """Retry a stored file's extraction (after a limit), with today's limits."""
        self.extract()
        self.save(
            update_fields=["extracted_text", "extraction_error", "is_text_capped"]
        )

    @property
    def text_cap(self):
        return settings.TEXT_MAX_CHARS

    @property
    def is_limited(self):
        """Whether the text was not extracted because of a limit (can be retried)."""
        return self.extraction_error.startswith(extraction.LIMIT_PREFIX)


class ArchivedCopy(StoredFile):
    """A snapshot of a source as it was when captured (HTML, PDF or WARC)."""

    folder = "archives"
    accepted = (files.HTML, files.PDF, files.WARC, files.GZIP, files.TEXT)
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="archived_copies"
    )
    captured_on = models.DateField(
        _("captured on"), help_text=_("When the page was saved.")
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("e.g. saved with the browser, or a WARC from a web archive."),
    )
    history = HistoricalRecords()

    natural_key_lookups = ("source__slug", "sha256")

    class Meta:
        ordering = ["-captured_on", "pk"]
        verbose_name = _("archived copy")
        verbose_name_plural = _("archived copies")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "sha256"], name="one_copy_of_a_file_per_source"
            )
        ]

    def __str__(self):
        return f"{self.source.slug} @ {self.captured_on}"
