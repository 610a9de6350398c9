from django.db import connection
from django.http import JsonResponse
from django.views.generic import DetailView, ListView, TemplateView

from .models import Document, Occasion, Party, Sector


def healthz(request):
    return JsonResponse({"status": "ok"})


def document_export(request, fmt):
    pass


class DocumentListView(ListView):
    model = Document


class DocumentDetailView(DetailView):
    model = Document


class PartyListView(ListView):
    model = Party


class PartyDetailView(DetailView):
    model = Party


class SectorListView(ListView):
    model = Sector


class SectorDetailView(DetailView):
    model = Sector


class OccasionListView(ListView):
    model = Occasion


class OccasionDetailView(DetailView):
    model = Occasion


class AboutView(TemplateView):
    template_name = "about.html"
