"""A sales rep's day with customers, clicked through in a real browser."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from customers.models import Customer
from tests.factories import CustomerFactory, SalesRepFactory

pytestmark = [
    pytest.mark.e2e,
    # The live server reads what the test writes, so the data must be committed; the
    # serialized rollback brings back the role groups the data migrations made.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_NAME = "测试客户 张三"
NEW_PHONE = "139 1234 5678"
NEW_EMAIL = "zhangsan@example.com"


def _query_of(url: str) -> list[str] | None:
    return parse_qs(urlsplit(url).query).get("q")


def _filter_list(page, text: str) -> None:
    """Type into the search box and wait for htmx to swap in the filtered results."""
    with page.expect_response(
        lambda r: r.request.headers.get("hx-request") == "true" and _query_of(r.url) == [text]
    ) as response:
        page.locator("#customer-filters input[name=q]").fill(text)
    assert response.value.status == 200
    # The URL is pushed after the swap; waiting for it also waits for the swap.
    page.wait_for_url(lambda url: _query_of(url) == [text])


def test_rep_creates_finds_and_opens_a_customer_then_logs_out(
    page, log_in, browser_errors, screenshot
):
    rep = SalesRepFactory(username="e2e_rep")
    CustomerFactory(owner=rep, name="Existing Customer", phone="13800000001")

    log_in(rep)
    expect(page).to_have_url(re.compile(r"/customers/$"))

    # The page is styled and scripted from the locally served static files.
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("typeof bootstrap") == "object"
    navbar_colour = page.evaluate(
        "getComputedStyle(document.querySelector('nav.navbar')).backgroundColor"
    )
    assert navbar_colour == "rgb(13, 110, 253)", "Bootstrap's CSS did not apply"
    assert page.evaluate(
        """document.fonts.ready.then(() => [...document.fonts].some(
            (font) => font.family.replaceAll('"', '') === 'bootstrap-icons'
                      && font.status === 'loaded'))"""
    ), "the Bootstrap Icons font did not load"

    # Create a customer through the form.
    page.locator("#new-customer").click()
    expect(page).to_have_url(re.compile(r"/customers/new/$"))
    form = page.locator("#customer-form")
    form.locator("#id_name").fill(NEW_NAME)
    form.locator("#id_phone").fill(NEW_PHONE)
    form.locator("#id_email").fill(NEW_EMAIL)
    form.locator("button[type=submit]").click()

    customer = Customer.objects.get(name=NEW_NAME)
    assert customer.owner == rep
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("h1")).to_contain_text(NEW_NAME)
    expect(page.get_by_role("alert")).to_contain_text(NEW_NAME)

    # Find it on the list by a phone fragment, then by part of the Chinese name; the results
    # are filtered in place by htmx, without reloading the page.
    page.locator("#main-nav").get_by_role("link", name="Customers").click()
    expect(page).to_have_url(re.compile(r"/customers/$"))
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.noFullReload = true")

    _filter_list(page, "1234 5678")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(NEW_NAME)
    expect(page.locator("#results .result-count")).to_contain_text("1 result")

    _filter_list(page, "客户 张三")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(NEW_NAME)
    expect(page.locator("#results")).not_to_contain_text("Existing Customer")
    assert page.evaluate("window.noFullReload") is True, "the search reloaded the whole page"
    screenshot("customer_list_filtered")

    # Open it from the results.
    page.locator("#results").get_by_role("link", name=NEW_NAME).click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("h1")).to_contain_text(NEW_NAME)
    expect(page.locator("dl.profile")).to_contain_text(NEW_EMAIL)

    # Log out from the user menu: a POST, after which the pages ask for a log-in again.
    page.locator("nav .dropdown-toggle").click()
    expect(page.locator("#logout-button")).to_be_visible()
    page.locator("#logout-button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("#login-form")).to_be_visible()
    page.goto(customer.get_absolute_url())
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))

    browser_errors.assert_none()


def test_rep_neither_sees_nor_opens_another_reps_customer(page, log_in, browser_errors):
    rep = SalesRepFactory(username="e2e_rep")
    other_rep = SalesRepFactory(username="e2e_other_rep")
    mine = CustomerFactory(owner=rep, name="Mine Customer")
    theirs = CustomerFactory(owner=other_rep, name="Theirs Customer")

    log_in(rep)
    page.goto("/customers/")
    expect(page.locator("#results")).to_contain_text(mine.name)
    expect(page.locator("#results")).not_to_contain_text(theirs.name)

    _filter_list(page, theirs.name)
    expect(page.locator("#results tbody tr")).to_have_count(0)
    expect(page.locator("#results")).to_contain_text("No customers match these filters.")

    for url in (theirs.get_absolute_url(), f"/customers/{theirs.pk}/edit/"):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator("main")).to_contain_text("Page not found")
        expect(page.locator("body")).not_to_contain_text(theirs.name)

    browser_errors.assert_none()
