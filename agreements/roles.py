"""The "Analysts" group: edit every agreements record, manage no users."""

from django.contrib.auth.models import Group, Permission

ANALYSTS = "Analysts"


def analysts_group_sync():
    """Create or update the group; safe to run any number of times."""
    group, _ = Group.objects.get_or_create(name=ANALYSTS)
    perms = Permission.objects.filter(content_type__app_label="agreements")
    perms = perms.exclude(content_type__model__startswith="historical")
    tokens = Permission.objects.filter(
        content_type__app_label="authtoken", codename__in=["view_token"]
    )
    group.permissions.set([*perms, *tokens])
    return group
