"""Each customer's current value segment: the RFM segment (analytics.rfm) of their purchases
over the trailing 12 months, stored on the customer through a customers service so that lists,
filters and campaign segments can use it without importing analytics.

The RFM population is every live customer with a purchase in the 365 days ending `today`
(not one owner's book), so a segment means the same on every rep's list and matches
`manage.py customer_metrics` for the same period. Customers without such a purchase have no
segment (blank: "no purchase in the last 12 months").
"""

from __future__ import annotations

import datetime as dt

from analytics.periods import Period, last_n_days
from analytics.rfm import customer_rfm
from customers import services
from customers.services import ValueSegmentWrite

WINDOW_DAYS = 365


def value_segment_period(*, today: dt.date) -> Period:
    """The 365 days ending with `today`."""
    return last_n_days(WINDOW_DAYS, today)


def current_value_segments(*, today: dt.date) -> dict[int, str]:
    """Customer id → RFM segment key for every live customer with a purchase in the 365 days
    ending `today`."""
    scored = customer_rfm(period=value_segment_period(today=today))
    return dict(zip(scored["customer_id"].tolist(), scored["segment"].astype(str).tolist()))


def value_segments_refresh(*, today: dt.date, computed_at: dt.datetime) -> ValueSegmentWrite:
    """Compute the segments as of `today` and write them to the customers (all or nothing)."""
    return services.customers_set_value_segments(
        segments=current_value_segments(today=today), computed_at=computed_at
    )
