"""How dashboard figures are cached: computed once however many requests ask, the value
distribution shared by periods with the same last day, the value model by date."""

import datetime as dt
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache

from analytics import value
from analytics.dashboard import caching, pages
from analytics.dashboard.scope import Scope
from analytics.periods import Period
from tests.factories import CustomerFactory, PurchaseFactory

D = dt.date


def test_a_request_waits_for_the_figures_another_one_is_computing(monkeypatch):
    monkeypatch.setattr(caching, "POLL_SECONDS", 0.01)
    key = "analytics:test:entry"
    cache.add(f"{key}:computing", True)  # another request is computing
    threading.Timer(0.1, lambda: cache.set(key, {"answer": 42})).start()

    def compute():
        raise AssertionError("computed twice")

    assert caching.cached(key, compute, timeout=60) == {"answer": 42}


def test_a_request_computes_when_the_other_one_gave_up(monkeypatch):
    monkeypatch.setattr(caching, "POLL_SECONDS", 0.01)
    key = "analytics:test:entry"
    cache.add(f"{key}:computing", True)
    threading.Timer(0.05, lambda: cache.delete(f"{key}:computing")).start()
    assert caching.cached(key, lambda: {"answer": 1}, timeout=60) == {"answer": 1}
    assert cache.get(key) == {"answer": 1}
    assert cache.get(f"{key}:computing") is None


def test_a_failed_computation_leaves_no_marker():
    def compute():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        caching.cached("analytics:test:entry", compute, timeout=60)
    assert cache.get("analytics:test:entry:computing") is None


@pytest.fixture
def buyers(rep):
    for number in range(30):
        customer = CustomerFactory(owner=rep, acquired_on=D(2023, 1, 1))
        for month in range(1, 1 + number % 5 + 1):
            PurchaseFactory(customer=customer, purchased_on=D(2024, month, 1 + number % 20),
                            unit_price=Decimal(20 + number))


@pytest.mark.django_db
def test_periods_ending_the_same_day_share_the_value_distribution(buyers):
    spy = mock.Mock(wraps=pages.figures.customer_value)
    with mock.patch.object(pages.figures, "customer_value", spy):
        year = pages.page_figures("customers", Scope(Period(D(2024, 1, 1), D(2024, 6, 30))))
        quarter = pages.page_figures("customers", Scope(Period(D(2024, 4, 1), D(2024, 6, 30))))
    assert spy.call_count == 1
    assert year["value"] == quarter["value"]
    assert year["rfm"] != quarter["rfm"]


@pytest.mark.django_db
def test_the_value_model_of_a_date_is_fitted_once_for_every_owner(buyers, rep):
    period = Period(D(2024, 1, 1), D(2024, 6, 30))
    spy = mock.Mock(wraps=value.fit_value_model)
    with mock.patch.object(value, "fit_value_model", spy):
        everyone = pages.page_figures("customers", Scope(period))
        own = pages.page_figures("customers", Scope(period, owner_id=rep.pk))
        pages.refresh("customers", Scope(period))
        pages.page_figures("customers", Scope(period))
    assert spy.call_count == 1
    assert everyone["value"]["model"] == own["value"]["model"]
    assert everyone["value"]["model"] is not None


@pytest.mark.django_db
def test_refresh_forgets_only_the_page_and_scope_asked_for(buyers, rep):
    period = Period(D(2024, 1, 1), D(2024, 6, 30))
    mine, everyone = Scope(period, owner_id=rep.pk), Scope(period)
    for scope in (mine, everyone):
        pages.page_figures("overview", scope)
        pages.page_figures("sales", scope)
    pages.refresh("overview", everyone)
    assert cache.get(caching.cache_key("overview", everyone.key)) is None
    assert cache.get(caching.cache_key("overview", mine.key)) is not None
    assert cache.get(caching.cache_key("sales", everyone.key)) is not None
