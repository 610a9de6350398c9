"""Property-based runs: schemathesis against the API, hypothesis against the HTML list."""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 25  # per API operation: bounded so the suite stays a few minutes


def _openapi():
    """The schema the site serves at /api/schema/, built the same way."""
    generator = SchemaGenerator(api_version="v1")
    with translation.override("en"):
        return json.loads(
            OpenApiJsonRenderer().render(generator.get_schema(public=True))
        )


schema = schemathesis.openapi.from_dict(_openapi())


@pytest.fixture
def seeded_live_server(live_server, transactional_db):
    call_command("loaddata", "astana-2023", verbosity=0)
    return live_server


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema_and_never_fails(case, seeded_live_server):
    # Every check but one: a slug that matches the schema's pattern yet names no
    # record (`sector=xyz`) is refused with a 400 on purpose, to catch typos.
    case.call_and_validate(
        base_url=seeded_live_server.url,
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
    "ordering",
    "page",
    "country",
    "updated_since",
    "expires_before",
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
        ]
    ),
)


@pytest.mark.django_db
@given(query=st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=6))
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_html_list_answers_any_query_string_without_a_server_error(client, query):
    from urllib.parse import urlencode

    response = client.get("/en/documents/?" + urlencode(query))
    assert response.status_code in (200, 400)
