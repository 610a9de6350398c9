"""One client address, from the socket or from our own proxies only, for the
throttles, the admin lock-out and the logs; throttles fail open."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.throttling import SimpleRateThrottle

from agreements.identity import client_ip

from .conftest import json_log_lines

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "1.1.1.1", "10.0.0.9"),  # no proxies of ours: the header is ignored
        (0, "", "10.0.0.9"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),  # the client sent 1.1.1.1 itself
        (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),
        (2, "2.2.2.2", "2.2.2.2"),  # fewer entries than proxies: the leftmost
        (1, "not-an-address", "10.0.0.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", **extra)
    assert client_ip(request) == expected


@pytest.fixture
def throttled(monkeypatch):
    cache.clear()
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "10/day", "export": "3/day"}
    )
    yield
    cache.clear()


@pytest.mark.parametrize("url", ["/api/v1/sectors/", "/api/schema/"])
def test_spoofed_forwarded_for_does_not_escape_the_api_throttle(client, throttled, url):
    codes = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(15)
    ]
    assert codes.count(200) == 10 and codes[-1] == 429


def test_behind_a_proxy_each_client_has_its_own_bucket(client, throttled, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    codes = [
        client.get(
            "/api/v1/sectors/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(15)
    ]
    assert set(codes) == {200}


@pytest.mark.parametrize(
    "url",
    [
        "/en/documents/export.csv",
        "/en/documents/export.json",
        "/api/v1/documents/export/",
        "/data/agreement-tracker.zip",
        "/data/agreement-tracker.json",
    ],
)
def test_exports_are_throttled_per_client(client, seeded, throttled, url):
    responses = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(4)
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    for response in responses:  # read to the end, as a client would: no open cursor
        if response.streaming:
            b"".join(response.streaming_content)


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "tracker.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/14",
    }
}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/documents/",
        "/api/v1/sectors/energy/",
        "/api/schema/",
        "/api/docs/",
        "/api/v1/documents/export/?format=json",
        "/en/documents/export.csv",
    ],
)
def test_a_cache_outage_lets_requests_through_with_a_log_line(
    client, seeded, settings, caplog, url
):
    settings.CACHES = UNREACHABLE_REDIS
    with caplog.at_level(logging.WARNING, logger="agreements.availability"):
        response = client.get(url)
    assert response.status_code == 200
    assert "Throttle cache unavailable" in caplog.text
    assert client.get("/healthz").status_code == 503


def failed_login(client, username, address):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=address,
    )


def test_lock_out_per_username_and_address_does_not_lock_the_analyst_out_elsewhere(
    client, analyst, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        failed_login(client, "analyst", "203.0.113.66")
    assert failed_login(client, "analyst", "203.0.113.66").status_code == 429
    own = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "analyst", "password": "a-long-test-password-1"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert own.status_code == 302  # the analyst, from their own address, gets in


def test_one_address_guessing_many_usernames_is_locked_at_the_higher_limit(
    client, analyst, settings
):
    settings.AXES_IP_FAILURE_LIMIT = 8
    codes = [
        failed_login(client, f"user{n}", "203.0.113.77").status_code for n in range(8)
    ]
    assert 429 not in codes[:7] and codes[-1] == 429
    # Locked for every username from there, the real one included.
    blocked = client.post(
        "/admin/login/?next=/admin/",
        {"username": "analyst", "password": "a-long-test-password-1"},
        REMOTE_ADDR="203.0.113.77",
    )
    assert blocked.status_code == 429


def test_logging_in_to_ones_own_account_does_not_reset_the_guesses_at_another(
    client, analyst, django_user_model, settings
):
    django_user_model.objects.create_user(
        "attacker", password="attackers-own-password-9", is_staff=True
    )
    attacker = "203.0.113.99"
    codes = []
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        codes.append(failed_login(client, "analyst", attacker).status_code)
        own = Client().post(
            "/admin/login/?next=/admin/",
            {"username": "attacker", "password": "attackers-own-password-9"},
            REMOTE_ADDR=attacker,
        )
        assert own.status_code in (302, 429)
    assert codes[-1] == 429  # the victim's password is no longer tried
    guessed = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "analyst", "password": "a-long-test-password-1"},
        REMOTE_ADDR=attacker,
    )
    assert guessed.status_code == 429  # even the right password, from there


def test_a_successful_login_forgets_that_accounts_own_failures(
    client, analyst, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        failed_login(client, "analyst", "192.0.2.10")
    ok = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "analyst", "password": "a-long-test-password-1"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert ok.status_code == 302
    codes = [
        failed_login(client, "analyst", "192.0.2.10").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]
    assert 429 not in codes


def test_behind_a_proxy_the_lock_out_keys_on_the_real_client(client, analyst, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/?next=/admin/",
            {"username": "analyst", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    own = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "analyst", "password": "a-long-test-password-1"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.10",
    )
    assert own.status_code == 302


@pytest.fixture
def all_json_lines():
    with json_log_lines(logging.getLogger()) as lines:
        yield lines


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/v1/documents/?year=abc", 400),
        ("/api/v1/sectors/nothing/", 404),
        ("/en/documents/nothing/", 404),
        ("/api/v1/documents/?q=" + "x" * 3000, 414),
        ("/admin/", 302),
    ],
)
def test_every_log_line_of_a_request_carries_its_id_and_client(
    seeded, all_json_lines, settings, url, status
):
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client().get(
        url, HTTP_X_REQUEST_ID="req-4xx-1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == status
    for line in all_json_lines:
        assert line["request_id"] == "req-4xx-1", line
        assert line["client"] == "198.51.100.7", line
    if status >= 400:
        assert any(line.get("status") == status for line in all_json_lines)
