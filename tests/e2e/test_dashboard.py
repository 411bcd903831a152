"""A manager's look at the dashboards in a real browser: the charts draw, and a number leads
to the records behind it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import (
    CustomerFactory, ManagerFactory, ProductFactory, PurchaseFactory, SalesRepFactory,
    SalesTargetFactory,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

D = dt.date
RANGE = "period=custom&start=2024-01-01&end=2024-06-30"

CHART_DRAWN = """(id) => {
    const canvas = document.getElementById(id);
    const chart = canvas && Chart.getChart(canvas);
    return Boolean(chart) && canvas.width > 0 && canvas.height > 0
        && chart.data.datasets[0].data.length > 0;
}"""


@pytest.fixture
def ledger():
    rep = SalesRepFactory(username="e2e_rep", first_name="Rita", last_name="Rep")
    product = ProductFactory()
    for number, (name, acquired) in enumerate([("Early Bird", D(2023, 3, 1)),
                                               ("New Face", D(2024, 2, 10)),
                                               ("Late Comer", D(2024, 5, 20))]):
        customer = CustomerFactory(name=name, owner=rep, acquired_on=acquired)
        for month in (1, 3, 5):
            PurchaseFactory(customer=customer, product=product,
                            purchased_on=D(2024, month, 10 + number),
                            unit_price=Decimal(50 * (number + 1)))
    SalesTargetFactory(rep=rep, month=D(2024, 3, 1), amount=Decimal("500.00"))
    return rep


def test_manager_sees_drawn_charts_and_drills_down_to_the_records(
    page, log_in, browser_errors, screenshot, ledger
):
    log_in(ManagerFactory(username="e2e_manager"))
    page.locator("#main-nav").get_by_role("link", name="Dashboards").click()
    expect(page).to_have_url(re.compile(r"/analytics/$"))
    expect(page.locator("h1")).to_have_text("Overview")

    # The period filter is a plain GET form: the chosen range ends up in a shareable URL.
    page.locator("#id_period").select_option("custom")
    page.locator("#id_start").fill("2024-01-01")
    page.locator("#id_end").fill("2024-06-30")
    page.locator("#dashboard-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(f"/analytics/?{RANGE}")))
    expect(page.locator("#card-revenue")).to_contain_text("900.00")

    assert page.evaluate("typeof Chart") == "function"
    for chart in ("chart-revenue-by-month", "chart-segments"):
        page.wait_for_function(CHART_DRAWN, arg=chart)
    screenshot("dashboard-overview")

    page.locator(".nav-tabs").get_by_role("link", name="Sales").click()
    expect(page).to_have_url(re.compile(re.escape(f"/analytics/sales/?{RANGE}")))
    for chart in ("chart-revenue-by-month", "chart-targets-by-month"):
        page.wait_for_function(CHART_DRAWN, arg=chart)
    expect(page.locator("#table-targets")).to_contain_text("Rita Rep")
    screenshot("dashboard-sales")

    page.locator(".nav-tabs").get_by_role("link", name="Customers").click()
    expect(page).to_have_url(re.compile(re.escape(f"/analytics/customers/?{RANGE}")))
    for chart in ("chart-growth", "chart-segments", "chart-value-histogram"):
        page.wait_for_function(CHART_DRAWN, arg=chart)
    screenshot("dashboard-customers")

    # A number is a link to the records behind it: the new customers of the period.
    page.locator(".nav-tabs").get_by_role("link", name="Overview").click()
    page.locator("#card-new a").first.click()
    expect(page).to_have_url(re.compile(r"/customers/\?acquired_from=2024-01-01&acquired_to=2024-06-30"))
    results = page.locator("#results")
    expect(results).to_contain_text("New Face")
    expect(results).to_contain_text("Late Comer")
    expect(results).not_to_contain_text("Early Bird")

    browser_errors.assert_none()
