"""E-mail alerts in a browser: a reader subscribes from a country page on a
375 px phone (axe clean); the HTML digest as a mail client shows it, in
Russian and English (the README's screenshots)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from agreements.models import Document, Subscriber, Subscription
from tests import smtp

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def smtp_server():
    inbox = smtp.Inbox()
    controller = smtp.start(inbox)
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def inbox(smtp_server, settings, site):
    inbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = site
    inbox.take()
    return inbox


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def serious(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_reader_subscribes_from_a_country_page_on_a_phone(phone, site, inbox):
    phone.goto(site + "/en/countries/KZ/")
    assert serious(phone) == []
    phone.get_by_role("link", name="Follow by e-mail").click()
    phone.wait_for_url("**/en/alerts/subscribe/?kind=country&value=KZ")
    assert "Kazakhstan" in phone.inner_text("main")
    assert serious(phone) == []
    phone.get_by_label("Your e-mail address").fill("reader@example.org")
    phone.get_by_label("Weekly").check()
    phone.get_by_role("button", name="Send me a confirmation link").click()
    # The click posts the form; wait for the answer's page, not for the click.
    expect(phone.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious(phone) == []
    (mail,) = inbox.take()
    assert mail["To"] == "reader@example.org"
    assert "/en/alerts/confirm/" in mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_save_screenshots_of_a_digest(browser, site, inbox, lang):
    subscriber = Subscriber.objects.create(email=f"{lang}@example.org", language=lang)
    Subscription.objects.create(subscriber=subscriber, kind="country", value="KZ")
    # An example edit in the test database (two titled documents), not data.
    titled = Document.objects.of_country("KZ").exclude(title_en="").exclude(title_ru="")
    for document in titled.order_by("slug")[:2]:
        document.title_en += " (amended)"
        document.title_ru += " (с изменениями)"
        document.save()
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    (mail,) = inbox.take()
    context = browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    page.set_content(mail.get_body(("html",)).get_content())
    path = SCREENSHOTS / f"digest-{lang}.png"
    page.screenshot(path=str(path), full_page=True)
    context.close()
    assert path.stat().st_size > 10_000
