from django.urls import path

from . import views
from .feeds import ExpiringDocumentsFeed, LatestDocumentsFeed

app_name = "agreements"


def list_and_detail(plural, singular, list_view, detail_view, key="<slug:slug>"):
    """A kind of record's list page (`parties/`, named "parties") and the page
    of one of them (`parties/<slug>/`, named "party")."""
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
    *list_and_detail("parties", "party", views.PartyListView, views.PartyDetailView),
    *list_and_detail(
        "countries",
        "country",
        views.CountryListView,
        views.CountryDetailView,
        key="<str:code>",
    ),
    *list_and_detail("sectors", "sector", views.SectorListView, views.SectorDetailView),
    *list_and_detail(
        "occasions", "occasion", views.OccasionListView, views.OccasionDetailView
    ),
    *list_and_detail("sources", "source", views.SourceListView, views.SourceDetailView),
    path("about/", views.AboutView.as_view(), name="about"),
    path("data-quality/", views.DataQualityView.as_view(), name="data-quality"),
]
