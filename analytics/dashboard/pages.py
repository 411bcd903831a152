"""Each dashboard page's figures for a scope, from the cache or computed once.

Customer value depends on the period's last day and the owner only, not on its first day,
so the customers page keeps it in an entry of its own: the presets that end today (this
month, this quarter, this year, the last 30 or 90 days) share one. The fitted value model
describes the whole customer base as of a date, not one owner's book, and takes longest to
compute (tens of seconds at a million customers), so it is kept by date alone for
ANALYTICS_MODEL_CACHE_SECONDS: every owner's page and drill-down of that date reuses it,
and a refresh recomputes figures with it rather than fitting again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache

from analytics import loading
from analytics.dashboard import figures
from analytics.dashboard.caching import FORMAT, cached, cached_figures, cache_key, forget
from analytics.dashboard.scope import Scope
from analytics.value import CustomerValues, ValueModel, customer_values

PAGES = ("overview", "sales", "customers")
SELECTION_PAGE = "rfm_customers"
VALUE = "value"


def _model_key(as_of: dt.date) -> str:
    return f"analytics:value-model:v{FORMAT}:{as_of.isoformat()}"


def _cached_model(as_of: dt.date) -> tuple[bool, ValueModel | None]:
    """(found, model): a model is None when there was too little data to fit one."""
    entry = cache.get(_model_key(as_of))
    return (False, None) if entry is None else (True, entry["model"])


def _keep_model(as_of: dt.date, model: ValueModel | None) -> None:
    cache.set(_model_key(as_of), {"model": model},
              timeout=settings.ANALYTICS_MODEL_CACHE_SECONDS)


def _value_key(scope: Scope) -> str:
    owner = "all" if scope.owner_id is None else scope.owner_id
    return cache_key(VALUE, f"{scope.period.end.isoformat()}:{owner}")


def _value(scope: Scope) -> dict:
    """The value distribution as of the period's end for the scope's owner (cached)."""
    def compute() -> dict:
        found, model = _cached_model(scope.period.end)
        value, fitted = figures.customer_value(as_of=scope.period.end,
                                               owner_id=scope.owner_id, model=model)
        if not found:
            _keep_model(scope.period.end, fitted)
        return value

    return cached(_value_key(scope), compute, timeout=settings.ANALYTICS_CACHE_SECONDS)


def _overview(scope: Scope) -> dict:
    return figures.overview(period=scope.period, owner_id=scope.owner_id)


def _sales(scope: Scope) -> dict:
    return figures.sales(period=scope.period, owner_id=scope.owner_id)


def _customers(scope: Scope) -> dict:
    return {**figures.customers(period=scope.period, owner_id=scope.owner_id),
            "value": _value(scope)}


_COMPUTE = {"overview": _overview, "sales": _sales, "customers": _customers}


def page_figures(page: str, scope: Scope) -> dict:
    """The figures of `page` (one of PAGES) for `scope`, cached (see caching)."""
    compute = _COMPUTE[page]
    return cached_figures(page, scope.key, lambda: compute(scope))


def _values(scope: Scope) -> CustomerValues:
    as_of = scope.period.end
    found, model = _cached_model(as_of)
    with loading.snapshot():
        values = customer_values(as_of=as_of, owner=scope.owner_id, model=model)
    if not found:
        _keep_model(as_of, values.model)
    return values


def selection_figures(scope: Scope, selection: tuple) -> dict:
    """The customers of a computed group (SelectionForm.selection) for `scope`, cached."""
    def compute() -> dict:
        if selection[0] in ("segment", "cell"):
            return figures.rfm_selection(period=scope.period, owner_id=scope.owner_id,
                                         selection=selection)
        return figures.value_selection(values=_values(scope), selection=selection)

    return cached_figures(SELECTION_PAGE, scope.key, compute, selection)


def refresh(page: str, scope: Scope, selection: tuple = ()) -> None:
    """Forget the cached figures of one page for one scope (the customers page's value
    distribution included), so the next visit computes them afresh."""
    forget(page, scope.key, selection)
    if page == "customers":
        cache.delete(_value_key(scope))
