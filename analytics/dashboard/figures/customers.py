"""The customers page's figures: counts, growth and churn by month, RFM segments and grid,
stored value segments, and customer value."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from itertools import accumulate

import pandas as pd
from django.db.models import Count, Q

from analytics import loading, rfm
from analytics.dashboard.figures.months import month_ranges
from analytics.kpis import customers as customers_section
from analytics.kpis.context import KpiContext
from analytics.numbers import money, percent
from analytics.periods import Period
from customers.models import Customer


def _cumulative(rows) -> tuple[list[dt.date], list[list[int]]]:
    """Sorted days and, per count column, running totals (index i: days[0] … days[i])."""
    rows = sorted(rows)
    days = [row[0] for row in rows]
    columns = [list(accumulate(row[i] for row in rows)) for i in range(1, len(rows[0]))] \
        if rows else []
    return days, columns


def _before(days, running, day: dt.date) -> int:
    index = bisect_left(days, day)
    return running[index - 1] if index else 0


def _through(days, running, day: dt.date) -> int:
    index = bisect_right(days, day)
    return running[index - 1] if index else 0


def monthly_customers(customers, period: Period) -> list[dict]:
    """Per month of the period (cut to it): new customers, the total at the month's end, and
    the month's churn as SPEC §4 defines it for a period: N₀ (active at the month's first
    day), how many of them churned in the month, and the rate.

    Three grouped scans instead of one aggregate per month and measure: N₀ at a day is the
    customers acquired (and not potential) before it less those who churned before it,
    since nobody churns before being acquired (a database constraint)."""
    ranges = month_ranges(period)
    acquired = customers.order_by().filter(acquired_on__lte=period.end).values(
        "acquired_on").annotate(
        every=Count("pk"), counted=Count("pk", filter=~Q(status=Customer.Status.POTENTIAL))
    ).values_list("acquired_on", "every", "counted")
    churned = customers.order_by().filter(churned_on__lte=period.end).values(
        "churned_on").annotate(churned=Count("pk")).values_list("churned_on", "churned")
    in_month = customers.order_by().filter(
        churned_on__range=(period.start, period.end)).aggregate(**{
            f"m{index}": Count("pk", filter=Q(churned_on__range=(first, last),
                                              acquired_on__lt=first))
            for index, (first, last) in enumerate(ranges)})
    acquired_days, (every, counted) = _cumulative(list(acquired)) if acquired else ([], [[], []])
    churned_days, churned_columns = _cumulative(list(churned))
    churned_running = churned_columns[0] if churned_columns else []
    rows = []
    for index, (first, last) in enumerate(ranges):
        total = _through(acquired_days, every, last)
        active = (_before(acquired_days, counted, first)
                  - _before(churned_days, churned_running, first))
        lost = in_month[f"m{index}"]
        rows.append({
            "month": first.replace(day=1), "start": first, "end": last,
            "new": total - _before(acquired_days, every, first),
            "total": total,
            "active_at_start": active,
            "churned": lost,
            "churn_rate": percent(lost, active),
        })
    return rows


def rfm_figures(buyers: pd.DataFrame) -> dict:
    """RFM segment sizes and revenue, and the R×F grid, of the period's buyers."""
    scored = rfm.score(buyers)
    counts = rfm.segment_counts(scored)
    cents = scored.groupby("segment", observed=False)["cents"].sum()
    total_cents = int(scored["cents"].sum())
    buyers_count = len(scored)
    return {
        "buyers": buyers_count,
        "revenue": money(total_cents),
        "segments": [{
            "key": key,
            "customers": counts[key],
            "share": percent(counts[key], buyers_count),
            "revenue": money(int(cents.get(key, 0))),
            "revenue_share": percent(int(cents.get(key, 0)), total_cents),
        } for key in rfm.SEGMENT_KEYS],
        "grid": rfm.grid_counts(scored),
    }


def stored_segments(customers) -> dict:
    """How many customers hold each stored value segment (written by the scheduled refresh),
    and when the latest refresh wrote one."""
    rows = customers.order_by().exclude(value_segment="").values("value_segment").annotate(
        customers=Count("pk"))
    counts = {segment: number for segment, number in
              rows.values_list("value_segment", "customers")}
    latest = customers.order_by().exclude(value_segment="").values_list(
        "value_segment_at", flat=True).order_by("-value_segment_at").first()
    return {"counts": {key: counts.get(key, 0) for key in rfm.SEGMENT_KEYS},
            "computed_at": latest}


def customers(*, period: Period, owner_id: int | None) -> dict:
    """Customer counts (SPEC §4 customers.*), growth and churn by month, RFM segments and
    grid, and the stored value segments."""
    with loading.snapshot():
        context = KpiContext(period=period, owner=owner_id)
        return {
            "customers": customers_section.compute(context),
            "months": monthly_customers(context.customers, period),
            "rfm": rfm_figures(context.buyers),
            "stored_segments": stored_segments(context.customers),
        }
