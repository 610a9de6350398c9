import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from agreements.filters import DocumentFilter
from agreements.models import Document, LifecycleEvent, Party

from .conftest import count_queries
from .factories import (
    DocumentFactory,
    EventFactory,
    ParticipationFactory,
    documents_with_relations,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/documents/"


@pytest.fixture
def api():
    return APIClient()


def slugs(response):
    assert response.status_code == 200, response.content
    return sorted(row["slug"] for row in response.json()["results"])


def test_anonymous_reads_a_document_with_its_nested_records(api, seeded):
    data = api.get(f"{API}astana-2023-tpp-memorandum/").json()
    assert data["title_ru"].startswith("Меморандум о взаимопонимании")
    assert data["status"] == "signed"
    assert [e["kind"] for e in data["events"]] == ["signed"]
    assert {p["party"]["slug"] for p in data["participations"]} == {
        "ru-ministry-of-energy",
        "kz-ministry-of-energy",
    }
    assert data["sectors"] == ["energy"]
    assert data["occasion"] == "astana-official-visit-2023-11-09"
    assert {r["document"] for r in data["relations"]} == {
        "samruk-kazyna-inter-rao-export-2023-12-26",
        "tpp-construction-agreement-2024-04-17",
    }
    assert any(c["source"]["slug"] == "astana-2023-s5" for c in data["citations"])
    assert data["url"].endswith("/documents/astana-2023-tpp-memorandum/")


def test_unknown_slug_is_a_json_404(api, seeded):
    response = api.get(f"{API}no-such-document/")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("endpoint", ["parties", "sectors", "occasions", "sources"])
def test_every_collection_lists_and_retrieves_by_slug(api, seeded, endpoint):
    listing = api.get(f"/api/v1/{endpoint}/").json()
    assert listing["count"] > 0
    first = listing["results"][0]["slug"]
    assert api.get(f"/api/v1/{endpoint}/{first}/").json()["slug"] == first


@pytest.mark.parametrize(
    "query, expected",
    [
        ("sector=sport", ["astana-2023-sport-action-plan"]),
        (
            "sector=sport&sector=interregional-cooperation",
            ["astana-2023-sport-action-plan", "kostanay-forum-2023-package"],
        ),
        ("party=qazaqgaz", ["gazprom-qazaqgaz-transit-contract-2023"]),
        ("kind=joint_statement", ["astana-2023-joint-statement"]),
        (
            "legal_level=corporate",
            [
                "gazprom-qazaqgaz-transit-contract-2023",
                "samruk-kazyna-inter-rao-export-2023-12-26",
            ],
        ),
        ("status=unknown", ["kostanay-forum-2023-package"]),
        ("occasion=spb-gas-forum-2023", ["gazprom-kazakhstan-2023-11-01"]),
        (
            "signed_after=2023-12-01",
            [
                "samruk-kazyna-inter-rao-export-2023-12-26",
                "tpp-construction-agreement-2024-04-17",
            ],
        ),
        ("signed_before=2023-10-31", ["gazprom-qazaqgaz-transit-contract-2023"]),
        ("year=2024", ["tpp-construction-agreement-2024-04-17"]),
        ("q=КОКШЕТАУ меморандум", ["astana-2023-tpp-memorandum"]),
        ("q=шульгинов", ["astana-2023-tpp-memorandum"]),
        (
            "q=Kokshetau&sector=energy",
            ["astana-2023-tpp-memorandum", "samruk-kazyna-inter-rao-export-2023-12-26"],
        ),
    ],
)
def test_filters_select_the_expected_documents(api, seeded, query, expected):
    assert slugs(api.get(f"{API}?{query}&page_size=100")) == expected


def test_country_filter_matches_any_party_of_the_country(api):
    ru = ParticipationFactory(party__country="RU").document
    ParticipationFactory(party__country="KZ")
    assert slugs(api.get(f"{API}?country=RU")) == [ru.slug]


def test_in_force_on_follows_a_suspension_and_its_lifting(api):
    doc = DocumentFactory()
    K = LifecycleEvent.Kind
    for kind, day in [
        (K.ENTERED_INTO_FORCE, "2020-01-01"),
        (K.SUSPENDED, "2021-01-01"),
        (K.RESUMED, "2022-01-01"),
    ]:
        EventFactory(document=doc, kind=kind, occurred_on=day)
    DocumentFactory()  # never in force
    assert slugs(api.get(f"{API}?in_force_on=2020-06-01")) == [doc.slug]
    assert slugs(api.get(f"{API}?in_force_on=2021-06-01")) == []
    assert slugs(api.get(f"{API}?in_force_on=2022-06-01")) == [doc.slug]


def test_expires_before_and_updated_since(api):
    soon = DocumentFactory(valid_until=datetime.date(2025, 1, 1))
    DocumentFactory(valid_until=datetime.date(2030, 1, 1))
    assert slugs(api.get(f"{API}?expires_before=2026-01-01")) == [soon.slug]
    cutoff = Document.objects.order_by("-updated_at").first().updated_at
    later = DocumentFactory()
    stamp = cutoff.isoformat().replace("+00:00", "Z")
    found = slugs(api.get(API, {"updated_since": stamp}))
    assert later.slug in found and soon.slug not in found


def test_a_change_to_nested_data_bumps_updated_at(api):
    doc = DocumentFactory()
    before = Document.objects.get(pk=doc.pk).updated_at
    EventFactory(document=doc)
    assert Document.objects.get(pk=doc.pk).updated_at > before


@pytest.mark.parametrize("ordering", ["signed_on", "-signed_on", "title", "-updated"])
def test_paging_never_repeats_or_skips_rows(api, ordering):
    DocumentFactory.create_batch(23, signed_on=datetime.date(2024, 1, 1))
    seen, url = [], f"{API}?ordering={ordering}&page_size=5"
    while url:
        body = api.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 23


@pytest.mark.parametrize(
    "query, param",
    [
        ("sector=not-a-sector", "sector"),
        ("ordering=price", "ordering"),
        ("page=abc", "page"),
        ("page_size=1000000000", "page_size"),
        ("page_size=0", "page_size"),
        ("signed_after=2023-13-45", "signed_after"),
        ("in_force_on=yesterday", "in_force_on"),
        ("year=20x3", "year"),
        ("kind=poem", "kind"),
        ("updated_since=now", "updated_since"),
    ],
)
def test_bad_input_is_a_clear_400_naming_the_parameter(api, seeded, query, param):
    response = api.get(f"{API}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and param in body["errors"]


def test_a_page_past_the_end_is_a_404(api, seeded):
    assert api.get(f"{API}?page=99").status_code == 404


def test_csv_export_holds_exactly_the_filtered_set(api, seeded):
    response = api.get(f"{API}export/?format=csv&sector=energy")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = slugs(api.get(f"{API}?sector=energy&page_size=100"))
    assert sorted(r["slug"] for r in rows) == expected
    memo = next(r for r in rows if r["slug"] == "astana-2023-tpp-memorandum")
    assert "Кокшетау" in memo["title_ru"]
    assert memo["parties"] == "ru-ministry-of-energy:party; kz-ministry-of-energy:party"


def test_json_export_and_bad_export_format(api, seeded):
    response = api.get(f"{API}export/?format=json&kind=memorandum")
    import json

    rows = json.loads(b"".join(response.streaming_content))
    assert [r["slug"] for r in rows] == ["astana-2023-tpp-memorandum"]
    assert api.get(f"{API}export/?format=xml").status_code == 400


def test_etag_lets_clients_revalidate(api, seeded):
    first = api.get(f"{API}astana-2023-tpp-memorandum/")
    etag = first["ETag"]
    assert first["Last-Modified"]
    again = api.get(f"{API}astana-2023-tpp-memorandum/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    listing = api.get(f"{API}?sector=energy")
    assert (
        api.get(f"{API}?sector=energy", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code
        == 304
    )
    EventFactory(
        document=Document.objects.get(slug="astana-2023-tpp-memorandum"),
        kind="entered_into_force",
        occurred_on="2024-01-01",
    )
    assert (
        api.get(
            f"{API}astana-2023-tpp-memorandum/", HTTP_IF_NONE_MATCH=etag
        ).status_code
        == 200
    )
    assert (
        api.get(f"{API}?sector=energy", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code
        == 200
    )


def test_anonymous_writes_are_refused(api, seeded):
    assert api.post(API, {"slug": "x", "kind": "agreement"}).status_code in (401, 403)
    assert api.delete(f"{API}astana-2023-tpp-memorandum/").status_code in (401, 403)
    assert Document.objects.filter(slug="astana-2023-tpp-memorandum").exists()


def test_analyst_writes_with_a_token_and_history_records_it(api, seeded, analyst):
    token = Token.objects.create(user=analyst)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    created = api.post(
        API,
        {
            "slug": "new-doc",
            "kind": "agreement",
            "title_en": "A new one",
            "sectors": ["energy"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    doc = Document.objects.get(slug="new-doc")
    assert doc.history.first().history_user == analyst
    etag = api.get(f"{API}new-doc/")["ETag"]
    changed = api.patch(
        f"{API}new-doc/", {"title_ru": "Новое"}, format="json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200
    assert doc.history.first().history_user == analyst
    assert (
        api.delete(f"{API}new-doc/", HTTP_IF_MATCH=changed["ETag"]).status_code == 204
    )


def test_a_user_without_permissions_cannot_write(api, seeded, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x-long-password-2")
    api.force_authenticate(user)
    assert (
        api.post(API, {"slug": "x", "kind": "agreement"}, format="json").status_code
        == 403
    )


def test_invalid_payload_is_a_400_with_field_messages(api, analyst):
    api.force_authenticate(analyst)
    response = api.post(
        API,
        {
            "slug": "bad",
            "kind": "agreement",
            "value_amount": "-5",
            "value_currency": "usd",
        },
        format="json",
    )
    assert response.status_code == 400
    assert (
        "value_amount" in response.json()["errors"]
        or "value_currency" in response.json()["errors"]
    )
    assert not Document.objects.filter(slug="bad").exists()


@pytest.mark.parametrize("term", [1.0, 2.5, "5", True])
def test_a_whole_number_is_a_json_integer_as_the_schema_says(api, analyst, term):
    """schemathesis sent term_years 1.0, which DRF took as 1 though the schema
    says integer."""
    api.force_authenticate(analyst)
    body = {"slug": "whole", "kind": "agreement", "term_years": term}
    response = api.post(API, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["term_years"] == ["A valid integer is required."]
    assert api.post(API, {**body, "term_years": 5}, format="json").status_code == 201


def test_a_text_longer_than_its_limit_is_refused_even_if_trimming_would_shorten_it(
    api, analyst
):
    """The schema's maxLength applies to the text as sent: trailing whitespace
    (here U+001D, which Python counts as whitespace) does not get it in."""
    api.force_authenticate(analyst)
    limit = Party._meta.get_field("name_en").max_length
    response = api.post(
        "/api/v1/parties/",
        {
            "slug": "too-long",
            "kind": "ministry",
            "name_en": "Ministry" + "\x1d" * limit,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "name_en" in response.json()["errors"]
    assert not Party.objects.filter(slug="too-long").exists()


def test_an_empty_link_is_refused_not_read_as_none(api, analyst, seeded):
    api.force_authenticate(analyst)
    body = {"slug": "no-parent", "kind": "ministry", "name_en": "A", "parent": ""}
    response = api.post("/api/v1/parties/", body, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]
    body["parent"] = None
    assert api.post("/api/v1/parties/", body, format="json").status_code == 201


def test_list_queries_do_not_grow_with_page_size(api):
    documents_with_relations(3)
    small = count_queries(api, f"{API}?page_size=3")
    documents_with_relations(27)
    large = count_queries(api, f"{API}?page_size=30")
    assert small == large


def test_the_openapi_schema_validates():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/documents/" in out.getvalue()


def test_schema_documents_every_filter_and_error(api):
    schema = api.get("/api/schema/?format=json").json()
    op = schema["paths"]["/api/v1/documents/"]["get"]
    params = {p["name"] for p in op["parameters"]}
    assert {*DocumentFilter.base_filters, "page", "page_size"} <= params
    assert {"200", "400", "401", "403", "404", "429"} <= set(op["responses"])


@pytest.mark.parametrize("query", ["", "?as_of=2023-11-10", "?q=меморандум"])
def test_list_rows_are_what_the_declared_fields_give(api, seeded, query):
    """The lean row is built by hand for speed, and a page's rows from plain
    values; DRF's field-by-field walk over the declared fields is the reference
    (schema and rows must agree)."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from agreements.api.serializers import DocumentListSerializer

    request = Request(APIRequestFactory().get(API + query))
    filterset = DocumentFilter(
        request.query_params, Document.objects.for_list(), request=request
    )
    rows = list(filterset.qs.with_text_snippets(request.query_params.get("q")))
    assert rows
    serializer = DocumentListSerializer(context={"request": request})
    with translation.override("en"):  # the API's language (its HTML links)
        declared = [
            super(DocumentListSerializer, serializer).to_representation(document)
            for document in rows
        ]
        assert [serializer.to_representation(d) for d in rows] == declared
    # A page reads its rows' sectors and parties as plain values, all at once.
    listed = api.get(API + query + ("&" if query else "?") + "page_size=100").json()
    assert listed["results"] == declared


def test_list_status_is_the_status_as_of_the_day_asked(api, seeded):
    """The Astana documents were signed on 9 November 2023: the day before, each
    row shows the status its events gave then, not today's."""
    day = datetime.date(2023, 11, 8)
    rows = api.get(f"{API}?as_of={day}&occasion=astana-official-visit-2023-11-09")
    shown = {row["slug"]: row["status"] for row in rows.json()["results"]}
    documents = Document.objects.filter(slug__in=shown)
    assert len(shown) == 7
    assert shown == {d.slug: d.status_on(day) for d in documents}
    assert shown != {d.slug: d.status for d in documents}


def test_serializer_fields_are_built_once_per_class_and_never_shared():
    """Each instance gets its own copy of the fields built once per class, the
    same fields DRF would build for it."""
    from rest_framework.serializers import ModelSerializer

    from agreements.api import model_serializer, records, serializers

    classes = {
        c
        for module in (records, serializers)
        for c in vars(module).values()
        if isinstance(c, type)
        and issubclass(c, model_serializer.ModelSerializer)
        and hasattr(c, "Meta")
    }
    assert {serializers.DocumentSerializer, records.SourceDetailSerializer} <= classes
    for cls in classes:
        first, second = cls(), cls()
        assert first.fields.keys() == ModelSerializer.get_fields(cls()).keys()
        for name, field in first.fields.items():
            assert field is not second.fields[name]
            assert field.parent is first
