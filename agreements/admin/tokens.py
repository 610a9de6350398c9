"""API tokens, self-service: each staff user manages their own and nobody else's."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token, TokenProxy

# rest_framework.authtoken registers its own, which shows every user's token.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class OwnTokenAdmin(admin.ModelAdmin):
    """Every staff user creates, sees once and revokes their own API token, and
    nobody else's; the list page is the whole interface."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "",
                self.admin_site.admin_view(self.own_token_view),
                name=f"{opts.app_label}_{opts.model_name}_changelist",
            )
        ]

    def own_token_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        key = None
        if request.method == "POST":
            Token.objects.filter(user=request.user).delete()
            if "create" in request.POST:
                key = Token.objects.create(user=request.user).key
            else:
                self.message_user(
                    request, _("Your token is revoked."), messages.SUCCESS
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Your API token"),
            "opts": self.model._meta,
            "token": Token.objects.filter(user=request.user).first(),
            "new_key": key,
        }
        return render(request, "admin/authtoken/own_token.html", context)
