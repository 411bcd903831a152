"""Localized dates and numbers for HTML built in Python (table rows), memoized per language.

Django's `formats.date_format` and `formats.number_format` look the language's formats up on
every call; a ten-row purchase table made about 40 such calls, a third of its render time.
A page shows few distinct values (days, prices, quantities), so each is formatted once per
language, type and value (equal values of different types, 1 and True, are kept apart). The
caches forget everything when a format setting changes (tests).
"""

from __future__ import annotations

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats
from django.utils.translation import get_language


@lru_cache(maxsize=4096)
def _short_date(language: str, kind: type, value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@lru_cache(maxsize=8192)
def _money(language: str, kind: type, value) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


@lru_cache(maxsize=4096)
def _grouped(language: str, kind: type, value) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def short_date(value) -> str:
    """`value|date:"SHORT_DATE_FORMAT"` in the active language."""
    return _short_date(get_language(), type(value), value)


def money(value) -> str:
    """Two decimals, grouped as the active language groups them: `value|floatformat:"2g"` for
    amounts, which have two (`number_format` cuts further places instead of rounding)."""
    return _money(get_language(), type(value), value)


def grouped(value) -> str:
    """`value|intcomma`: an integer grouped as the active language groups it."""
    return _grouped(get_language(), type(value), value)


_CACHES = (_short_date, _money, _grouped)


@receiver(setting_changed)
def _forget_formats(*, setting: str, **kwargs) -> None:
    if setting in {"LANGUAGE_CODE", "LANGUAGES", "FORMAT_MODULE_PATH", "USE_THOUSAND_SEPARATOR",
                   "DECIMAL_SEPARATOR", "THOUSAND_SEPARATOR", "NUMBER_GROUPING",
                   "SHORT_DATE_FORMAT"}:
        for cache in _CACHES:
            cache.cache_clear()
