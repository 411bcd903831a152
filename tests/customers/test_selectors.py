"""Selectors of the customers app not covered through their pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from customers import selectors
from tests.factories import CustomerFactory, PurchaseFactory


class TestCustomerPurchaseHistory:
    def test_one_customers_purchases_newest_first_with_totals(self, rep):
        customer = CustomerFactory(owner=rep)
        days = [dt.date(2025, 1, d) for d in (3, 1, 2)]
        for day in days:
            PurchaseFactory(customer=customer, purchased_on=day, quantity=1,
                            unit_price=Decimal("10.00"))
        PurchaseFactory(customer=CustomerFactory(owner=rep))
        found, summary, page = selectors.customer_purchase_history(
            user=rep, pk=customer.pk, cursor=None, per_page=2)
        assert found == customer
        assert (summary.count, summary.revenue) == (3, Decimal("30.00"))
        assert [p.purchased_on for p in page.object_list] == sorted(days, reverse=True)[:2]
        assert page.has_next and page.count == 3
        rest = selectors.customer_purchase_history(
            user=rep, pk=customer.pk, cursor=page.next_cursor, per_page=2)[2]
        assert [p.purchased_on for p in rest.object_list] == [min(days)]

    def test_another_reps_or_a_deleted_customer_is_not_found(self, rep, other_rep, manager):
        theirs = CustomerFactory(owner=other_rep)
        PurchaseFactory(customer=theirs)
        deleted = CustomerFactory(owner=rep, deleted_at="2025-01-01T00:00:00Z")
        PurchaseFactory(customer=deleted)
        for user, customer in ((rep, theirs), (rep, deleted), (manager, deleted)):
            with pytest.raises(Http404):
                selectors.customer_purchase_history(user=user, pk=customer.pk, cursor=None)
        assert selectors.customer_purchase_history(
            user=manager, pk=theirs.pk, cursor=None)[2].count == 1
