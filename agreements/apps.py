from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from .roles import analysts_group_sync

    analysts_group_sync()


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        # After our own migrations, when our permissions exist.
        post_migrate.connect(_sync_roles, sender=self)
