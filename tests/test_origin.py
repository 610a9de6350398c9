"""The response cache cannot be poisoned: a request with another `Host` (another
port, allowed by ALLOWED_HOSTS) never fixes the links other readers get, every
absolute URL is on SITE_URL when it is set, and a response that sets a cookie
is never offered for shared caching."""

import datetime
import json
import re

import pytest

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db
SITE = "https://tracker.example.org"
ATTACKER = "localhost:6666"


def absolute_urls(text):
    return set(re.findall(r"https?://[^\s\"'<>\\]+", text))


def test_another_port_in_host_does_not_change_the_links_others_are_served(client):
    DocumentFactory(slug="poisoned")
    for path in ("/api/v1/documents/", "/en/documents/poisoned/"):
        client.get(path, HTTP_HOST=ATTACKER)  # the attacker's request comes first
        response = client.get(path, HTTP_HOST="localhost")
        assert response.status_code == 200
        served = response.content.decode()
        assert "localhost:6666" not in served, path
        assert "http://localhost/" in served, path


@pytest.fixture
def canonical(settings):
    settings.SITE_URL = SITE


def test_api_links_are_on_the_site_url_whatever_the_host(client, canonical):
    for n in range(3):
        DocumentFactory(slug=f"doc-{n}")
    requests = [
        ("/api/v1/documents/", {"page_size": 1, "page": 2}),
        ("/api/v1/documents/", {"page_size": 1, "after": ""}),
        ("/api/v1/documents/doc-1/", {}),
    ]
    for path, query in requests:
        response = client.get(path, query, HTTP_HOST=ATTACKER)
        urls = absolute_urls(response.content.decode())
        assert urls and all(u.startswith(SITE + "/") for u in urls), urls
    listed = client.get("/api/v1/documents/", {"page_size": 1, "page": 2}).json()
    assert listed["next"].startswith(SITE) and listed["previous"].startswith(SITE)


def test_pages_and_feeds_are_on_the_site_url_whatever_the_host(client, canonical):
    doc = DocumentFactory(
        slug="cited", valid_until=datetime.date.today() + datetime.timedelta(days=9)
    )
    paths = [
        "/en/documents/cited/",
        "/en/documents/",
        "/en/documents/feed/",
        "/en/documents/feed/expiring/",
    ]
    for path in paths:
        response = client.get(path, HTTP_HOST=ATTACKER)
        assert response.status_code == 200, path
        urls = absolute_urls(response.content.decode())
        own = {u for u in urls if "example.org" in u or "localhost" in u}
        assert own and all(u.startswith(SITE + "/") for u in own), (path, urls)
    page = client.get(doc.get_absolute_url(), HTTP_HOST=ATTACKER).content.decode()
    assert f'<link rel="canonical" href="{SITE}/en/documents/cited/">' in page
    assert f'<meta property="og:url" content="{SITE}/en/documents/cited/">' in page
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(ld.group(1))["url"] == f"{SITE}/en/documents/cited/"


def test_a_response_that_sets_a_cookie_is_never_public(client):
    DocumentFactory(slug="browsable")
    # The browsable API renders a CSRF token: it sets the csrftoken cookie.
    response = client.get("/api/v1/documents/browsable/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response.cookies
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
