from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import releases, views, webhooks

app_name = "api"


class EnglishSchemaView(SpectacularAPIView):
    """The schema in English whatever the client's language, like the API itself."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override("en"):
            return super().get(request, *args, **kwargs)


router = DefaultRouter()
# Before "documents", whose detail route would take "deleted" for a slug.
router.register(
    "documents/deleted", views.DeletedDocumentViewSet, basename="deleted-document"
)
router.register("documents", views.DocumentViewSet)
router.register("parties", views.PartyViewSet)
router.register("people", views.PersonViewSet)
router.register("sectors", views.SectorViewSet)
router.register("occasions", views.OccasionViewSet)
router.register("sources", views.SourceViewSet)
router.register("releases", releases.ReleaseViewSet)
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", EnglishSchemaView.as_view(api_version="v1"), name="schema"),
    # Swagger UI and Redoc set inline styles (never inline scripts): allow only that.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    path(
        "redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
]
