"""The overview's and the sales page's figures: headline KPIs against the previous period,
revenue by month, top customers, and sales targets against actual revenue per rep."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Sum

from analytics import loading
from analytics.dashboard.figures.months import month_end
from analytics.kpis import compute_kpis
from analytics.kpis import sales as sales_section
from analytics.kpis.context import KpiContext
from analytics.numbers import money, percent
from analytics.periods import Period
from crm.models import User
from customers.models import Customer, SalesTarget


TOP_CUSTOMERS = 10


HEADLINE = {
    "customers": ("total", "new", "active_at_start", "churned", "churn_rate"),
    "sales": ("revenue", "purchases", "buyers", "average_order_value",
              "average_customer_value", "repeat_purchase_rate"),
}


def _headline(report: dict) -> dict:
    return {section: {name: report[section][name] for name in names}
            for section, names in HEADLINE.items()}


def overview(*, period: Period, owner_id: int | None) -> dict:
    """The headline KPIs for the period and for the equally long period before it, with the
    period's revenue by month and RFM segment sizes."""
    with loading.snapshot():
        current = compute_kpis(period=period, owner=owner_id)
        previous = compute_kpis(period=period.previous(), owner=owner_id)
    return {
        "current": _headline(current),
        "previous": _headline(previous),
        "revenue_by_month": current["sales"]["revenue_by_month"],
        "segments": current["rfm"]["segments"],
    }


def top_customers(buyers: pd.DataFrame, *, limit: int = TOP_CUSTOMERS) -> list[dict]:
    """The `limit` buyers with the most revenue in the period (ties: smaller id first)."""
    total = int(buyers["cents"].sum())
    top = buyers.sort_values(["cents", "customer_id"], ascending=[False, True]).head(limit)
    ids = top["customer_id"].tolist()
    customers = {row["pk"]: row for row in
                 Customer.objects.filter(pk__in=ids).values("pk", "name", "owner_id")}
    owners = _user_names({row["owner_id"] for row in customers.values()} - {None})
    rows = []
    for customer_id, cents, purchases, frequency in top[
            ["customer_id", "cents", "purchases", "frequency"]].itertuples(index=False):
        customer = customers.get(customer_id, {"name": "", "owner_id": None})
        rows.append({
            "customer_id": int(customer_id),
            "name": customer["name"],
            "owner_id": customer["owner_id"],
            "owner": owners.get(customer["owner_id"], ""),
            "revenue": money(cents),
            "purchases": int(purchases),
            "frequency": int(frequency),
            "share": percent(int(cents), total),
        })
    return rows


def _user_names(ids) -> dict[int, str]:
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)} if ids else {}


def targets(*, period: Period, owner_id: int | None) -> dict:
    """Target against actual revenue per rep and calendar month, for every month the period
    touches. The actual of a month is the revenue of the rep's current customers in the whole
    calendar month (a target is set for whole months). Reps listed: those with a target in
    one of the months or revenue from their customers (only `owner_id` when given). Totals
    over several months or reps compare the targets with the actuals of the same months and
    reps: a month without a target adds to the actual but not to the attainment."""
    months = period.months()
    first, last = months[0], month_end(months[-1])
    goals = SalesTarget.objects.for_months(first, last).order_by()
    purchases = loading.purchases_of(owner_id, Period(first, last)).filter(
        customer__owner__isnull=False)
    if owner_id is not None:
        goals = goals.filter(rep_id=owner_id)
    target_cents = {(rep, month): int(amount * 100) for rep, month, amount
                    in goals.values_list("rep_id", "month", "amount")}
    actual_cents: dict[tuple[int, dt.date], int] = {}
    daily = purchases.values("customer__owner_id", "purchased_on").annotate(
        cents=loading.Cents(Sum("amount")))
    for rep, day, cents in daily.values_list("customer__owner_id", "purchased_on", "cents"):
        key = (rep, day.replace(day=1))
        actual_cents[key] = actual_cents.get(key, 0) + cents
    rep_ids = {rep for rep, _ in target_cents} | {rep for rep, _ in actual_cents}
    names = _user_names(rep_ids)

    def cell(targets: list[int | None], actuals: list[int]) -> dict:
        """Target, actual and attainment of one or more (rep, month) pairs: attainment
        counts the actuals of the pairs that have a target only."""
        set_targets = [target for target in targets if target is not None]
        target = sum(set_targets) if set_targets else None
        targeted = sum(actual for target, actual in zip(targets, actuals) if target is not None)
        return {"target": None if target is None else money(target),
                "actual": money(sum(actuals)),
                "attainment": None if target is None else percent(targeted, target)}

    reps = []
    for rep in sorted(rep_ids, key=lambda pk: (names.get(pk, ""), pk)):
        goals_of = [target_cents.get((rep, month)) for month in months]
        actuals_of = [actual_cents.get((rep, month), 0) for month in months]
        reps.append({
            "rep_id": rep,
            "name": names.get(rep, ""),
            "months": [cell([goal], [actual]) for goal, actual in zip(goals_of, actuals_of)],
            "total": cell(goals_of, actuals_of),
        })
    totals = [cell([target_cents.get((rep, month)) for rep in rep_ids],
                   [actual_cents.get((rep, month), 0) for rep in rep_ids])
              for month in months]
    return {"months": months, "reps": reps, "totals": totals}


def sales(*, period: Period, owner_id: int | None) -> dict:
    """Revenue, purchases, buyers and averages with revenue by month (SPEC §4 sales.*), the
    top customers by revenue, and targets against actuals."""
    with loading.snapshot():
        context = KpiContext(period=period, owner=owner_id)
        figures = sales_section.compute(context)
        return {
            "sales": figures,
            "top_customers": top_customers(context.buyers),
            "targets": targets(period=period, owner_id=owner_id),
        }
