from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.template.defaultfilters import filesizeformat

from agreements.models import Document, DocumentText
from agreements.uploads import TooLarge, copy_bounded


class Command(BaseCommand):
    help = (
        "Attach a file (PDF, DOCX, HTML or plain text) to a document as one of its "
        "texts: checksum, sniffed type and extracted text are stored, and the "
        "document's search includes the text. With --retry, read again the text "
        "of the document's files whose extraction stopped at a limit."
    )

    def add_arguments(self, parser):
        parser.add_argument("document", metavar="DOCUMENT_SLUG")
        parser.add_argument("file", metavar="FILE", type=Path, nargs="?")
        parser.add_argument(
            "--retry",
            action="store_true",
            help="Extract again the texts that stopped at a limit (no FILE).",
        )
        parser.add_argument(
            "--language", choices=DocumentText.Language.values, default="ru"
        )
        parser.add_argument(
            "--kind", choices=DocumentText.Kind.values, default="official"
        )
        parser.add_argument("--obtained-from", default="", metavar="URL")
        parser.add_argument("--obtained-on", default=None, metavar="YYYY-MM-DD")

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, document, file, retry, **options):
        doc = Document.objects.filter(slug=document).first()
        if doc is None:
            raise CommandError(f"No document with the slug «{document}».")
        if retry:
            return self.retry(doc)
        if file is None:
            raise CommandError("Name the FILE to attach, or give --retry.")
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        with file.open("rb") as handle:
            try:
                upload = copy_bounded(handle, file.name)
            except TooLarge as exc:
                raise CommandError(
                    f"{file}: refused. More than {filesizeformat(exc.args[0])} read; "
                    f"files up to {filesizeformat(settings.UPLOAD_MAX_BYTES)} are "
                    "accepted (UPLOAD_MAX_BYTES)."
                ) from exc
        with upload:
            text = DocumentText(
                document=doc,
                file=upload,
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
        self.report(text)

    def retry(self, doc):
        texts = [text for text in doc.texts.all() if text.is_limited]
        if not texts:
            self.stdout.write(f"No text of {doc.slug} stopped at a limit.")
        for text in texts:
            text.extract_again()
            self.stdout.write(f"{text.name}: ", ending="")
            self.report(text)

    def report(self, text):
        if text.extraction_error:
            self.stdout.write(
                self.style.WARNING(
                    f"No text extracted ({text.extraction_error}); the file is kept."
                )
            )
            return
        capped = " (cut at TEXT_MAX_CHARS)" if text.is_text_capped else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(text.extracted_text)} characters of text extracted{capped}."
            )
        )
