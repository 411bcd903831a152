"""sales.*: revenue, purchases and buyers in the period (SPEC §4).

Totals come from the per-buyer aggregate in exact cents; revenue by month is one more GROUP BY
(by day), with months that had no sale filled in as 0. Purchases of deleted customers do
not count, as they do not show anywhere else in the CRM.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from analytics.kpis.context import KpiContext
from analytics.loading import Cents
from analytics.numbers import money, money_per, percent

NAME = "sales"


def revenue_by_month(context: KpiContext) -> list[dict]:
    """`{"month": "YYYY-MM", "revenue": x}` for every month the period touches, in order."""
    # Grouped by day, not by DATE_TRUNC: a date column truncates through timestamptz, and
    # that time-zone arithmetic on every row costs more than the rest of the query.
    daily = context.purchases.values("purchased_on").annotate(cents=Cents(Sum("amount")))
    cents_by_month: dict[str, int] = defaultdict(int)
    for day, cents in daily.values_list("purchased_on", "cents"):
        cents_by_month[f"{day:%Y-%m}"] += cents
    return [
        {"month": key, "revenue": money(cents_by_month.get(key, 0))}
        for key in (f"{month:%Y-%m}" for month in context.period.months())
    ]


def compute(context: KpiContext) -> dict:
    buyers = context.buyers
    revenue = int(buyers["cents"].sum())
    purchases = int(buyers["purchases"].sum())
    buyer_count = len(buyers)
    repeat_buyers = int((buyers["frequency"] >= 2).sum())
    return {
        "revenue": money(revenue),
        "purchases": purchases,
        "buyers": buyer_count,
        "average_order_value": money_per(revenue, purchases),
        "average_customer_value": money_per(revenue, buyer_count),
        "repeat_purchase_rate": percent(repeat_buyers, buyer_count),
        "revenue_by_month": revenue_by_month(context),
    }
