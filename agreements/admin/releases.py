"""Releases for staff: the list, each one's files and checksums, and a button
that publishes the next one. Nothing of a release is edited or deleted here
(`manage.py delete_release N --yes` is the only way)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..models import Release
from ..releasing import release_publish


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "published_at",
        "documents",
        "size_display",
        "withdrawn_at",
    ]
    fields = ["number", "published_at", "data_version", "documents", "checksums"]
    readonly_fields = fields
    change_list_template = "admin/agreements/release/change_list.html"

    @admin.display(description=_("size"))
    def size_display(self, obj):
        return obj.size_display

    @admin.display(description=_("files"))
    def checksums(self, obj):
        return format_html_join(
            "",
            "<p><code>{}</code> {} <code>{}</code></p>",
            ((f["name"], f["size"], f["sha256"]) for f in obj.files),
        )

    def has_add_permission(self, request):
        return False  # published with the button, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_publish(self, request):
        return request.user.is_staff and request.user.has_perm("agreements.add_release")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_publish": self.may_publish(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        publish = self.admin_site.admin_view(require_POST(self.publish_view))
        return [
            path("publish/", publish, name="agreements_release_publish"),
            *super().get_urls(),
        ]

    def publish_view(self, request):
        if not self.may_publish(request):
            raise PermissionDenied
        release = release_publish()
        self.message_user(
            request,
            _("Release %(n)s published: %(documents)s documents.")
            % {"n": release.number, "documents": release.documents},
            messages.SUCCESS,
        )
        return redirect("admin:agreements_release_changelist")
