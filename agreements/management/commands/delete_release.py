from django.core.management.base import BaseCommand, CommandError, no_translations

from agreements.models import Release
from agreements.releasing import release_delete


class Command(BaseCommand):
    help = (
        "Delete a release's files (it stays listed as withdrawn, and its number "
        "is never reused). Needs --yes: a release may be cited."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", type=int)
        parser.add_argument("--yes", action="store_true", help="Really delete it.")

    @no_translations
    def handle(self, *args, number, yes, **options):
        if not yes:
            raise CommandError(
                f"Release {number} may be cited; add --yes to delete it."
            )
        try:
            release_delete(number)
        except Release.DoesNotExist:
            raise CommandError(f"No published release {number}.") from None
        self.stdout.write(self.style.SUCCESS(f"Release {number} withdrawn."))
