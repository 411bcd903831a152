"""The navbar's language switcher, which submits itself when a language is picked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import SalesRepFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_language_switcher_changes_the_interface_language_and_stays_on_the_page(
    page, log_in, browser_errors
):
    log_in(SalesRepFactory(username="e2e_rep"))
    page.goto("/customers/")
    html = page.locator("html")
    switcher = page.locator("select#language-select")
    expect(html).to_have_attribute("lang", "en")

    # The Chinese catalogue may not be compiled yet, so the <html lang> tells the language.
    switcher.select_option("zh-hans")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/customers/$"))
    expect(switcher).to_have_value("zh-hans")

    page.reload()
    expect(html).to_have_attribute("lang", "zh-hans")

    switcher.select_option("en")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/customers/$"))

    browser_errors.assert_none()
