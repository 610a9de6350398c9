from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, no_translations

from agreements.importing import document_import


class Command(BaseCommand):
    help = (
        "Import documents from a CSV or JSON file with the export's columns. Every row is "
        "validated first; nothing is written unless the whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .csv or .json file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument("--user", help="username recorded in the change history")

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, file, dry_run, user, verbosity, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"--user: no user «{user}»")
        last = {}

        def progress(stage, n, total):  # total is None while validating
            step = max((total or 0) // 10, 500 if total is None else 50)
            if verbosity and (n == total or n % step == 0) and last.get(stage) != n:
                last[stage] = n
                self.stdout.write(f"  {stage} {n}/{total or '…'}")

        result = document_import(file, user=author, dry_run=dry_run, progress=progress)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(result.errors)} problem(s) in {file}; nothing was written."
            )
        summary = (
            f"created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}"
        )
        if dry_run:
            self.stdout.write(
                self.style.WARNING(f"Dry run, nothing written: would have {summary}.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {file}: {summary}."))
