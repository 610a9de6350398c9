from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from agreements.serve import file_download
from agreements.views.downloads import dataset_download
from agreements.views.ops import favicon, healthz
from agreements.views.releases import release_file

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("agreements.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("data/agreement-tracker.<str:fmt>", dataset_download, name="dataset"),
    path("data/releases/<int:number>/<str:name>", release_file, name="release-file"),
    re_path(
        r"^files/(?P<sha256>[0-9a-f]{64})/(?P<name>[^/]+)$", file_download, name="file"
    ),
]
urlpatterns += i18n_patterns(
    path("", include("agreements.urls")), prefix_default_language=True
)

handler400 = "agreements.error_views.bad_request"
handler404 = "agreements.error_views.page_not_found"
handler500 = "agreements.error_views.server_error"
