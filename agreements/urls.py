from django.urls import path

from . import views
from .feeds import ExpiringDocumentsFeed, LatestDocumentsFeed

app_name = "agreements"

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
    path("parties/", views.PartyListView.as_view(), name="parties"),
    path("parties/<slug:slug>/", views.PartyDetailView.as_view(), name="party"),
    path("countries/", views.CountryListView.as_view(), name="countries"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("sectors/", views.SectorListView.as_view(), name="sectors"),
    path("sectors/<slug:slug>/", views.SectorDetailView.as_view(), name="sector"),
    path("occasions/", views.OccasionListView.as_view(), name="occasions"),
    path("occasions/<slug:slug>/", views.OccasionDetailView.as_view(), name="occasion"),
    path("sources/", views.SourceListView.as_view(), name="sources"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("data-quality/", views.DataQualityView.as_view(), name="data-quality"),
]
