from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from .roles import analysts_group_sync

    analysts_group_sync()


def _sqlite_functions(sender, connection, **kwargs):
    """SQLite has no ts_headline; `with_text_snippets` calls this one instead."""
    if connection.vendor == "sqlite":
        from .files import excerpt

        connection.connection.create_function(
            "agreements_excerpt", 2, excerpt, deterministic=True
        )


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from . import export, marks, search_index  # noqa: F401 (they register)
        from .api import renderings  # noqa: F401 (registers the API's renderings)
        from .data_version import announce_change

        marks.connect()

        # Signals only announce: any write to our records changes the data version.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(announce_change, dispatch_uid=f"announce-{signal!r}")
        # After our own migrations, when our permissions exist.
        post_migrate.connect(_sync_roles, sender=self)
        connection_created.connect(_sqlite_functions)
