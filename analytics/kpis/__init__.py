"""The KPI report of SPEC §4: `compute_kpis` and the registry of its sections.

Each section is a module with a `NAME` (its key in the report) and `compute(context) -> dict`.
A later app's KPIs (service, marketing, requirements) become one more module appended to
SECTIONS; sections share what they load through the KpiContext, so the per-buyer aggregate
is read once however many sections use it.
"""

from __future__ import annotations

from analytics.kpis import customers, rfm, sales
from analytics.kpis.context import KpiContext
from analytics.loading import snapshot
from analytics.periods import Period

__all__ = ["SECTIONS", "KpiContext", "compute_kpis"]

SECTIONS = [customers, sales, rfm]


def compute_kpis(*, period: Period, owner=None) -> dict:
    """Every section's KPIs for `period`, over all live customers or those `owner` owns,
    read in one consistent snapshot. The result is JSON-ready (see analytics.numbers):
    `{"customers": {...}, "sales": {...}, "rfm": {"segments": {name: count}}}`."""
    with snapshot():
        context = KpiContext(period=period, owner=owner)
        return {section.NAME: section.compute(context) for section in SECTIONS}
