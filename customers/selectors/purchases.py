"""Reads of purchases that depend on the user: the ledger, its pages and its totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, QuerySet, Sum

from crm.models import User
from crm.pagination import KeysetPage, KeysetPaginator
from customers.models import Purchase


def purchase_list(*, user: User) -> QuerySet[Purchase]:
    """Purchases of the live customers the user may see, newest first, with the customer's
    name and the product a list row shows."""
    return (
        Purchase.objects.visible_to(user)
        .select_related("customer", "product")
        .only("purchased_on", "quantity", "unit_price", "amount", "channel", "customer__name",
              "product__name", "product__sku")
        .order_by("-purchased_on", "-id")
    )


@dataclass(frozen=True)
class PurchaseTotals:
    """Purchases and revenue of a filtered ledger, or only `capped` when it holds more than
    LIST_COUNT_LIMIT lines (summing millions of lines on every page view would be slow)."""

    count: int
    revenue: Decimal | None
    capped: bool


def purchase_totals(*, purchases: QuerySet[Purchase]) -> PurchaseTotals:
    """Count and revenue of `purchases` in one query that reads at most LIST_COUNT_LIMIT + 1
    lines."""
    limit = settings.LIST_COUNT_LIMIT
    row = purchases.order_by().values("amount")[: limit + 1].aggregate(
        count=Count("*"), revenue=Sum("amount"))
    if row["count"] > limit:
        return PurchaseTotals(count=limit, revenue=None, capped=True)
    return PurchaseTotals(count=row["count"], revenue=row["revenue"] or Decimal("0.00"),
                          capped=False)


def purchase_page(
    *, purchases: QuerySet[Purchase], cursor: str | None
) -> tuple[KeysetPage, PurchaseTotals]:
    """One page of `purchases` (already limited to what the user may see), newest first, and
    the totals of all of them."""
    totals = purchase_totals(purchases=purchases)
    page = KeysetPaginator(purchases).page(cursor, count=totals.count)
    page.count_is_capped = totals.capped
    return page, totals
