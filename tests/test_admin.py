import re

import pytest
from django.urls import reverse

from agreements.models import Document

from .conftest import ASTANA

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


@pytest.mark.parametrize("year", ["20x3", "²⁰²³", "-1"])
def test_a_year_that_is_not_a_number_is_a_400_naming_it(analyst_client, seeded, year):
    response = analyst_client.get(
        reverse("admin:agreements_document_changelist"), {"year": year}
    )
    assert response.status_code == 400
    assert "year" in response.content.decode()


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


def admin_page(client, view, doc):
    """The document's admin `view` page ("change", "history"), in English."""
    url = reverse(f"admin:agreements_document_{view}", args=[doc.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_analyst_sees_changed_fields_and_reverts_a_change(analyst_client, seeded):
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    original = doc.title_en
    data = change_form_data(analyst_client, url)
    data["title_en"] = "A wrong title"
    assert analyst_client.post(url, data).status_code == 302
    history = admin_page(analyst_client, "history", doc)
    assert "analyst" in history and "title (english)" in history.lower()

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
    documents_with_relations(3)
    small = count_queries(analyst_client, url)
    documents_with_relations(27)
    assert count_queries(analyst_client, url) == small


# The analysts' desk (issue 11)


def add_rows(data, prefix, *rows):
    """Append inline rows to posted form data, as the "Add another" link does."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for i, row in enumerate(rows, start):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


def new_document_data(client, **fields):
    from agreements.models import Party, Source

    data = change_form_data(client, reverse("admin:agreements_document_add"))
    data.update(slug="new-memo", kind="memorandum", title_en="New memo", **fields)
    russia, source = Party.objects.get(slug="russia"), Source.objects.first()
    add_rows(
        data, "participations", {"party": russia.pk, "role": "party", "position": 0}
    )
    add_rows(data, "events", {"kind": "signed", "occurred_on": "2023-06-01"})
    add_rows(
        data,
        "citations",
        {
            "source": source.pk,
            "kind": "sourced",
            "field": "signed_on",
            "confidence": "high",
        },
        {
            "source": source.pk,
            "kind": "sourced",
            "field": "",
            "quote": "подписали",
            "confidence": "high",
        },
    )
    return data


def test_citations_are_added_on_the_document_add_page(analyst_client, seeded):
    data = new_document_data(analyst_client, signed_on="2023-06")
    response = analyst_client.post(reverse("admin:agreements_document_add"), data)
    assert response.status_code == 302, response.context["errors"]
    doc = Document.objects.get(slug="new-memo")
    assert sorted(doc.citations.values_list("field", flat=True)) == ["", "signed_on"]
    assert (doc.signed_on.isoformat(), doc.signed_precision) == ("2023-06-01", "month")
    assert doc.status == "signed" and doc.participations.count() == 1


@pytest.mark.parametrize(
    "typed, stored",
    [("2023-11-09", ("2023-11-09", "day")), ("2023", ("2023-01-01", "year"))],
)
def test_partial_signing_dates_are_entered_and_shown_as_partial(
    analyst_client, seeded, typed, stored
):
    data = new_document_data(analyst_client, signed_on=typed)
    assert (
        analyst_client.post(reverse("admin:agreements_document_add"), data).status_code
        == 302
    )
    doc = Document.objects.get(slug="new-memo")
    assert (doc.signed_on.isoformat(), doc.signed_precision) == stored
    change = analyst_client.get(
        reverse("admin:agreements_document_change", args=[doc.pk])
    ).content.decode()
    assert f'value="{typed}"' in change
    changelist = analyst_client.get(
        reverse("admin:agreements_document_changelist"), {"q": "new-memo"}
    ).content.decode()
    assert f'<td class="field-signed">{typed}</td>' in changelist


@pytest.mark.parametrize("typed", ["2023-13", "June 2023", "2023-02-30", "23"])
def test_a_malformed_partial_date_is_refused_with_the_expected_forms(
    analyst_client, seeded, typed
):
    data = new_document_data(analyst_client, signed_on=typed)
    response = analyst_client.post(
        reverse("admin:agreements_document_add"), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "YYYY-MM-DD, YYYY-MM or YYYY" in response.content.decode()
    assert not Document.objects.filter(slug="new-memo").exists()


def test_admin_dates_are_iso(analyst_client, seeded):
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    html = admin_page(analyst_client, "change", doc)
    shown = " ".join(re.findall(r'<div class="readonly">(.*?)</div>', html, re.S))
    assert doc.created_at.strftime("%Y-%m-%d") in shown
    assert "Nov. " not in shown and "November" not in shown  # the data may say so


def test_citation_field_is_a_choice_of_the_subjects_facts(seeded):
    from django.core.exceptions import ValidationError

    from agreements.models import Citation, Occasion, Source

    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    source = Source.objects.first()
    Citation(source=source, document=doc, field="signed_on").full_clean(
        validate_unique=False, validate_constraints=False
    )
    for subject, field in [
        ({"document": doc}, "signed on"),
        ({"document": doc}, "documents_count"),
        ({"occasion": Occasion.objects.first()}, "title_ru"),
    ]:
        with pytest.raises(ValidationError) as error:
            Citation(source=source, field=field, **subject).full_clean()
        assert "field" in error.value.message_dict


def test_every_fixture_citation_field_is_a_valid_choice(seeded):
    from agreements.models import Citation

    for citation in Citation.objects.all():
        citation.full_clean(validate_unique=False)


def test_inline_citation_offers_only_the_documents_facts(analyst_client, seeded):
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    html = admin_page(analyst_client, "change", doc)
    assert '<option value="signed_on"' in html and "parties and signatories" in html
    assert '<option value="documents_count"' not in html


def test_history_shows_inline_changes_with_who_and_the_reason(analyst_client, seeded):
    from agreements.models import Party

    doc = Document.objects.get(slug="astana-2023-sport-action-plan")
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    add_rows(
        data,
        "participations",
        {
            "party": Party.objects.get(slug="kz-government").pk,
            "role": "other",
            "position": 3,
        },
    )
    data["change_reason"] = "second source found"
    assert analyst_client.post(url, data).status_code == 302
    html = admin_page(analyst_client, "history", doc)
    rows = html[html.index('id="row-changes"') :]
    assert "Participation: Government of the Republic of Kazakhstan" in rows
    assert "second source found" in rows and "analyst" in rows
    assert doc.history.first().history_change_reason == "second source found"


def test_document_picker_shows_short_title_and_slug(analyst_client, seeded):
    response = analyst_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "кокшетау",
            "app_label": "agreements",
            "model_name": "documentrelation",
            "field_name": "to_document",
        },
    )
    texts = [r["text"] for r in response.json()["results"]]
    assert any(t.endswith("(astana-2023-tpp-memorandum)") for t in texts)
    assert all(len(t) < 110 for t in texts)


@pytest.mark.parametrize("term", ["Russian Fed", "russian fed", "Российск"])
def test_party_picker_offers_the_state_before_its_ministries(
    analyst_client, seeded, term
):
    response = analyst_client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": "agreements",
            "model_name": "participation",
            "field_name": "party",
        },
    )
    results = response.json()["results"]
    assert len(results) > 1 and results[0]["text"] == "Russian Federation"


@pytest.mark.parametrize(
    "queue, method",
    [
        ("uncited", "uncited"),
        ("no_english_title", "without_english_title"),
        ("no_dated_event", "without_events"),
        ("disputed", "disputed"),
        ("no_domestic_procedure", "without_domestic_procedure"),
    ],
)
def test_work_queue_lists_what_the_data_quality_rules_find(
    analyst_client, seeded, queue, method
):
    from .factories import DocumentFactory

    DocumentFactory(title_en="")  # uncited, no English title, no event
    expected = set(getattr(Document.objects, method)().values_list("pk", flat=True))
    response = analyst_client.get(
        reverse("admin:agreements_document_changelist"), {"todo": queue}
    )
    listed = {doc.pk for doc in response.context["cl"].result_list}
    assert expected and listed == expected
    assert len(listed) < Document.objects.count()


def test_a_partys_ratification_with_its_act_is_one_inline_row(analyst_client, seeded):
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    kz = doc.participations.get(party__country="KZ")
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    row = {
        "kind": "ratified",
        "occurred_on": "2024-03-01",
        "party": kz.party_id,
        "act_kind": "law",
        "act_number": "61-VIII",
        "act_date": "2024-02-28",
        "published_in_ru": "Ведомости Парламента РК, 2024 г., № 5",
    }
    n = int(data["events-TOTAL_FORMS"])
    data.update({f"events-{n}-{name}": value for name, value in row.items()})
    data["events-TOTAL_FORMS"] = str(n + 1)
    response = analyst_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = doc.events.get(kind="ratified")
    assert (event.party, event.act_number) == (kz.party, "61-VIII")
    kz.refresh_from_db()
    assert kz.status == "domestic_procedures_done"


def unidentified():
    return Document.objects.filter(slug__startswith="astana-2023-unidentified")


def select(queryset):
    return {"_selected_action": list(queryset.values_list("pk", flat=True))}


def test_bulk_action_adds_a_sector_and_refreshes_the_documents(analyst_client, seeded):
    from agreements.models import Sector

    docs = unidentified()
    sport = Sector.objects.get(slug="sport")
    before = {d.pk: d.updated_at for d in docs}
    url = reverse("admin:agreements_document_changelist")
    ask = analyst_client.post(
        url, {"action": "add_sector", **select(docs)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert ask.status_code == 200 and "Sector to add" in ask.content.decode()
    done = analyst_client.post(
        url, {"action": "add_sector", "apply": "1", "choice": sport.pk, **select(docs)}
    )
    assert done.status_code == 302
    for doc in unidentified():
        assert sport in doc.sectors.all() and doc.updated_at > before[doc.pk]


def test_bulk_action_sets_the_occasion_with_history(analyst_client, seeded):
    from agreements.models import Occasion

    docs = unidentified()
    occasion = Occasion.objects.get(slug="kostanay-forum-2023")
    url = reverse("admin:agreements_document_changelist")
    data = {"action": "set_occasion", "apply": "1", "choice": occasion.pk}
    assert analyst_client.post(url, {**data, **select(docs)}).status_code == 302
    for doc in unidentified():
        assert doc.occasion == occasion and doc.version == 2
        assert doc.history.first().history_user.username == "analyst"


def test_bulk_action_with_an_unknown_choice_asks_again(analyst_client, seeded):
    docs = unidentified()
    url = reverse("admin:agreements_document_changelist")
    data = {"action": "set_occasion", "apply": "1", "choice": "999999"}
    response = analyst_client.post(url, {**data, **select(docs)})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not unidentified().exclude(occasion__slug=ASTANA).exists()


def test_bulk_export_has_exactly_the_selected_rows(analyst_client, seeded):
    docs = unidentified()
    response = analyst_client.post(
        reverse("admin:agreements_document_changelist"),
        {"action": "export_csv", **select(docs)},
    )
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("slug,") and len(lines) == 1 + docs.count()


def test_new_document_from_a_source_cites_every_fact_in_one_save(
    analyst_client, seeded
):
    from agreements.models import Party, Sector

    url = reverse("admin:agreements_document_from_source")
    assert analyst_client.get(url).status_code == 200
    data = {
        "source_url": "https://example.org/news/1",
        "source_title": "Ministries sign a memorandum",
        "source_publisher": "Example News",
        "source_language": "en",
        "source_published": "2024-03",
        "confidence": "medium",
        "slug": "energy-memo-2024",
        "kind": "memorandum",
        "legal_level": "interdepartmental",
        "title_status": "reported",
        "title_en": "Memorandum on energy",
        "quote_title_en": "a memorandum on energy",
        "signed_on": "2024-03",
        "signed_precision": "day",
        "parties": [Party.objects.get(slug=s).pk for s in ("russia", "kazakhstan")],
        "quote_parties": "Russia and Kazakhstan",
        "sectors": [Sector.objects.get(slug="energy").pk],
        "summary_en": "Cooperation in energy.",
    }
    response = analyst_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    doc = Document.objects.get(slug="energy-memo-2024")
    citations = {c.field: c for c in doc.citations.select_related("source")}
    assert set(citations) == {
        "title_en",
        "signed_on",
        "participations",
        "sectors",
        "summary",
    }
    assert citations["title_en"].quote == "a memorandum on energy"
    assert {c.source.slug for c in citations.values()} == {"energy-memo-2024-source"}
    assert citations["title_en"].source.published_display == "2024-03"
    assert (doc.signed_precision, doc.status) == ("month", "signed")
    assert "россия" in doc.search_text or "russian federation" in doc.search_text
    assert doc.history.first().history_change_reason.endswith("energy-memo-2024-source")


def test_new_document_from_a_source_needs_a_source(analyst_client, seeded):
    url = reverse("admin:agreements_document_from_source")
    data = {"slug": "x-doc", "kind": "memorandum", "confidence": "high"}
    response = analyst_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Choose a source" in response.content.decode()
    assert not Document.objects.filter(slug="x-doc").exists()


def test_analyst_creates_sees_once_and_revokes_their_own_token(
    analyst_client, analyst, django_user_model
):
    from rest_framework.authtoken.models import Token

    other = django_user_model.objects.create_user("other", is_staff=True)
    theirs = Token.objects.create(user=other)
    url = reverse("admin:authtoken_tokenproxy_changelist")
    assert theirs.key not in analyst_client.get(url).content.decode()
    created = analyst_client.post(url, {"create": "1"}).content.decode()
    mine = Token.objects.get(user=analyst)
    assert mine.key in created
    assert mine.key not in analyst_client.get(url).content.decode()  # once
    analyst_client.post(url, {"revoke": "1"})
    assert not Token.objects.filter(user=analyst).exists()
    assert Token.objects.filter(pk=theirs.pk).exists()


def test_admin_index_links_to_the_token_page(analyst_client):
    html = analyst_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:authtoken_tokenproxy_changelist") in html
