"""Webhooks: registered through the API with a token, each change POSTed to a
receiver on loopback (a real HTTP server thread), signed with the hook's
secret, retried with backoff after a failure; private addresses refused."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from agreements.models import Delivery, Document, Participation
from tests.factories import DocumentFactory, ParticipationFactory, PartyFactory


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        failing = self.server.failures > 0
        self.server.failures -= failing
        self.send_response(500 if failing else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.failures = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooks_allowed(settings, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on loopback
    settings.SITE_URL = "https://tracker.example.org"
    receiver.received.clear()
    receiver.failures = 0
    return f"http://127.0.0.1:{receiver.server_address[1]}/hook?client=1"


@pytest.fixture
def token_client(db, django_user_model):
    user = django_user_model.objects.create_user("api-client")
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}"
    )
    return client


@pytest.fixture
def kazakh_document(db):
    document = DocumentFactory(title_en="Agreement on transit")
    ParticipationFactory(document=document, party=PartyFactory(country="KZ"))
    a_while_ago = F("history_date") - datetime.timedelta(minutes=5)
    for model in (Document, Participation):
        model.history.update(history_date=a_while_ago)
    return document


def deliver():
    call_command("deliver_webhooks", stdout=open("/dev/null", "w"))


def test_a_change_is_delivered_signed_and_retried_with_backoff(
    hooks_allowed, receiver, token_client, kazakh_document
):
    response = token_client.post(
        "/api/v1/webhooks/",
        {"url": hooks_allowed, "filter": "country=KZ"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    secret = response.json()["secret"]
    other = DocumentFactory(title_en="Not followed")  # no Kazakh party
    kazakh_document.title_en = "Agreement on transit and trade"
    kazakh_document.save()
    other.title_en = "Still not followed"
    other.save()

    receiver.failures = 2
    deliver()
    (delivery,) = Delivery.objects.all()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (
        "pending",
        1,
        500,
    )
    first_wait = delivery.next_attempt_at - timezone.now()
    deliver()  # not due yet: nothing posted
    assert len(receiver.received) == 1
    Delivery.objects.update(next_attempt_at=timezone.now())
    deliver()
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - timezone.now()
    assert second_wait > first_wait * 1.9  # doubled
    Delivery.objects.update(next_attempt_at=timezone.now())
    deliver()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (
        "delivered",
        3,
        204,
    )
    deliver()
    assert len(receiver.received) == 3  # nothing sent twice once delivered

    ids = {headers["X-Delivery-Id"] for headers, _body in receiver.received}
    assert ids == {str(delivery.delivery_id)}
    headers, body = receiver.received[-1]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["document"] == kazakh_document.slug
    assert payload["version"] == kazakh_document.version
    assert payload["delivery"] == str(delivery.delivery_id)
    assert payload["history"].startswith(
        f"https://tracker.example.org/ru/documents/{kazakh_document.slug}/history/#change-"
    )
    (part,) = payload["change"]["parts"]
    assert (part["record"], part["action"], part["fields"]) == (
        "document",
        "changed",
        ["title_en"],
    )


def test_a_failed_delivery_is_given_up_after_the_last_attempt(
    hooks_allowed, receiver, token_client, kazakh_document, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    token_client.post("/api/v1/webhooks/", {"url": hooks_allowed}, format="json")
    kazakh_document.title_en = "Amended"
    kazakh_document.save()
    receiver.failures = 5
    deliver()
    Delivery.objects.update(next_attempt_at=timezone.now())
    deliver()
    assert Delivery.objects.get().state == "failed"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/hook", "http://10.1.2.3/", "http://[::1]/", "ftp://x.org/"],
)
def test_a_url_to_a_private_address_is_refused(token_client, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = token_client.post("/api/v1/webhooks/", {"url": url}, format="json")
    assert response.status_code == 400 and "url" in response.json()["errors"]


def test_a_filter_the_list_refuses_is_refused(token_client, hooks_allowed):
    response = token_client.post(
        "/api/v1/webhooks/",
        {"url": hooks_allowed, "filter": "colour=red"},
        format="json",
    )
    assert response.status_code == 400 and "filter" in response.json()["errors"]


def test_a_client_sees_only_its_own_webhooks(
    token_client, hooks_allowed, django_user_model
):
    token_client.post("/api/v1/webhooks/", {"url": hooks_allowed}, format="json")
    other = APIClient()
    other.force_authenticate(django_user_model.objects.create_user("someone-else"))
    assert other.get("/api/v1/webhooks/").json()["results"] == []
    assert APIClient().get("/api/v1/webhooks/").status_code in (401, 403)


def test_the_delivery_log_is_in_the_admin(
    analyst_client, hooks_allowed, receiver, kazakh_document
):
    response = analyst_client.post(
        "/admin/agreements/webhook/add/",
        {"url": hooks_allowed, "filter": "", "is_active": "on"},
    )
    assert response.status_code == 302
    kazakh_document.title_en = "Amended in the admin"
    kazakh_document.save()
    deliver()
    page = analyst_client.get("/admin/agreements/delivery/")
    assert page.status_code == 200
    assert kazakh_document.slug in page.content.decode()


def test_listing_webhooks_takes_as_many_queries_for_one_as_for_five(
    token_client, hooks_allowed
):
    from tests.conftest import count_queries

    token_client.post("/api/v1/webhooks/", {"url": hooks_allowed}, format="json")
    one = count_queries(token_client, "/api/v1/webhooks/")
    for _ in range(4):
        token_client.post("/api/v1/webhooks/", {"url": hooks_allowed}, format="json")
    assert count_queries(token_client, "/api/v1/webhooks/") == one


def test_more_changes_than_a_run_holds_are_all_delivered_each_once(
    hooks_allowed, receiver, token_client, monkeypatch, db
):
    """A run tells at most `following.MAX_DOCUMENTS` documents in a
    transaction; the rest are told in the next ones, not skipped."""
    monkeypatch.setattr("agreements.following.MAX_DOCUMENTS", 2)
    response = token_client.post(
        "/api/v1/webhooks/", {"url": hooks_allowed, "filter": ""}, format="json"
    )
    assert response.status_code == 201, response.json()
    documents = DocumentFactory.create_batch(5)
    documents[-1].delete()  # a deletion is told to an all-document hook too
    deliver()
    told = {(json.loads(body)["document"]) for _headers, body in receiver.received}
    assert told == {d.slug for d in documents}
    # Four created, one deleted (its creation is no longer a document to tell).
    assert len(receiver.received) == Delivery.objects.count() == 5
    deliver()
    assert len(receiver.received) == 5
