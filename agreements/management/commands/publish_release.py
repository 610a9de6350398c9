from django.core.management.base import BaseCommand, no_translations

from agreements.releasing import release_publish


class Command(BaseCommand):
    help = (
        "Freeze the whole dataset as the next numbered release: the zip, its "
        "changelog, CITATION.cff, DataCite JSON and a manifest of checksums."
    )

    @no_translations
    def handle(self, *args, **options):
        release = release_publish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Release {release.number} published: {release.documents} "
                f"document(s), {release.archive['name']} "
                f"sha256 {release.archive['sha256']}."
            )
        )
