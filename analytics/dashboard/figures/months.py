"""Calendar months of a period, cut to it."""

from __future__ import annotations

import datetime as dt

from analytics.periods import Period


def month_end(month: dt.date) -> dt.date:
    following = (dt.date(month.year + 1, 1, 1) if month.month == 12
                 else dt.date(month.year, month.month + 1, 1))
    return following - dt.timedelta(days=1)


def month_ranges(period: Period) -> list[tuple[dt.date, dt.date]]:
    """Every calendar month the period touches, cut to the period: (first day, last day)."""
    return [(max(month, period.start), min(month_end(month), period.end))
            for month in period.months()]
