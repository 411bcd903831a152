"""Periods: inclusive date ranges, the window before, the months touched, and the presets."""

import datetime as dt

import pytest

from analytics.periods import (
    PRESETS, Period, last_month, last_n_days, last_year, preset_period, this_month, this_quarter,
    this_year,
)

D = dt.date


def test_a_period_includes_both_ends():
    period = Period(D(2024, 3, 1), D(2024, 3, 31))
    assert period.days == 31
    assert D(2024, 3, 1) in period and D(2024, 3, 31) in period
    assert D(2024, 2, 29) not in period and D(2024, 4, 1) not in period


def test_a_one_day_period_is_allowed():
    assert Period(D(2024, 3, 1), D(2024, 3, 1)).days == 1


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(D(2024, 3, 2), D(2024, 3, 1))


def test_a_period_is_bounded_by_dates_not_datetimes():
    with pytest.raises(TypeError):
        Period(dt.datetime(2024, 3, 1), D(2024, 3, 2))
    with pytest.raises(TypeError):
        Period("2024-03-01", D(2024, 3, 2))


def test_a_period_is_immutable_and_hashable():
    period = Period(D(2024, 3, 1), D(2024, 3, 31))
    with pytest.raises(AttributeError):
        period.start = D(2024, 1, 1)
    assert {period: 1}[Period(D(2024, 3, 1), D(2024, 3, 31))] == 1


@pytest.mark.parametrize(("start", "end", "previous"), [
    (D(2024, 3, 1), D(2024, 3, 31), (D(2024, 1, 30), D(2024, 2, 29))),
    (D(2024, 3, 1), D(2024, 3, 1), (D(2024, 2, 29), D(2024, 2, 29))),
    # 2024 has 366 days, so the window before reaches back into 2022.
    (D(2024, 1, 1), D(2024, 12, 31), (D(2022, 12, 31), D(2023, 12, 31))),
    (D(2023, 1, 1), D(2023, 12, 31), (D(2022, 1, 1), D(2022, 12, 31))),
])
def test_previous_is_the_equally_long_window_just_before(start, end, previous):
    period = Period(start, end)
    assert period.previous() == Period(*previous)
    assert period.previous().days == period.days


def test_months_lists_every_calendar_month_the_period_touches():
    assert Period(D(2023, 11, 30), D(2024, 2, 1)).months() == [
        D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1)]
    assert Period(D(2024, 3, 5), D(2024, 3, 6)).months() == [D(2024, 3, 1)]


TODAY = D(2024, 5, 15)


def test_presets_relative_to_today():
    assert this_month(TODAY) == Period(D(2024, 5, 1), TODAY)
    assert last_month(TODAY) == Period(D(2024, 4, 1), D(2024, 4, 30))
    assert last_month(D(2024, 1, 10)) == Period(D(2023, 12, 1), D(2023, 12, 31))
    assert last_month(D(2024, 3, 31)) == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert this_quarter(TODAY) == Period(D(2024, 4, 1), TODAY)
    assert this_quarter(D(2024, 12, 31)) == Period(D(2024, 10, 1), D(2024, 12, 31))
    assert last_n_days(30, TODAY) == Period(D(2024, 4, 16), TODAY)
    assert last_n_days(30, TODAY).days == 30
    assert this_year(TODAY) == Period(D(2024, 1, 1), TODAY)
    assert last_year(TODAY) == Period(D(2023, 1, 1), D(2023, 12, 31))


def test_every_preset_has_a_label_and_a_period():
    assert list(PRESETS) == ["this_month", "last_month", "this_quarter", "last_30_days",
                             "last_90_days", "this_year", "last_year"]
    for key, preset in PRESETS.items():
        assert str(preset.label)
        assert preset_period(key, TODAY).end <= TODAY
    assert preset_period("last_90_days", TODAY).days == 90
