"""The admin on an analyst's screen: the document change page, inlines
included, fits 1,280 px without scrolling sideways."""

import pytest

from agreements.models import Document

from .test_admin_desk import admin_page  # noqa: F401 - the signed-in analyst

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "slug", ["astana-2023-tpp-memorandum", "kostanay-forum-2023-package"]
)
def test_the_document_change_page_fits_a_1280_px_screen(admin_page, site, slug):  # noqa: F811
    page = admin_page
    pk = Document.objects.get(slug=slug).pk
    page.goto(f"{site}/admin/agreements/document/{pk}/change/")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """[...document.querySelectorAll('table, fieldset, .inline-group')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => (e.id || e.className || e.tagName) + ':'
             + Math.round(e.getBoundingClientRect().right))"""
    )
    assert (width, wide) == (1280, [])
    # The last columns of the widest inlines are on screen: Order and Delete?
    for header in page.locator(".inline-group th").all():
        if header.is_visible():
            assert header.bounding_box()["x"] + header.bounding_box()["width"] <= 1280
