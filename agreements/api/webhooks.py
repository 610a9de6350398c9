"""`/api/v1/webhooks/`: an API client registers, lists and removes its own
webhooks (token authentication, as the API's write side). The secret is
shown in every answer to its owner, who verifies the `X-Signature` with it."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.cache import add_never_cache_headers
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from .. import webhooks
from ..models import Webhook
from .model_serializer import ModelSerializer
from .views import EnglishApiMixin


def _checked(validate, value):
    try:
        return validate(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class WebhookSerializer(ModelSerializer):
    url = serializers.URLField(
        max_length=500,
        help_text="Where each change is POSTed (http or https, a public address).",
    )
    filter = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="A query string of /api/v1/documents/ (e.g. `country=KZ&sector=energy`)"
        " or a URL of the list; empty: every document (and deletions).",
    )
    secret = serializers.CharField(
        read_only=True,
        help_text="HMAC-SHA256 key: `X-Signature: sha256=<hex of the HMAC of the body>`.",
    )

    class Meta:
        model = Webhook
        fields = ["id", "url", "filter", "is_active", "secret", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_url(self, value):
        _checked(webhooks.validate_url, value)
        return value

    def validate_filter(self, value):
        return _checked(webhooks.validate_filter, value)


class WebhookViewSet(EnglishApiMixin, viewsets.ModelViewSet):
    """Your webhooks: each change to a document matching `filter` is POSTed to
    `url` as JSON (`document`, `version`, `change`, `history`, `delivery`), signed
    in `X-Signature`, with the id in `X-Delivery-Id`; failures are retried with
    exponential backoff."""

    serializer_class = WebhookSerializer
    permission_classes = [IsAuthenticated]
    queryset = Webhook.objects.none()  # the schema's model; get_queryset is the owner's

    def get_queryset(self):
        return Webhook.objects.filter(owner=self.request.user).order_by("pk")

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        # One client's hooks and secrets: never in a shared cache.
        add_never_cache_headers(response)
        return super().finalize_response(request, response, *args, **kwargs)
