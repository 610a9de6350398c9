import logging
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from .conftest import json_log_lines
from .factories import DocumentFactory, PartyFactory

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


PAGES = [
    "/en/documents/",
    "/ru/documents/astana-2023-tpp-memorandum/",
    "/en/parties/",
    "/en/sectors/energy/",
    "/en/occasions/",
    "/en/about/",
    "/en/no-such-page/",
    "/admin/login/",
    "/api/v1/documents/",
    "/api/schema/",
    "/healthz",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_csp_and_security_headers(client, seeded, url):
    response = client.get(url, secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Request-ID"]


def test_cookies_are_secure_and_http_only(settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_admin_login_locks_after_repeated_failures(client, analyst, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(
            "/admin/login/", {"username": "analyst", "password": "wrong"}
        )
        assert response.status_code in (200, 429)
    locked = client.post(
        "/admin/login/", {"username": "analyst", "password": "a-long-test-password-1"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_works_with_the_right_password(client, analyst):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "analyst", "password": "a-long-test-password-1"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(analyst.pk)


@pytest.mark.django_db
def test_model_validation_refuses_unassigned_country_and_currency_codes():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ISO 3166"):
        PartyFactory.build(country="ZZ").full_clean()
    with pytest.raises(ValidationError, match="ISO 4217"):
        DocumentFactory.build(value_amount=5, value_currency="XYZ").full_clean()


@pytest.fixture
def json_log():
    """Captures django.request log lines as our production formatter writes them."""
    with json_log_lines(logging.getLogger("django.request")) as lines:
        yield lines


@pytest.mark.django_db
def test_a_server_error_is_logged_as_json_with_the_request_id(settings, json_log):
    settings.ROOT_URLCONF = "tests.crash_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/crash/", HTTP_X_REQUEST_ID="req-12345")
    assert response.status_code == 500
    assert "Server error" in response.content.decode()
    assert response["X-Request-ID"] == "req-12345"
    entry = json_log[-1]
    assert entry["level"] == "ERROR" and entry["status"] == 500
    assert entry["request_id"] == "req-12345"
    assert "deliberate failure" in entry["exception"]


@pytest.mark.django_db
def test_request_ids_are_generated_when_missing_or_unsafe(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert (
        client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
        != "bad id\nwith newline"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("cache_url", ["db", "redis"])
def test_anonymous_api_reads_are_throttled_in_the_shared_cache(
    client, settings, monkeypatch, cache_url
):
    if cache_url == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "tracker.redis_cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
            }
        }
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/day"})
    codes = [client.get("/api/v1/sectors/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/sectors/")
    assert refused.json()["detail"] and int(refused["Retry-After"]) > 0
    cache.clear()


@pytest.mark.django_db
def test_the_throttle_keeps_one_counter_per_client_and_window(client, monkeypatch):
    """Not DRF's list of every request's time, read and written back whole by
    each request (and overwritten by another server's) at any rate."""
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/day"})
    for _ in range(30):
        assert client.get("/api/v1/sectors/").status_code == 200
    window = int(time.time() // 86400)
    assert cache.get(f"throttle_anon_127.0.0.1:{window}") == 30
    cache.clear()


@pytest.mark.django_db
def test_healthz_says_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "tracker.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok" and response.json()["cache"].startswith(
        "error"
    )


@pytest.mark.django_db
def test_a_lost_database_connection_is_a_503_with_retry_after(settings, json_log):
    settings.ROOT_URLCONF = "tests.crash_urls"
    response = Client(raise_request_exception=False).get("/database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_a_value_the_database_cannot_store_is_a_400_not_a_500(settings):
    settings.ROOT_URLCONF = "tests.crash_urls"
    response = Client(raise_request_exception=False).get("/api/unstorable/")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.django_db
def test_a_value_over_a_database_limit_is_a_413_never_retry_in_5_s(settings):
    settings.ROOT_URLCONF = "tests.crash_urls"
    response = Client(raise_request_exception=False).get("/api/over-a-limit/")
    assert response.status_code == 413
    assert "Retry-After" not in response
    assert "too large" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/documents/a%00b/",
        "/api/v1/sectors/a%00b/",
        "/api/v1/sectors/?q=a%00b",
        "/api/v1/documents/?sector=a%00b",
        "/en/documents/?q=a%00b",
        "/en/documents/?party=a%00b",
    ],
)
def test_nul_characters_in_requests_are_refused_not_crashed_on(client, seeded, url):
    assert client.get(url).status_code in (400, 404)
