"""The numbers behind each dashboard page, computed from the ledger for one scope.

Each function returns plain data (ints, floats, dates, names: no translated text, no model
instances), which is what the cache keeps and what the page and its CSV downloads are built
from. Money is rounded to the cent as in SPEC §4 (analytics.numbers); the KPI sections of
`analytics.kpis` supply every figure they define, so the dashboards show exactly what
`manage.py kpis` prints. Each page reads in one snapshot (analytics.loading.snapshot).
"""

from analytics.dashboard.figures.customers import (
    customers, monthly_customers, rfm_figures, stored_segments,
)
from analytics.dashboard.figures.months import month_end, month_ranges
from analytics.dashboard.figures.sales import overview, sales, targets, top_customers
from analytics.dashboard.figures.selections import rfm_selection, value_selection
from analytics.dashboard.figures.value import (
    customer_value, distribution, histogram_edges, value_figures,
)

__all__ = [
    "customer_value", "customers", "distribution", "histogram_edges", "month_end", "month_ranges",
    "monthly_customers", "overview", "rfm_figures", "rfm_selection", "sales",
    "stored_segments", "targets", "top_customers", "value_figures", "value_selection",
]
