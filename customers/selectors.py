"""Reads of customers and purchases that depend on the user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from crm.models import Role, User
from customers.models import Customer, Purchase, Tag
from customers.normalization import normalize_email, normalize_phone


def customer_list(*, user: User) -> QuerySet[Customer]:
    """Live customers the user may see, with what a list row shows."""
    return Customer.objects.visible_to(user).for_list()


def customer_get(*, user: User, pk: int) -> Customer:
    """One live customer the user may see, or 404 (another rep's customer does not exist)."""
    return get_object_or_404(Customer.objects.visible_to(user).select_related("owner"), pk=pk)


def customer_trash(*, user: User) -> QuerySet[Customer]:
    """Deleted customers the user may see, most recently deleted first."""
    return (
        Customer.all_objects.deleted()
        .visible_to(user)
        .select_related("owner", "deleted_by")
        .order_by("-deleted_at", "-id")
    )


def customer_get_deleted(*, user: User, pk: int) -> Customer:
    return get_object_or_404(Customer.all_objects.deleted().visible_to(user), pk=pk)


@dataclass(frozen=True)
class DuplicateReport:
    """Live customers sharing a phone or e-mail: those the user may open, and a count of the
    rest (named nowhere, so the warning leaks no other rep's customer)."""

    visible: list[Customer]
    hidden_count: int

    def __bool__(self) -> bool:
        return bool(self.visible) or self.hidden_count > 0


def customer_duplicates(
    *, user: User, phone: str = "", email: str = "", exclude_pk: int | None = None, limit: int = 5
) -> DuplicateReport:
    phone_n, email_n = normalize_phone(phone), normalize_email(email)
    match = Q()
    if phone_n:
        match |= Q(phone_normalized=phone_n)
    if email_n:
        match |= Q(email_normalized=email_n)
    if not match:
        return DuplicateReport(visible=[], hidden_count=0)
    candidates = Customer.objects.filter(match)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    mine = candidates.visible_to(user)
    visible = list(mine.select_related("owner").order_by("id")[:limit])
    hidden = candidates.count() - (len(visible) if len(visible) < limit else mine.count())
    return DuplicateReport(visible=visible, hidden_count=hidden)


@dataclass(frozen=True)
class PurchaseSummary:
    count: int
    revenue: Decimal
    first_on: object
    last_on: object


def customer_purchase_summary(*, customer: Customer) -> PurchaseSummary:
    """Totals of the customer's purchase history in one aggregate query."""
    row = Purchase.objects.filter(customer=customer).aggregate(
        count=Count("id"), revenue=Sum("amount"), first_on=Min("purchased_on"),
        last_on=Max("purchased_on"),
    )
    return PurchaseSummary(
        count=row["count"], revenue=row["revenue"] or Decimal("0.00"),
        first_on=row["first_on"], last_on=row["last_on"],
    )


def customer_purchases(*, user: User, customer: Customer) -> QuerySet[Purchase]:
    """The customer's purchases, newest first, if the user may see the customer."""
    return Purchase.objects.visible_to(user).filter(customer=customer).for_list()


def customer_purchases_of(*, user: User, customers: QuerySet[Customer]) -> QuerySet[Purchase]:
    """Purchases of `customers` (already limited to what the user may see)."""
    return Purchase.objects.visible_to(user).filter(customer__in=customers.values("pk"))


def tag_choices() -> list[tuple[str, str]]:
    """(id, name) of every tag in name order, for filter and form choices."""
    return [(str(pk), name) for pk, name in Tag.objects.values_list("pk", "name")]


def assignable_owners(*, also: int | None = None) -> QuerySet[User]:
    """Active users who can own customers (reps, managers), plus user `also` if given — the
    current owner of a record stays a valid choice after leaving."""
    eligible = Q(is_active=True) & (
        Q(groups__name__in=[Role.SALES, Role.MANAGER]) | Q(is_superuser=True)
    )
    if also is not None:
        eligible |= Q(pk=also)
    return User.objects.filter(eligible).distinct().order_by("username")
