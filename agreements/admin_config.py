from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """django.contrib.admin with the analysts' site as `admin.site`."""

    default_site = "agreements.admin_site.TrackerAdminSite"
