import hashlib

from django.core.management.base import BaseCommand, CommandError, no_translations

from agreements.models import ArchivedCopy, DocumentText, Release
from agreements.releasing import release_problems


def verify(stored):
    """None if the stored file's bytes still have the recorded SHA-256, else why not."""
    try:
        with stored.file.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in handle.chunks():
                digest.update(chunk)
    except OSError:
        return "missing"
    return None if digest.hexdigest() == stored.sha256 else "checksum differs"


class Command(BaseCommand):
    help = (
        "Check every attached text, archived copy and release file against its "
        "recorded SHA-256 (run after restoring a backup); fails if any file is "
        "missing or changed."
    )

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, **options):
        checked, problems = 0, []
        for model in (DocumentText, ArchivedCopy):
            for stored in model.objects.only("file", "sha256").iterator():
                checked += 1
                if problem := verify(stored):
                    problems.append(f"{stored.file.name}: {problem}")
        for release in Release.objects.published().order_by("number"):
            checked += len(release.files)
            for name, problem in release_problems(release):
                problems.append(f"{release.path(name)}: {problem}")
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems)} of {checked} file(s) failed.")
        self.stdout.write(self.style.SUCCESS(f"{checked} file(s) verified."))
