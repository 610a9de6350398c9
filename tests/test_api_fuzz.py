"""Property-based runs: schemathesis against the API, hypothesis against the HTML list."""

import json
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

# Per API operation: bounded so the suite stays a few minutes; a deeper run:
# FUZZ_EXAMPLES=500 pytest tests/test_api_fuzz.py -k "schema or analyst"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
api_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


def _openapi():
    """The schema the site serves at /api/schema/, built the same way."""
    generator = SchemaGenerator(api_version="v1")
    with translation.override("en"):
        return json.loads(
            OpenApiJsonRenderer().render(generator.get_schema(public=True))
        )


schema = schemathesis.openapi.from_dict(
    _openapi(),
    config=SchemathesisConfig.from_path(Path(__file__).parent / "schemathesis.toml"),
)


@pytest.fixture
def seeded_live_server(live_server, transactional_db, seed_dump):
    call_command("loaddata", seed_dump, verbosity=0)  # the fixture, by primary keys
    return live_server


@pytest.fixture
def analyst_token(transactional_db, django_user_model):
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from agreements.roles import ANALYSTS

    user = django_user_model.objects.create_user("fuzzing-analyst", is_staff=True)
    user.groups.add(Group.objects.get(name=ANALYSTS))
    return Token.objects.create(user=user).key


@schema.parametrize()
@api_settings
def test_api_conforms_to_its_schema_and_never_fails(case, seeded_live_server):
    # Every check but one: a slug that matches the schema's pattern yet names no
    # record (`sector=xyz`) is refused with a 400 on purpose, to catch typos.
    case.call_and_validate(
        base_url=seeded_live_server.url,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


@schema.include(method=["POST", "PUT", "PATCH", "DELETE"]).parametrize()
@api_settings
@pytest.mark.parametrize("if_match", [None, "*"])
def test_api_writes_by_an_analyst_conform_and_never_fail(
    case, seeded_live_server, analyst_token, if_match
):
    """Writes with an analyst's token: without If-Match every update and delete is
    a documented 428; with `If-Match: *` the bodies reach validation, the
    optimistic lock and the database."""
    headers = {"Authorization": f"Token {analyst_token}"}
    if if_match:
        headers["If-Match"] = if_match
    case.cookies = {}  # no generated session cookie: the token is the credential
    case.call_and_validate(
        base_url=seeded_live_server.url,
        headers=headers,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


PARAMS = [
    "q",
    "sector",
    "party",
    "kind",
    "legal_level",
    "status",
    "occasion",
    "year",
    "signed_after",
    "signed_before",
    "in_force_on",
    "in_force_for",
    "awaiting",
    "ordering",
    "page",
    "country",
    "updated_since",
    "expires_before",
    "page_size",
    "unknown",
]
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "energy",
            "2023",
            "2023-11-09",
            "-1",
            "0",
            "99999999999",
            "abc",
            "signed_on",
            "-title",
            "кокшетау",
            "%00",
            "a\x00b",
            "' OR 1=1 --",
            "\u202e",
            "²",
            "①",
            "٢٠٢٣",
            "9999-12-31T23:59:59-23:59",
            "x" * 3000,
        ]
    ),
)


def any_query_string(test):
    """Runs `test(client, query)` on 150 lists of up to six (parameter, value)
    pairs for the document list."""
    test = settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )(test)
    test = given(
        query=st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=6)
    )(test)
    return pytest.mark.django_db(test)


@any_query_string
def test_html_list_answers_any_query_string_without_a_server_error(client, query):
    response = client.get("/en/documents/?" + urlencode(query))
    assert response.status_code in (200, 400, 414)


@any_query_string
def test_api_list_answers_any_query_string_with_json(client, query):
    response = client.get("/api/v1/documents/?" + urlencode(query))
    assert response.status_code in (200, 400, 404, 414), response.content
    body = response.json()
    assert response.status_code == 200 or body["detail"]
