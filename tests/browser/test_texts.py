"""An analyst attaches texts in the admin; readers see and search them; an HTML
upload never runs its scripts."""

import re

import pytest
from django.contrib.auth.models import Group

from agreements.roles import ANALYSTS
from tests.files import SCRIPTED_HTML, make_pdf

from .test_public_site import SCREENSHOTS

pytestmark = pytest.mark.browser
SLUG = "astana-2023-tpp-memorandum"
PASSWORD = "a-long-browser-password-7"


@pytest.fixture
def analyst_page(page, site, django_user_model):
    user = django_user_model.objects.create_user(
        "anna", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=ANALYSTS))
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    return page


def upload(page, index, name, mime, content, language):
    page.locator(".add-row a", has_text="Add another Text of the document").click()
    page.set_input_files(
        f"#id_texts-{index}-file",
        files=[{"name": name, "mimeType": mime, "buffer": content}],
    )
    page.select_option(f"#id_texts-{index}-language", language)


def test_analyst_attaches_texts_readers_find_them_and_html_scripts_never_run(
    analyst_page, site
):
    page = analyst_page
    page.goto(f"{site}/admin/agreements/document/?q={SLUG}")
    page.get_by_role("link", name=re.compile("Меморандум о взаимопонимании")).click()
    pdf = make_pdf(
        "Memorandum on the construction of a thermal power plant", "heliotrope"
    )
    upload(page, 0, "memorandum-en.pdf", "application/pdf", pdf, "en")
    # The browser says "text/plain" and the name says .txt: the bytes say HTML.
    upload(page, 1, "statement.txt", "text/plain", SCRIPTED_HTML, "en")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    admin_text = page.locator(".inline-group").filter(has_text="memorandum-en.pdf")
    assert "characters" in admin_text.inner_text()

    page.goto(f"{site}/en/documents/{SLUG}/")
    texts = page.locator("table.texts")
    assert "memorandum-en.pdf" in texts.inner_text()
    assert "English" in texts.inner_text() and "official text" in texts.inner_text()
    assert re.search(r"\b[0-9a-f]{64}\b", texts.inner_text())
    texts.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "document-texts.png"))

    page.goto(f"{site}/en/documents/?q=heliotrope")
    snippet = page.locator(".snippet")
    assert "found in the text:" in snippet.inner_text()
    assert snippet.locator("mark").inner_text().lower() == "heliotrope"

    # Opening the HTML file downloads it: it is never rendered in the site's
    # origin, so its scripts touch neither this page nor the site's storage.
    page.goto(f"{site}/en/documents/{SLUG}/")
    page.console_errors.clear()  # the admin pages have no favicon; not this test's
    dialogs = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    title = page.title()
    with page.expect_download() as download:
        page.get_by_role("link", name="statement.txt").click()
    assert open(download.value.path(), "rb").read() == SCRIPTED_HTML
    assert page.title() == title and "PWNED" not in page.content()
    assert page.evaluate("localStorage.getItem('pwned')") is None
    assert dialogs == [] and page.console_errors == []

    # The PDF opens in the browser, sandboxed: still no script of ours or theirs.
    response = page.request.get(f"{site}{texts_link(page, 'memorandum-en.pdf')}")
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["content-type"] == "application/pdf"


def texts_link(page, name):
    return page.get_by_role("link", name=name).get_attribute("href")
