"""Reporting periods: inclusive ranges of local dates (SPEC §4), and the dashboard presets.

Presets are computed from an explicit `today` (the caller passes `timezone.localdate()`), so
they are plain functions that tests can pin to any date. Periods "to date" (this month, this
quarter, this year) end on `today`, because the days after it hold no data yet and a
comparison with `previous()` should compare like with like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy as _

__all__ = ["PRESETS", "Period", "Preset", "last_month", "last_n_days", "last_year",
           "preset_period", "this_month", "this_quarter", "this_year"]


@dataclass(frozen=True, slots=True)
class Period:
    """The local dates `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            # A datetime is a date too, but comparing one with a date column silently
            # means something else.
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise TypeError(f"A period is bounded by dates, not {type(value).__name__}.")
        if self.start > self.end:
            raise ValueError(gettext("The start date must not be after the end date."))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The equally long window that ends the day before this one starts."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches, in order."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(dt.date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(
        day.year, day.month + 1, 1)
    return following - dt.timedelta(days=1)


def this_month(today: dt.date) -> Period:
    return Period(today.replace(day=1), today)


def last_month(today: dt.date) -> Period:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return Period(end.replace(day=1), _month_end(end))


def this_quarter(today: dt.date) -> Period:
    first_month = 3 * ((today.month - 1) // 3) + 1
    return Period(dt.date(today.year, first_month, 1), today)


def last_n_days(days: int, today: dt.date) -> Period:
    """The `days` days ending with `today`."""
    if days < 1:
        raise ValueError("A period has at least one day.")
    return Period(today - dt.timedelta(days=days - 1), today)


def this_year(today: dt.date) -> Period:
    return Period(dt.date(today.year, 1, 1), today)


def last_year(today: dt.date) -> Period:
    return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))


@dataclass(frozen=True, slots=True)
class Preset:
    key: str
    label: str | Promise
    period: Callable[[dt.date], Period]


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset("this_month", _("This month"), this_month),
        Preset("last_month", _("Last month"), last_month),
        Preset("this_quarter", _("This quarter"), this_quarter),
        Preset("last_30_days", _("Last 30 days"), lambda today: last_n_days(30, today)),
        Preset("last_90_days", _("Last 90 days"), lambda today: last_n_days(90, today)),
        Preset("this_year", _("This year"), this_year),
        Preset("last_year", _("Last year"), last_year),
    )
}


def preset_period(key: str, today: dt.date) -> Period:
    """The period of the preset named `key` (a key of PRESETS) as seen on `today`."""
    return PRESETS[key].period(today)
