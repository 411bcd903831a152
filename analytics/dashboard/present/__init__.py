"""Each page's cards, tables and charts, built from its cached figures for one request.

Labels are translated here, per request, so the cached figures stay free of language; every
number carries the link to the records behind it (the customer list, the purchase list or
the drill-down page of computed groups).
"""

from analytics.dashboard.present.customers import customers
from analytics.dashboard.present.overview import overview
from analytics.dashboard.present.sales import sales
from analytics.dashboard.present.selection import (
    selection_columns, selection_list, selection_rows, selection_title,
)

__all__ = ["customers", "overview", "sales", "selection_columns", "selection_list",
           "selection_rows", "selection_title"]
