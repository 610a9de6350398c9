from django.urls import path

from .feeds import DocumentHistoryFeed, ExpiringDocumentsFeed, LatestDocumentsFeed
from .views import alerts, documents, downloads, pages, records, releases

app_name = "agreements"


def record_pages(plural, singular, list_view, detail_view, key="<slug:slug>"):
    """The list of a kind of record and each record's page: `parties/` named
    "parties", `parties/<slug>/` named "party"."""
    return [
        path(f"{plural}/", list_view.as_view(), name=plural),
        path(f"{plural}/{key}/", detail_view.as_view(), name=singular),
    ]


urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("documents/", documents.DocumentListView.as_view(), name="documents"),
    path(
        "documents/export.<str:fmt>", downloads.document_export, name="documents-export"
    ),
    path("documents/feed/", LatestDocumentsFeed(), name="documents-feed"),
    path(
        "documents/feed/expiring/",
        ExpiringDocumentsFeed(),
        name="documents-feed-expiring",
    ),
    path(
        "documents/<slug:slug>/",
        documents.DocumentDetailView.as_view(),
        name="document",
    ),
    path(
        "documents/<slug:slug>/history/",
        documents.DocumentHistoryView.as_view(),
        name="document-history",
    ),
    path(
        "documents/<slug:slug>/history/feed/",
        DocumentHistoryFeed(),
        name="document-history-feed",
    ),
    *record_pages("parties", "party", records.PartyListView, records.PartyDetailView),
    *record_pages(
        "countries",
        "country",
        records.CountryListView,
        records.CountryDetailView,
        key="<str:code>",
    ),
    *record_pages("people", "person", records.PersonListView, records.PersonDetailView),
    *record_pages(
        "sectors", "sector", records.SectorListView, records.SectorDetailView
    ),
    *record_pages(
        "occasions", "occasion", records.OccasionListView, records.OccasionDetailView
    ),
    *record_pages(
        "sources", "source", records.SourceListView, records.SourceDetailView
    ),
    path("alerts/subscribe/", alerts.SubscribeView.as_view(), name="alerts-subscribe"),
    path(
        "alerts/confirm/<str:token>/",
        alerts.ConfirmView.as_view(),
        name="alerts-confirm",
    ),
    path("alerts/<str:key>/", alerts.ManageView.as_view(), name="alerts-manage"),
    path(
        "alerts/<str:key>/unsubscribe/",
        alerts.UnsubscribeView.as_view(),
        name="alerts-unsubscribe",
    ),
    path("about/", pages.AboutView.as_view(), name="about"),
    path("data-quality/", pages.DataQualityView.as_view(), name="data-quality"),
    path("releases/", releases.ReleaseListView.as_view(), name="releases"),
]
