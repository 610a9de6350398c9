"""E-mail alerts end to end, through a real SMTP server on loopback: subscribe,
confirm, a digest of a change (once), retry after a refused send, unsubscribe
with one click, and the limits on subscribing."""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from agreements.models import Digest, Document, Participation, Subscriber
from tests import smtp
from tests.factories import DocumentFactory, ParticipationFactory, PartyFactory


@pytest.fixture(scope="module")
def smtp_server():
    inbox = smtp.Inbox()
    controller = smtp.start(inbox)
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def inbox(smtp_server, settings):
    inbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "http://testserver"
    inbox.take()
    inbox.refusing = False
    return inbox


@pytest.fixture
def kazakh_document(db):
    party = PartyFactory(country="KZ", slug="kazakhstan")
    document = DocumentFactory(title_en="Agreement on trade", title_ru="Соглашение")
    ParticipationFactory(document=document, party=party)
    # Recorded a while ago: its creation is not grouped with the change made
    # in the test as one (history.ONE_SAVE).
    a_while_ago = F("history_date") - datetime.timedelta(minutes=5)
    for model in (Document, Participation):
        model.history.update(history_date=a_while_ago)
    return document


def link(message, pattern):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://testserver(\S*{pattern}\S*)", text).group(1)


def subscribe(client, email, kind="country", value="KZ", **extra):
    data = {"email": email, "frequency": "daily", "kind": kind, "value": value}
    return client.post("/en/alerts/subscribe/", data, **extra)


def confirmed(client, inbox, email):
    assert subscribe(client, email).status_code == 200
    (mail,) = inbox.take()
    confirm = link(mail, "/alerts/confirm/")
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    return Subscriber.objects.get(email=email)


def test_subscribe_confirm_digest_once_then_unsubscribe_deletes_the_address(
    inbox, kazakh_document
):
    client = Client()
    assert subscribe(client, "reader@example.org").status_code == 200
    (mail,) = inbox.take()
    assert mail["To"] == "reader@example.org"
    assert not Subscriber.objects.exists()  # nothing kept before confirming
    confirm = link(mail, "/en/alerts/confirm/")
    client.post(confirm)
    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert subscriber.language == "en"

    kazakh_document.title_en = "Agreement on trade and transit"
    kazakh_document.save()
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    (digest,) = inbox.take()
    assert digest["Subject"].strip() == "Agreement Tracker: 1 changed document"
    unsubscribe = f"http://testserver/en/alerts/{subscriber.key}/unsubscribe/"
    assert digest["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    history = f"/en/documents/{kazakh_document.slug}/history/#change-document-"
    assert history in link(digest, "/history/")
    html = digest.get_body(preferencelist=("html",)).get_content()
    assert "Agreement on trade and transit" in html and "title (English)" in html
    assert f"/en/alerts/{subscriber.key}/" in html  # the page to manage them

    call_command("send_alerts", stdout=open("/dev/null", "w"))
    Subscriber.objects.update(
        last_mailed_at=timezone.now() - datetime.timedelta(days=2)
    )
    call_command("send_alerts", stdout=open("/dev/null", "w"))  # due, nothing new
    assert inbox.take() == []
    assert Digest.objects.count() == 1

    one_click = Client(enforce_csrf_checks=True)  # a mail client has no token
    response = one_click.post(
        unsubscribe.removeprefix("http://testserver"),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert not Subscriber.objects.filter(email="reader@example.org").exists()
    assert not Digest.objects.exists()
    kazakh_document.title_en = "Agreement on trade, transit and energy"
    kazakh_document.save()
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    assert inbox.take() == []


def test_a_refused_digest_is_sent_on_the_next_run(inbox, kazakh_document):
    subscriber = confirmed(Client(), inbox, "later@example.org")
    kazakh_document.title_en = "Agreement on trade, amended"
    kazakh_document.save()
    inbox.refusing = True
    with pytest.raises(CommandError):
        call_command(
            "send_alerts", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w")
        )
    subscriber.refresh_from_db()
    assert subscriber.last_mailed_at is None and not Digest.objects.exists()
    inbox.refusing = False
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    (digest,) = inbox.take()
    assert "Agreement on trade, amended" in digest.get_body(("plain",)).get_content()


def test_a_digest_is_in_the_subscribers_language(inbox, kazakh_document):
    client = Client()
    client.post(
        "/ru/alerts/subscribe/",
        {
            "email": "ru@example.org",
            "frequency": "weekly",
            "kind": "country",
            "value": "KZ",
        },
    )
    (mail,) = inbox.take()
    assert mail["Subject"].strip() == "Трекер соглашений: подтвердите оповещение"
    client.post(link(mail, "/ru/alerts/confirm/"))
    kazakh_document.title_ru = "Соглашение о торговле"
    kazakh_document.save()
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    (digest,) = inbox.take()
    assert "Соглашение о торговле" in digest.get_body(("plain",)).get_content()
    assert "/ru/documents/" in digest.get_body(("html",)).get_content()


@pytest.fixture
def low_rates(monkeypatch):
    rates = {"subscribe_client": "4/hour", "subscribe_address": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def test_subscribing_is_limited_per_address_from_any_client(
    inbox, kazakh_document, low_rates
):
    statuses = [
        subscribe(Client(), "victim@example.org", REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert len(inbox.take()) == 2  # no flood of confirmation mails


def test_subscribing_is_limited_per_client(inbox, kazakh_document, low_rates):
    client = Client()
    statuses = [subscribe(client, f"r{n}@example.org").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_subscribing_answers_the_same_whether_or_not_the_address_is_subscribed(
    inbox, kazakh_document
):
    client = Client()
    first = subscribe(client, "same@example.org")
    inbox.take()
    confirmed(client, inbox, "other@example.org")
    Subscriber.objects.filter(email="other@example.org").update(
        email="same@example.org"
    )
    again = subscribe(client, "same@example.org")
    assert first.status_code == again.status_code == 200
    assert first.content == again.content


@pytest.mark.parametrize(
    "kind,value",
    [
        ("country", "ZZ"),
        ("query", "colour=red"),
        ("expiring", "0"),
        ("party", "x" * 900),
    ],
)
def test_following_what_does_not_exist_is_a_400_and_no_mail(inbox, kind, value, db):
    assert subscribe(Client(), "a@example.org", kind, value).status_code == 400
    assert inbox.take() == []


def test_a_list_url_is_followed_as_its_filter(inbox, kazakh_document):
    client = Client()
    url = "http://testserver/en/documents/?country=KZ&page=2&ordering=title"
    assert subscribe(client, "list@example.org", "query", url).status_code == 200
    (mail,) = inbox.take()
    client.post(link(mail, "/alerts/confirm/"))
    (subscription,) = Subscriber.objects.get().subscriptions.all()
    assert (subscription.kind, subscription.value) == ("query", "country=KZ")


def test_the_subscribers_page_changes_how_often_and_stops_alerts_one_by_one(
    inbox, kazakh_document
):
    client = Client()
    subscriber = confirmed(client, inbox, "two@example.org")
    client.post(
        "/en/alerts/subscribe/",
        {
            "email": "two@example.org",
            "frequency": "daily",
            "kind": "document",
            "value": kazakh_document.slug,
        },
    )
    (mail,) = inbox.take()
    client.post(link(mail, "/alerts/confirm/"))
    page = f"/en/alerts/{subscriber.key}/"
    assert subscriber.subscriptions.count() == 2
    assert "Country: Kazakhstan" in client.get(page).content.decode()
    client.post(page, {"frequency": "weekly"})
    subscriber.refresh_from_db()
    assert subscriber.frequency == "weekly"
    first, second = subscriber.subscriptions.all()
    client.post(page, {"remove": str(first.pk)})
    assert subscriber.subscriptions.get() == second
    assert client.post(page, {"remove": "x"}).status_code == 302  # no 500
    client.post(page, {"remove": str(second.pk)})
    assert not Subscriber.objects.exists()  # the last alert stopped: address gone
    assert client.get(page).status_code == 404


def test_a_digest_counts_and_links_the_changes_it_does_not_list(
    inbox, kazakh_document, monkeypatch
):
    monkeypatch.setattr("agreements.following.MAX_DOCUMENTS", 1)
    confirmed(Client(), inbox, "many@example.org")
    for n in range(3):
        other = DocumentFactory(title_en=f"Agreement number {n}")
        ParticipationFactory(
            document=other, party=kazakh_document.participations.get().party
        )
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    (digest,) = inbox.take()
    text = digest.get_body(("plain",)).get_content()
    assert (
        "2 more changed documents, not listed here: http://testserver/en/countries/KZ/"
        in text
    )
    assert "Agreement number 0" in text
    assert "3 changed documents" in digest["Subject"]
