"""The analyst's task in a real browser: a sourced document entered in one pass
on the add page, then edited, then read back in its history."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from agreements.models import Document
from agreements.roles import ANALYSTS

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "a-long-browser-password-1"
SOURCE_21 = re.compile(r"^S21 · Interfax: .*\(astana-2023-s21\)$")
SOURCE_22 = re.compile(r"^S22 · Trend: .*\(astana-2023-s22\)$")


@pytest.fixture
def admin_page(browser, site, django_user_model):
    user = django_user_model.objects.create_user(
        "anna", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=ANALYSTS))
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    yield page
    context.close()


def pick(page, select_name, term, option):
    """Choose in a search-as-you-type picker (select2) as an analyst does; the
    option is the whole text shown, or a pattern."""
    page.click(f"select[name='{select_name}'] + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", term)
    if isinstance(option, str):
        option = re.compile(f"^{re.escape(option)}$")
    page.locator(".select2-results__option", has_text=option).click()


def add_row(page, inline_id):
    page.click(f"#{inline_id} .add-row a")


def test_analyst_enters_edits_and_reads_the_history_of_a_document(admin_page, site):
    page = admin_page
    page.goto(site + "/admin/agreements/document/add/")
    page.fill("#id_slug", "gas-memo-2023")
    page.select_option("#id_kind", "memorandum")
    page.fill("#id_title_en", "Memorandum on gas supplies")
    page.fill("#id_signed_on", "2023-06")

    add_row(page, "participations-group")
    pick(page, "participations-0-party", "Russian Fed", "Russian Federation")
    add_row(page, "participations-group")
    pick(page, "participations-1-party", "Kazakh", "Republic of Kazakhstan")
    add_row(page, "events-group")
    page.select_option("select[name='events-0-kind']", "signed")
    page.fill("input[name='events-0-occurred_on']", "2023-06-01")
    add_row(page, "citations-group")
    pick(page, "citations-0-source", "s21", SOURCE_21)
    page.select_option("select[name='citations-0-field']", label="signed on")
    page.fill("textarea[name='citations-0-claim_en']", "June 2023")
    page.fill("textarea[name='citations-0-quote']", "signed at SPIEF in June")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-add-document.png"), full_page=True)
    page.click("input[name='_continue']")
    page.wait_for_selector(".messagelist .success")

    doc = Document.objects.get(slug="gas-memo-2023")
    assert (doc.signed_display, doc.status) == ("2023-06", "signed")
    assert doc.citations.get().quote == "signed at SPIEF in June"
    assert page.input_value("#id_signed_on") == "2023-06"

    # The edit: a fact, a new citation row and a reason.
    page.fill("#id_place_en", "St Petersburg")
    add_row(page, "citations-group")
    pick(page, "citations-1-source", "s22", SOURCE_22)
    page.select_option(
        "select[name='citations-1-field']", label="place signed (English)"
    )
    page.fill("#id_change_reason", "second source found")
    page.click("input[name='_continue']")
    page.wait_for_selector(".messagelist .success")

    page.goto(site + f"/admin/agreements/document/{doc.pk}/history/")
    own = page.inner_text("#change-history")
    rows = page.inner_text("#row-changes")
    assert "place signed (English)" in own and "second source found" in own
    assert "Participation: Russian Federation — party" in rows
    assert (
        "Citation: astana-2023-s22 → Memorandum on gas supplies.place_en" in rows
        and "second source found" in rows
    )
    assert "Lifecycle event: signed 2023-06-01" in rows and "anna" in rows
    assert "None" not in own + rows
    page.screenshot(path=str(SCREENSHOTS / "admin-history.png"), full_page=True)
    assert page.console_errors == []


def fits(page):
    """[page width, window width, [table width, room for it]]"""
    return page.evaluate(
        "[document.documentElement.scrollWidth, innerWidth,"
        " (r => [r.scrollWidth, r.clientWidth])(document.querySelector('.results'))]"
    )


def test_work_queue_and_the_whole_changelist_fit_1280_pixels(admin_page, site):
    page = admin_page
    page.goto(site + "/admin/agreements/document/")
    page_width, window, (table, room) = widths = fits(page)
    assert page_width <= window and table <= room, widths

    page.goto(site + "/admin/agreements/document/?todo=disputed")
    assert page.locator("#result_list tbody tr").count() == (
        Document.objects.disputed().count()
    )
    page_width, window, (table, room) = widths = fits(page)
    assert page_width <= window and table <= room, widths
    page.screenshot(path=str(SCREENSHOTS / "admin-work-queue.png"))
