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
    response = analyst_client.get(
        reverse(f"admin:agreements_document_{view}", args=[doc.pk])
    )
    assert response.status_code == 200
    assert "Кокшетау" in response.content.decode()


def test_document_list_shows_parties_sectors_status_and_citations(
    analyst_client, seeded
):
    url = reverse("admin:agreements_document_changelist")
    html = analyst_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ministry of Energy of the Russian Federation" in html
    assert "Energy" in html
    assert "signed" in html
    assert "12 documents" in html


def test_admin_search_finds_cyrillic_in_any_case(analyst_client, seeded):
    url = reverse("admin:agreements_document_changelist")
    for term in ["кокшетау", "КОКШЕТАУ", "Кокшетау"]:
        html = analyst_client.get(url, {"q": term}).content.decode()
        assert (
            "astana-2023-tpp-memorandum" in html
            or "Меморандум о взаимопонимании" in html
        )
        assert "Совместное заявление" not in html


@pytest.mark.parametrize(
    "filters",
    [
        {"kind__exact": "memorandum"},
        {"status__exact": "signed"},
        {"year": "2023"},
        {"sectors__id__exact": "1"},
    ],
)
def test_document_filters_render(analyst_client, seeded, filters):
    response = analyst_client.get(
        reverse("admin:agreements_document_changelist"), filters
    )
    assert response.status_code == 200


def test_analyst_cannot_manage_users(analyst_client):
    for name in [
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
    ]:
        assert analyst_client.get(reverse(name)).status_code == 403


def change_form_data(client, url):
    """What the browser would post back for an untouched change form, inlines included."""
    page = client.get(url)
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = getattr(value, "pk", value)

    add(page.context["adminform"].form)
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
                f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
            }
        )
        for form in formset.forms:
            add(form)
    return data


def test_analyst_edits_a_document_and_history_records_who(
    analyst_client, analyst, seeded
):
    doc = Document.objects.get(slug="astana-2023-sport-action-plan")
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    data["title_en"] = "Sport action plan 2024–2026"
    response = analyst_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    doc.refresh_from_db()
    assert doc.title_en == "Sport action plan 2024–2026"
    assert doc.history.first().history_user == analyst
    assert doc.participations.count() == 2
    assert doc.version == 2


def test_analyst_sees_changed_fields_and_reverts_a_change(analyst_client, seeded):
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    original = doc.title_en
    data = change_form_data(analyst_client, url)
    data["title_en"] = "A wrong title"
    assert analyst_client.post(url, data).status_code == 302
    history = analyst_client.get(
        reverse("admin:agreements_document_history", args=[doc.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "analyst" in history and "title_en" in history.lower().replace(" ", "_")

    before = doc.history.order_by("history_date")[0]  # as loaded from the fixture
    revert_url = reverse(
        "admin:agreements_document_simple_history", args=[doc.pk, before.history_id]
    )
    form = change_form_data(analyst_client, revert_url)
    assert form["title_en"] == original
    assert analyst_client.post(revert_url, form).status_code == 302
    doc.refresh_from_db()
    assert doc.title_en == original
    assert doc.history.first().history_user.username == "analyst"


def test_changelist_query_count_does_not_grow_with_documents(analyst_client):
    from .conftest import count_queries
    from .factories import documents_with_relations

    url = reverse("admin:agreements_document_changelist")
    documents_with_relations(5)
    small = count_queries(analyst_client, url)
    documents_with_relations(495)
    assert count_queries(analyst_client, url) == small
