import pytest
from django.urls import reverse

from agreements.models import Document

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:agreements_document_changelist",
    "admin:agreements_document_add",
    "admin:agreements_party_changelist",
    "admin:agreements_party_add",
    "admin:agreements_sector_changelist",
    "admin:agreements_occasion_changelist",
    "admin:agreements_source_changelist",
    "admin:agreements_citation_changelist",
    "admin:agreements_lifecycleevent_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_analyst_sees_the_admin_screens(analyst_client, seeded, name):
    assert analyst_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("view", ["change", "history"])
def test_analyst_opens_a_document_and_its_history(analyst_client, seeded, view):
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    response = analyst_client.get(reverse(f"admin:agreements_document_{view}", args=[doc.pk]))
    assert response.status_code == 200
    assert "Кокшетау" in response.content.decode()


def test_document_list_shows_parties_sectors_status_and_citations(analyst_client, seeded):
    html = analyst_client.get(reverse("admin:agreements_document_changelist")).content.decode()
    assert "Ministry of Energy of the Russian Federation" in html
    assert "Energy" in html
    assert "signed" in html
    assert "12 documents" in html


def test_admin_search_finds_cyrillic_in_any_case(analyst_client, seeded):
    url = reverse("admin:agreements_document_changelist")
    for term in ["кокшетау", "КОКШЕТАУ", "Кокшетау"]:
        html = analyst_client.get(url, {"q": term}).content.decode()
        assert "astana-2023-tpp-memorandum" in html or "Меморандум о взаимопонимании" in html
        assert "Совместное заявление" not in html


@pytest.mark.parametrize(
    "filters",
    [{"kind__exact": "memorandum"}, {"status__exact": "signed"}, {"year": "2023"},
     {"sectors__id__exact": "1"}, {"year": "20x3"}],
)
def test_document_filters_render(analyst_client, seeded, filters):
    response = analyst_client.get(reverse("admin:agreements_document_changelist"), filters)
    assert response.status_code == 200


def test_analyst_cannot_manage_users(analyst_client):
    for name in ["admin:auth_user_changelist", "admin:auth_user_add", "admin:auth_group_changelist"]:
        assert analyst_client.get(reverse(name)).status_code == 403


def test_analyst_edits_a_document_and_history_records_who(analyst_client, analyst, seeded):
    doc = Document.objects.get(slug="astana-2023-sport-action-plan")
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    form = analyst_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"title_en": "Sport action plan 2024–2026", "sectors": [s.pk for s in doc.sectors.all()]})
    for prefix, formset in [
        ("participations", doc.participations),
        ("events", doc.events),
        ("citations", doc.citations),
        ("relations_out", doc.relations_out),
    ]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data = {k: v for k, v in data.items() if k not in ("status", "version")}
    # Keep existing inline rows untouched: post them back as they are.
    page = analyst_client.get(url)
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = str(len(fs.forms))
        data[f"{fs.prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        for form in fs.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value is not None:
                    data[form.add_prefix(name)] = getattr(value, "pk", value)
    response = analyst_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    doc.refresh_from_db()
    assert doc.title_en == "Sport action plan 2024–2026"
    assert doc.history.first().history_user == analyst
    assert doc.participations.count() == 2
