"""`crm.formatting`: the memoized localized formats match Django's filters in each language."""

import datetime as dt
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as date_filter, floatformat
from django.test import override_settings
from django.utils import translation

from crm.formatting import grouped, money, short_date


def test_each_language_gets_its_own_format_of_the_same_value():
    day = dt.date(2024, 3, 9)
    with translation.override("en"):
        english = (short_date(day), money(Decimal("1234567.5")), grouped(12345))
    with translation.override("zh-hans"):
        chinese = (short_date(day), money(Decimal("1234567.5")), grouped(12345))
    assert english == ("03/09/2024", "1,234,567.50", "12,345")
    assert chinese == ("2024年3月9日", "1234567.50", "12345")


def test_the_formats_match_djangos_filters():
    values = [Decimal("0"), Decimal("0.5"), Decimal("-1234.56"), Decimal("99999999.99"), 7]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value in values:
                assert money(value) == floatformat(value, "2g")
            for number in (0, 999, 1000, -45678, 10**9):
                assert grouped(number) == intcomma(number)
            for day in (dt.date(1999, 12, 31), dt.date(2026, 1, 1)):
                assert short_date(day) == date_filter(day, "SHORT_DATE_FORMAT")


def test_a_format_setting_change_empties_the_caches():
    from crm import formatting

    with translation.override("en"):
        money(Decimal("1234")), grouped(5), short_date(dt.date(2024, 1, 2))
    assert all(cache.cache_info().currsize for cache in formatting._CACHES)
    with override_settings(USE_THOUSAND_SEPARATOR=False):
        assert not any(cache.cache_info().currsize for cache in formatting._CACHES)
