from django.core.management.base import BaseCommand

from agreements.roles import analysts_group_sync


class Command(BaseCommand):
    help = "Create or update the Analysts group (also run after every migrate)."

    def handle(self, *args, **options):
        group = analysts_group_sync()
        self.stdout.write(
            self.style.SUCCESS(f"{group.name}: {group.permissions.count()} permissions")
        )
