"""KPI numbers: exact money from cents, averages and rates rounded half up, null for 0."""

import json

from analytics.numbers import money, money_per, percent


def test_money_is_exact_to_the_cent():
    assert money(0) == 0.0
    assert json.dumps(money(452_909_669_015)) == "4529096690.15"
    assert json.dumps(money(1)) == "0.01"


def test_averages_round_half_up_to_the_cent():
    assert money_per(4_221_5, 10) == 42.22  # 42.215
    assert money_per(4_221_4, 10) == 42.21
    assert money_per(100, 3) == 0.33


def test_rates_are_percentages_rounded_half_up():
    assert percent(1, 3) == 33.33
    assert percent(2, 3) == 66.67
    assert percent(1, 8) == 12.5
    assert percent(1, 800) == 0.13  # 0.125


def test_a_zero_denominator_gives_none():
    assert money_per(0, 0) is None
    assert percent(0, 0) is None
