"""Property: for any purchase ledger, the KPI report's totals are the sums over its records."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.kpis import compute_kpis
from analytics.periods import Period
from customers.models import Purchase
from tests.factories import CustomerFactory, ProductFactory

FIRST_DAY = dt.date(2024, 1, 20)
DAYS = 120

customers = st.lists(st.fixed_dictionaries({"mine": st.booleans(), "deleted": st.booleans()}),
                     min_size=1, max_size=4)
lines = st.lists(st.tuples(
    st.integers(0, 3),                  # which customer (modulo how many there are)
    st.integers(0, DAYS - 1),           # day
    st.integers(1, 100),                # quantity
    st.integers(0, 10**9),              # unit price in cents, up to 10,000,000.00
), max_size=25)
periods = st.tuples(st.integers(0, DAYS - 1), st.integers(0, DAYS - 1)).map(sorted)


def _as_decimal(number) -> Decimal:
    return Decimal(str(number))


def _expected(records, period):
    inside = [r for r in records if period.start <= r["day"] <= period.end]
    by_month = defaultdict(Decimal)
    days = defaultdict(set)
    for r in inside:
        by_month[f"{r['day']:%Y-%m}"] += r["amount"]
        days[r["customer"]].add(r["day"])
    return {
        "revenue": sum((r["amount"] for r in inside), Decimal(0)),
        "purchases": len(inside),
        "buyers": len(days),
        "repeat_buyers": sum(1 for dates in days.values() if len(dates) >= 2),
        "by_month": by_month,
    }


def _check(report, expected, period):
    sales = report["sales"]
    assert _as_decimal(sales["revenue"]) == expected["revenue"]
    assert sales["purchases"] == expected["purchases"]
    assert sales["buyers"] == expected["buyers"]
    months = [month["month"] for month in sales["revenue_by_month"]]
    assert months == [f"{m:%Y-%m}" for m in period.months()]
    assert sum(_as_decimal(m["revenue"]) for m in sales["revenue_by_month"]) == (
        expected["revenue"])
    for month in sales["revenue_by_month"]:
        assert _as_decimal(month["revenue"]) == expected["by_month"].get(month["month"], 0)
    assert sum(report["rfm"]["segments"].values()) == expected["buyers"]
    if expected["buyers"]:
        rate = Decimal(100 * expected["repeat_buyers"]) / expected["buyers"]
        assert _as_decimal(sales["repeat_purchase_rate"]) == rate.quantize(
            Decimal("0.01"), ROUND_HALF_UP)
    else:
        assert sales["repeat_purchase_rate"] is None
        assert sales["average_order_value"] is None


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(customer_specs=customers, ledger=lines, bounds=periods)
def test_report_totals_equal_sums_over_the_records(rep, customer_specs, ledger, bounds):
    # Each example writes inside its own savepoint and rolls it back, so examples share the
    # test's database fixtures without seeing each other's rows.
    with transaction.atomic():
        product = ProductFactory(sku="HYPOTHESIS")
        people = [
            CustomerFactory(owner=rep if spec["mine"] else None, acquired_on=FIRST_DAY,
                            deleted_at=timezone.now() if spec["deleted"] else None)
            for spec in customer_specs
        ]
        records = []
        for which, day, quantity, cents in ledger:
            customer = people[which % len(people)]
            price = Decimal(cents).scaleb(-2)
            records.append({"customer": customer.pk, "day": FIRST_DAY + dt.timedelta(day),
                            "amount": quantity * price,
                            "live": customer.deleted_at is None,
                            "mine": customer.owner_id == rep.pk})
            Purchase.objects.create(customer=customer, product=product, quantity=quantity,
                                    unit_price=price, purchased_on=records[-1]["day"])
        period = Period(*(FIRST_DAY + dt.timedelta(days) for days in bounds))

        live = [r for r in records if r["live"]]
        _check(compute_kpis(period=period), _expected(live, period), period)
        mine = [r for r in live if r["mine"]]
        _check(compute_kpis(period=period, owner=rep), _expected(mine, period), period)
        transaction.set_rollback(True)
