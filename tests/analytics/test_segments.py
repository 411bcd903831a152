"""Current value segments: RFM over the trailing 365 days, stored on the customers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from analytics import rfm
from analytics.periods import Period
from analytics.segments import (
    current_value_segments,
    value_segment_period,
    value_segments_refresh,
)
from customers.models import Customer
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

D = dt.date
TODAY = D(2025, 6, 30)


def test_customer_value_segments_are_exactly_the_rfm_segments():
    assert [(s.key, s.label) for s in rfm.SEGMENTS] == [
        (key, label) for key, label in Customer.ValueSegment.choices]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert [str(s.label) for s in rfm.SEGMENTS] == [
                str(label) for label in Customer.ValueSegment.labels]


def test_the_window_is_the_365_days_ending_today():
    assert value_segment_period(today=TODAY) == Period(D(2024, 7, 1), TODAY)
    assert value_segment_period(today=TODAY).days == 365


@pytest.mark.django_db
class TestCurrentSegments:
    @pytest.fixture
    def ledger(self, rep, other_rep):
        product = ProductFactory()
        customers = {name: CustomerFactory(owner=owner, name=name, acquired_on=D(2023, 1, 1))
                     for name, owner in [("first_day", rep), ("today", rep),
                                         ("too_old", rep), ("often", other_rep),
                                         ("deleted", rep), ("never", rep)]}
        Customer.all_objects.filter(pk=customers["deleted"].pk).update(deleted_at=timezone.now())

        def buy(name, day, price="10.00"):
            PurchaseFactory(customer=customers[name], product=product, purchased_on=day,
                            unit_price=Decimal(price))

        buy("first_day", D(2024, 7, 1))          # the window's first day: in
        buy("today", TODAY, "500.00")
        buy("too_old", D(2024, 6, 30))          # the day before the window: out
        for day in (D(2025, 1, 5), D(2025, 3, 5), D(2025, 6, 1)):
            buy("often", day)
        buy("deleted", D(2025, 6, 1))
        return customers

    def test_buyers_in_the_window_get_their_rfm_segment(self, ledger):
        segments = current_value_segments(today=TODAY)
        expected = rfm.customer_rfm(period=Period(D(2024, 7, 1), TODAY))
        assert segments == dict(zip(expected["customer_id"], expected["segment"].astype(str)))
        assert set(segments) == {ledger[n].pk for n in ("first_day", "today", "often")}
        assert set(segments.values()) <= set(rfm.SEGMENT_KEYS)

    def test_customers_rank_against_every_buyer_not_their_owners_book(self, ledger, rep):
        segments = current_value_segments(today=TODAY)
        own_book = rfm.customer_rfm(period=value_segment_period(today=TODAY), owner=rep)
        within_book = dict(zip(own_book["customer_id"], own_book["segment"].astype(str)))
        # Ranked among the rep's two buyers it would look loyal; among all three, at risk.
        assert within_book[ledger["first_day"].pk] == "loyal"
        assert segments[ledger["first_day"].pk] == "at_risk"

    def test_refresh_writes_them_to_the_customers(self, ledger):
        now = timezone.now()
        written = value_segments_refresh(today=TODAY, computed_at=now)
        stored = dict(Customer.all_objects.exclude(value_segment="").values_list(
            "pk", "value_segment"))
        assert stored == current_value_segments(today=TODAY)
        assert sum(written.segments.values()) == 3
        assert written.changed == 3 and written.cleared == 0
        # A year later nobody bought: every segment is cleared.
        later = value_segments_refresh(today=D(2026, 12, 31), computed_at=now)
        assert later.cleared == 3
        assert not Customer.all_objects.exclude(value_segment="").exists()

    def test_empty_ledger(self, db):
        assert current_value_segments(today=TODAY) == {}
        assert value_segments_refresh(today=TODAY, computed_at=timezone.now()).changed == 0
