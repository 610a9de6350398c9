from django.urls import path

from . import views
from .feeds import ExpiringDocumentsFeed, LatestDocumentsFeed

app_name = "agreements"


def record_pages(plural, singular, list_view, detail_view, key="<slug:slug>"):
    """The list of a kind of record and each record's page: `parties/` named
    "parties", `parties/<slug>/` named "party"."""
    return [
        path(f"{plural}/", list_view.as_view(), name=plural),
        path(f"{plural}/{key}/", detail_view.as_view(), name=singular),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("documents/", views.DocumentListView.as_view(), name="documents"),
    path("documents/export.<str:fmt>", views.document_export, name="documents-export"),
    path("documents/feed/", LatestDocumentsFeed(), name="documents-feed"),
    path(
        "documents/feed/expiring/",
        ExpiringDocumentsFeed(),
        name="documents-feed-expiring",
    ),
    path("documents/<slug:slug>/", views.DocumentDetailView.as_view(), name="document"),
    path(
        "documents/<slug:slug>/history/",
        views.DocumentHistoryView.as_view(),
        name="document-history",
    ),
    *record_pages("parties", "party", views.PartyListView, views.PartyDetailView),
    *record_pages(
        "countries",
        "country",
        views.CountryListView,
        views.CountryDetailView,
        key="<str:code>",
    ),
    *record_pages("sectors", "sector", views.SectorListView, views.SectorDetailView),
    *record_pages(
        "occasions", "occasion", views.OccasionListView, views.OccasionDetailView
    ),
    *record_pages("sources", "source", views.SourceListView, views.SourceDetailView),
    path("about/", views.AboutView.as_view(), name="about"),
    path("data-quality/", views.DataQualityView.as_view(), name="data-quality"),
]
