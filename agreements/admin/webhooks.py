"""Webhooks, registered by analysts for themselves or seen as the API clients
registered them, and the log of their deliveries (read-only)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import webhooks
from ..models import Delivery, Webhook


class WebhookForm(forms.ModelForm):
    class Meta:
        model = Webhook
        fields = ["url", "filter", "is_active"]

    def clean_url(self):
        webhooks.validate_url(self.cleaned_data["url"])
        return self.cleaned_data["url"]

    def clean_filter(self):
        return webhooks.validate_filter(self.cleaned_data["filter"])


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["url", "filter", "owner", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["owner"]
    search_fields = ["url", "filter"]
    readonly_fields = ["owner", "secret", "created_at"]
    fieldsets = [
        (None, {"fields": ["url", "filter", "is_active"]}),
        (
            _("Signature"),
            {
                "fields": ["secret", "owner", "created_at"],
                "description": _(
                    "Each POST carries X-Signature: sha256=<HMAC-SHA256 of the body "
                    "with this secret> and X-Delivery-Id."
                ),
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "webhook",
        "document_slug",
        "version",
        "state",
        "attempts",
        "last_status",
        "next_attempt_at",
    ]
    list_filter = ["state", "webhook"]
    list_select_related = ["webhook"]
    search_fields = ["document_slug", "delivery_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
