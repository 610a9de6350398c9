"""The site's own pages: home, data quality, about."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..lifecycle import Status
from ..models import (
    Citation,
    Document,
    Occasion,
    Party,
    ResearchQuestion,
    Sector,
    Source,
)
from ..provenance import field_label


def bar_chart(rows, width=100):
    """[(label, n, url)] → [(label, n, url, bar length)] scaled to `width`."""
    top = max((n for _label, n, _url in rows), default=0) or 1
    return [(label, n, url, round(n * width / top, 1)) for label, n, url in rows]


class HomeView(TemplateView):
    """What the tracker is, what changed lately, and the data at a glance."""

    template_name = "agreements/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = reverse("agreements:documents")
        statuses = dict(Status.choices)
        by_sector = Sector.objects.annotate(n=Count("documents")).order_by("-n", "slug")
        by_status = (
            Document.objects.values("status").annotate(n=Count("pk")).order_by("-n")
        )
        by_year = (
            Document.objects.exclude(signed_on__isnull=True)
            .values(year=ExtractYear("signed_on"))
            .annotate(n=Count("pk"))
            .order_by("year")
        )
        context.update(
            counts={
                "documents": Document.objects.count(),
                "parties": Party.objects.count(),
                "occasions": Occasion.objects.count(),
            },
            latest=Document.objects.for_list().order_by("-updated_at", "slug")[:5],
            last_changed=Document.objects.last_changed(),
            occasions=Occasion.objects.annotate(n_documents=Count("documents"))[:5],
            charts=[
                (
                    "sector",
                    _("Documents by sector"),
                    bar_chart(
                        [
                            (s.name.text, s.n, f"{documents}?sector={s.slug}")
                            for s in by_sector
                            if s.n
                        ]
                    ),
                ),
                (
                    "status",
                    _("Documents by status today"),
                    bar_chart(
                        [
                            (
                                statuses[r["status"]],
                                r["n"],
                                f"{documents}?status={r['status']}",
                            )
                            for r in by_status
                        ]
                    ),
                ),
                (
                    "year",
                    _("Documents by year signed"),
                    bar_chart(
                        [
                            (str(r["year"]), r["n"], f"{documents}?year={r['year']}")
                            for r in by_year
                        ]
                    ),
                ),
            ],
        )
        return context


class DataQualityView(TemplateView):
    """What is not known yet or disputed: the researchers' to-do list."""

    template_name = "agreements/data_quality.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        disputed = {}
        for row in Citation.objects.disputes():
            disputed.setdefault(row["document"], []).append(
                field_label(Document, row["field"])
            )
        docs = Document.objects.select_related("occasion").order_by("slug")
        context.update(
            questions=ResearchQuestion.objects.select_related("document").order_by(
                "status", "slug"
            ),
            disputed=[(doc, disputed[doc.pk]) for doc in docs.filter(pk__in=disputed)],
            sections=[
                (_("Title unknown or only described"), docs.title_unknown()),
                (
                    _("Title as reported, official wording not confirmed"),
                    docs.title_reported(),
                ),
                (_("Parties not known"), docs.without_parties()),
                (_("Signing date not known"), docs.undated()),
                (_("No source cited"), docs.uncited()),
            ],
            sources_unarchived=Source.objects.without_archived_copy(),
        )
        return context


class AboutView(TemplateView):
    template_name = "agreements/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = {
            "documents": Document.objects.count(),
            "parties": Party.objects.count(),
            "occasions": Occasion.objects.count(),
        }
        context["last_changed"] = Document.objects.last_changed()
        return context
