"""The dashboards' own figures: months cut to the period, growth and churn per month by the
KPI definitions, value deciles and histogram bins, targets against actuals."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from analytics.dashboard import figures
from analytics.kpis import compute_kpis
from analytics.loading import customers_of
from analytics.periods import Period
from customers.models import Customer
from tests.analytics.test_kpis import ledger  # noqa: F401 (the hand-checked ledger)
from tests.factories import CustomerFactory, PurchaseFactory, SalesTargetFactory

D = dt.date


def test_months_are_cut_to_the_period():
    assert figures.month_ranges(Period(D(2024, 1, 15), D(2024, 3, 10))) == [
        (D(2024, 1, 15), D(2024, 1, 31)), (D(2024, 2, 1), D(2024, 2, 29)),
        (D(2024, 3, 1), D(2024, 3, 10))]
    assert figures.month_ranges(Period(D(2023, 12, 31), D(2023, 12, 31))) == [
        (D(2023, 12, 31), D(2023, 12, 31))]


@pytest.mark.django_db
@pytest.mark.parametrize("period", [
    Period(D(2024, 1, 1), D(2024, 6, 30)),
    Period(D(2024, 2, 29), D(2024, 6, 1)),   # boundary days of the ledger inside months
    Period(D(2023, 11, 15), D(2024, 3, 1)),
])
def test_each_month_counts_growth_and_churn_as_the_kpis_do(ledger, period):  # noqa: F811
    for owner in (None, ledger["A"].owner):
        rows = figures.monthly_customers(customers_of(owner), period)
        assert len(rows) == len(period.months())
        for row in rows:
            kpis = compute_kpis(period=Period(row["start"], row["end"]), owner=owner)
            assert {key: row[key] for key in kpis["customers"]} == kpis["customers"], row
            assert row["month"] == row["start"].replace(day=1)


def test_histogram_edges_step_1_2_5_up_past_the_largest_value():
    # The 2nd percentile is 5.22: the steps start at 5, and values below go in [0, 5).
    assert figures.histogram_edges(np.array([3.0, 40.0, 180.0, 950.0])) == [
        0, 5, 10, 20, 50, 100, 200, 500, 1000]
    assert figures.histogram_edges(np.array([100.0, 100.0])) == [0, 100, 200]
    assert figures.histogram_edges(np.array([0.0, np.nan])) == [0, 1]


def test_deciles_rank_by_value_then_customer_id():
    values = np.array([5.0, 50.0, 5.0, 1.0] + [2.0] * 16)
    ids = np.arange(1, 21)
    result = figures.distribution(values, ids, [0, 10, 100])
    assert result["customers"] == 20 and result["total"] == 93.0
    assert [d["customers"] for d in result["deciles"]] == [2] * 10
    assert result["deciles"][0] == {"decile": 1, "customers": 2, "total": 55.0, "min": 5.0,
                                    "max": 50.0, "share": 59.14}
    assert result["deciles"][-1]["min"] == 1.0
    assert result["histogram"] == [19, 1]
    assert result["median"] == 2.0


def test_deciles_of_fewer_than_ten_customers():
    result = figures.distribution(np.array([3.0, 1.0]), np.array([7, 8]), [0, 5])
    assert [d["customers"] for d in result["deciles"]] == [1, 1] + [0] * 8
    assert result["deciles"][5] == {"decile": 6, "customers": 0, "total": 0.0, "min": None,
                                    "max": None, "share": 0.0}


@pytest.mark.django_db
def test_targets_count_attainment_over_the_months_that_have_one(rep, other_rep):
    alice = CustomerFactory(owner=rep)
    carol = CustomerFactory(owner=other_rep)
    nobody = CustomerFactory(owner=None)
    for customer, day, price in [(alice, D(2024, 1, 31), "100"), (alice, D(2024, 2, 1), "50"),
                                 (carol, D(2024, 2, 10), "70"), (nobody, D(2024, 1, 5), "9")]:
        PurchaseFactory(customer=customer, purchased_on=day, unit_price=Decimal(price))
    SalesTargetFactory(rep=rep, month=D(2024, 1, 1), amount=Decimal("80.00"))
    SalesTargetFactory(rep=other_rep, month=D(2024, 3, 1), amount=Decimal("10.00"))

    # Mid-month to mid-month: actuals still cover the whole calendar months.
    result = figures.targets(period=Period(D(2024, 1, 15), D(2024, 3, 15)), owner_id=None)

    assert result["months"] == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
    rows = {row["rep_id"]: row for row in result["reps"]}
    assert set(rows) == {rep.pk, other_rep.pk}  # not the unowned customer's revenue
    assert rows[rep.pk]["months"] == [
        {"target": 80.0, "actual": 100.0, "attainment": 125.0},
        {"target": None, "actual": 50.0, "attainment": None},
        {"target": None, "actual": 0.0, "attainment": None},
    ]
    assert rows[rep.pk]["total"] == {"target": 80.0, "actual": 150.0, "attainment": 125.0}
    assert rows[other_rep.pk]["total"] == {"target": 10.0, "actual": 70.0, "attainment": 0.0}
    assert result["totals"][0] == {"target": 80.0, "actual": 100.0, "attainment": 125.0}
    assert result["totals"][1] == {"target": None, "actual": 120.0, "attainment": None}

    own = figures.targets(period=Period(D(2024, 1, 1), D(2024, 3, 31)), owner_id=other_rep.pk)
    assert [row["rep_id"] for row in own["reps"]] == [other_rep.pk]


@pytest.mark.django_db
def test_top_customers_break_ties_by_the_smaller_id(rep):
    first, second, third = (CustomerFactory(owner=rep, name=name) for name in "XYZ")
    for customer in (third, second, first):
        PurchaseFactory(customer=customer, purchased_on=D(2024, 5, 1),
                        unit_price=Decimal("10.00"))
    result = figures.sales(period=Period(D(2024, 5, 1), D(2024, 5, 31)), owner_id=None)
    assert [row["name"] for row in result["top_customers"]] == ["X", "Y", "Z"]
    assert result["top_customers"][0]["owner"] == str(rep)
    assert result["top_customers"][0]["share"] == 33.33


@pytest.mark.django_db
def test_stored_segments_count_the_live_customers_holding_each(rep):
    CustomerFactory(owner=rep, value_segment="champions")
    CustomerFactory(owner=rep, value_segment="lost")
    CustomerFactory(owner=None, value_segment="lost")
    CustomerFactory(owner=rep, value_segment="lost", deleted_at=timezone.now())
    result = figures.stored_segments(Customer.objects.all())
    assert result["counts"]["champions"] == 1 and result["counts"]["lost"] == 2
    assert figures.stored_segments(customers_of(rep))["counts"]["lost"] == 1
