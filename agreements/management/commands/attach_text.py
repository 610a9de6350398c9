from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, no_translations

from agreements.models import Document, DocumentText


class Command(BaseCommand):
    help = (
        "Attach a file (PDF, DOCX, HTML or plain text) to a document as one of its "
        "texts: checksum, sniffed type and extracted text are stored, and the "
        "document's search includes the text."
    )

    def add_arguments(self, parser):
        parser.add_argument("document", metavar="DOCUMENT_SLUG")
        parser.add_argument("file", metavar="FILE", type=Path)
        parser.add_argument(
            "--language", choices=DocumentText.Language.values, default="ru"
        )
        parser.add_argument(
            "--kind", choices=DocumentText.Kind.values, default="official"
        )
        parser.add_argument("--obtained-from", default="", metavar="URL")
        parser.add_argument("--obtained-on", default=None, metavar="YYYY-MM-DD")

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, document, file, **options):
        doc = Document.objects.filter(slug=document).first()
        if doc is None:
            raise CommandError(f"No document with the slug «{document}».")
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        with file.open("rb") as handle:
            text = DocumentText(
                document=doc,
                file=File(handle, name=file.name),
                language=options["language"],
                kind=options["kind"],
                obtained_from=options["obtained_from"],
                obtained_on=options["obtained_on"],
            )
            try:
                text.full_clean()
            except ValidationError as exc:
                raise CommandError(
                    f"{file}: refused. "
                    + " ".join(m for ms in exc.message_dict.values() for m in ms)
                ) from exc
            text.save()
        self.stdout.write(
            f"Stored {text.name} for {doc.slug}: {text.get_kind_display()}, "
            f"{text.language}, {text.content_type}, {text.size} bytes, "
            f"SHA-256 {text.sha256}, at {text.file.name}"
        )
        if text.extraction_error:
            self.stdout.write(
                self.style.WARNING(
                    f"No text extracted ({text.extraction_error}); the file is kept."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(text.extracted_text)} characters of text extracted."
                )
            )
