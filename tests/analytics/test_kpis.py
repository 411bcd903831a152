"""compute_kpis against hand-computed expectations (SPEC §4).

The ledger below is small enough to check by hand; the comments show the arithmetic. The
period is 2024-03-01 … 2024-05-31 and customers sit on and just outside both boundaries.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.kpis import SECTIONS, compute_kpis
from analytics.periods import Period
from customers.models import Customer
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

pytestmark = pytest.mark.django_db

D = dt.date
PERIOD = Period(D(2024, 3, 1), D(2024, 5, 31))
ACTIVE, CHURNED, POTENTIAL = (Customer.Status.ACTIVE, Customer.Status.CHURNED,
                              Customer.Status.POTENTIAL)


@pytest.fixture
def ledger(rep, other_rep):
    def customer(name, acquired, status=ACTIVE, churned=None, owner=rep, **extra):
        return CustomerFactory(name=name, acquired_on=acquired, status=status,
                               churned_on=churned, owner=owner, **extra)

    c = {
        "A": customer("A", D(2024, 1, 10)),                      # N₀
        "B": customer("B", D(2024, 3, 1)),                       # new on the start date
        "C": customer("C", D(2024, 5, 31)),                      # new on the end date
        "D": customer("D", D(2024, 6, 1)),                       # after the period: not counted
        "E": customer("E", D(2023, 12, 1), CHURNED, D(2024, 3, 1)),   # N₀, churned on start
        "F": customer("F", D(2023, 11, 1), CHURNED, D(2024, 5, 31)),  # N₀, churned on end
        "G": customer("G", D(2023, 10, 1), CHURNED, D(2024, 2, 29)),  # churned before: not N₀
        "H": customer("H", D(2023, 10, 1), CHURNED, D(2024, 6, 1)),   # N₀, churned after
        "I": customer("I", D(2024, 1, 1), POTENTIAL),            # potential: not N₀
        "J": customer("J", D(2024, 4, 1), POTENTIAL),            # potential but new
        "K": customer("K", D(2024, 1, 1), deleted_at=timezone.now()),  # deleted: nowhere
        "L": customer("L", D(2024, 2, 1), owner=other_rep),      # N₀, the other rep's
        "M": customer("M", D(2024, 2, 1), owner=None),           # N₀, nobody's
    }
    product = ProductFactory()

    def buy(name, day, quantity, price):
        PurchaseFactory(customer=c[name], product=product, purchased_on=day,
                        quantity=quantity, unit_price=Decimal(price))

    buy("A", D(2024, 3, 1), 2, "10.00")     # start date: 20.00
    buy("A", D(2024, 3, 1), 1, "5.50")      # same day: still one purchase date
    buy("A", D(2024, 5, 31), 1, "100.00")   # end date
    buy("B", D(2024, 5, 15), 1, "33.33")
    buy("E", D(2024, 2, 29), 1, "1000.00")  # the day before: outside
    buy("E", D(2024, 3, 10), 3, "0.01")     # 0.03
    buy("H", D(2024, 6, 1), 1, "77.00")     # the day after: outside
    buy("K", D(2024, 4, 1), 1, "500.00")    # a deleted customer's: outside
    buy("L", D(2024, 5, 1), 1, "10.00")
    return c


def test_customer_kpis(ledger):
    assert compute_kpis(period=PERIOD)["customers"] == {
        "total": 11,            # all but D (acquired after the end) and K (deleted)
        "new": 3,               # B, C, J
        "active_at_start": 6,   # A, E, F, H, L, M
        "churned": 2,           # E, F
        "churn_rate": 33.33,    # 2 / 6
    }


def test_customer_kpis_of_one_owner(ledger, rep):
    assert compute_kpis(period=PERIOD, owner=ledger["A"].owner)["customers"] == {
        "total": 9, "new": 3, "active_at_start": 4, "churned": 2, "churn_rate": 50.0,
    }


def test_sales_kpis(ledger):
    assert compute_kpis(period=PERIOD)["sales"] == {
        "revenue": 168.86,                  # 125.50 (A) + 33.33 (B) + 0.03 (E) + 10.00 (L)
        "purchases": 6,                     # A 3, B 1, E 1, L 1
        "buyers": 4,
        "average_order_value": 28.14,       # 168.86 / 6 = 28.143…
        "average_customer_value": 42.22,    # 168.86 / 4 = 42.215, rounded half up
        "repeat_purchase_rate": 25.0,       # A bought on two dates: 1 / 4
        "revenue_by_month": [
            {"month": "2024-03", "revenue": 25.53},    # 20.00 + 5.50 + 0.03
            {"month": "2024-04", "revenue": 0.0},      # only the deleted customer's
            {"month": "2024-05", "revenue": 143.33},   # 100.00 + 33.33 + 10.00
        ],
    }


def test_sales_kpis_of_one_owner(ledger, other_rep):
    rep = ledger["A"].owner
    assert compute_kpis(period=PERIOD, owner=rep)["sales"] == {
        "revenue": 158.86,
        "purchases": 5,
        "buyers": 3,
        "average_order_value": 31.77,       # 31.772
        "average_customer_value": 52.95,    # 52.953…
        "repeat_purchase_rate": 33.33,
        "revenue_by_month": [
            {"month": "2024-03", "revenue": 25.53},
            {"month": "2024-04", "revenue": 0.0},
            {"month": "2024-05", "revenue": 133.33},
        ],
    }
    other = compute_kpis(period=PERIOD, owner=other_rep)
    assert other["sales"]["revenue"] == 10.0
    assert other["customers"]["total"] == 1


def test_rfm_segments(ledger):
    # Recency (days before 05-31): A 0, B 16, L 30, E 82 → R 5, 4, 3, 2 (⌈5·rank/4⌉).
    # Frequency: A 2; B, E, L tie at 1, the smaller id ranking better → F: A 5, B 4, E 3, L 2.
    segments = compute_kpis(period=PERIOD)["rfm"]["segments"]
    assert segments == {
        "champions": 1,        # A: R5 F5
        "loyal": 1,            # B: R4 F4
        "potential_loyalists": 0,
        "new": 0,
        "promising": 0,
        "need_attention": 0,
        "about_to_sleep": 1,   # L: R3 F2
        "at_risk": 1,          # E: R2 F3
        "cannot_lose": 0,
        "hibernating": 0,
        "lost": 0,
    }


def test_an_empty_period_has_zeros_and_null_rates(ledger):
    report = compute_kpis(period=Period(D(2020, 1, 1), D(2020, 2, 15)))
    assert report["customers"] == {
        "total": 0, "new": 0, "active_at_start": 0, "churned": 0, "churn_rate": None,
    }
    assert report["sales"] == {
        "revenue": 0.0, "purchases": 0, "buyers": 0, "average_order_value": None,
        "average_customer_value": None, "repeat_purchase_rate": None,
        "revenue_by_month": [{"month": "2020-01", "revenue": 0.0},
                             {"month": "2020-02", "revenue": 0.0}],
    }
    assert set(report["rfm"]["segments"].values()) == {0}


def test_an_empty_database_reports_zeros():
    report = compute_kpis(period=PERIOD)
    assert report["customers"]["total"] == 0
    assert report["sales"]["buyers"] == 0
    assert len(report["rfm"]["segments"]) == 11


def test_a_period_after_everything_keeps_the_customers_but_no_sales(ledger):
    report = compute_kpis(period=Period(D(2025, 1, 1), D(2025, 1, 31)))
    # Everyone acquired before and not churned before 2025 (A, B, C, D, L, M) is in N₀;
    # E, F, G, H churned earlier and I, J are potential.
    assert report["customers"] == {
        "total": 12, "new": 0, "active_at_start": 6, "churned": 0, "churn_rate": 0.0,
    }
    assert report["sales"]["revenue"] == 0.0


def test_the_report_has_the_sections_of_spec_5_in_order(ledger):
    assert list(compute_kpis(period=PERIOD)) == ["customers", "sales", "rfm"]
    assert [section.NAME for section in SECTIONS] == ["customers", "sales", "rfm"]


def test_the_report_takes_a_bounded_number_of_queries(ledger, django_assert_max_num_queries):
    # The customer counts, the per-buyer COPY and revenue by day, however many rows.
    with django_assert_max_num_queries(3):
        compute_kpis(period=PERIOD)
