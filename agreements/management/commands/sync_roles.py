from django.core.management.base import BaseCommand, no_translations

from agreements.roles import analysts_group_sync


class Command(BaseCommand):
    help = "Create or update the Analysts group (also run after every migrate)."

    @no_translations  # one language: the English of the messages around them
    def handle(self, *args, **options):
        group = analysts_group_sync()
        self.stdout.write(
            self.style.SUCCESS(f"{group.name}: {group.permissions.count()} permissions")
        )
