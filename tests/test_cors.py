"""CORS: browser apps on other sites read the API; nothing else is shared."""

import pytest

pytestmark = pytest.mark.django_db
ELSEWHERE = "https://research.example.net"


def preflight(client, path, method="GET"):
    return client.options(
        path,
        HTTP_ORIGIN=ELSEWHERE,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
    )


@pytest.mark.parametrize(
    "path", ["/api/v1/documents/", "/api/v1/sectors/", "/api/schema/"]
)
def test_another_site_may_read_the_api(client, path):
    response = client.get(path, HTTP_ORIGIN=ELSEWHERE)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_allows_reads_only_and_no_credentials(client):
    response = preflight(client, "/api/v1/documents/")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_for_a_write_or_a_token_is_not_allowed(client):
    """The browser refuses what the preflight does not list."""
    write = preflight(client, "/api/v1/documents/", method="POST")
    assert "POST" not in write.get("Access-Control-Allow-Methods", "")
    token = client.options(
        "/api/v1/documents/",
        HTTP_ORIGIN=ELSEWHERE,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    allowed = token.get("Access-Control-Allow-Headers", "").lower()
    assert "authorization" not in allowed


@pytest.mark.parametrize(
    "path",
    ["/en/documents/", "/ru/about/", "/admin/login/", "/data/agreement-tracker.json"],
)
def test_pages_the_admin_and_downloads_are_not_shared(client, path):
    for response in (client.get(path, HTTP_ORIGIN=ELSEWHERE), preflight(client, path)):
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


def test_a_cached_answer_to_one_origin_is_not_served_to_another(client, settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = [ELSEWHERE]
    allowed = client.get("/api/v1/sectors/", HTTP_ORIGIN=ELSEWHERE)
    assert allowed["Access-Control-Allow-Origin"] == ELSEWHERE
    other = client.get("/api/v1/sectors/", HTTP_ORIGIN="https://other.example.com")
    assert "Access-Control-Allow-Origin" not in other
