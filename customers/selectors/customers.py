"""Reads of customers that depend on the user: the list and its pages, one customer with its
purchase totals, the trash, and the duplicate warning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, connections
from django.db.models import JSONField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from crm.models import User
from crm.pagination import KeysetPage, KeysetPaginator
from customers import rows
from customers.models import Customer, Purchase
from customers.models.querysets import SEARCH_INDEX_COVERS, row_fields, tag_names_sql
from customers.models.search import TRIGRAM_SEARCHES, search_kind
from customers.normalization import normalize_email, normalize_phone


def customer_list(*, user: User) -> QuerySet[Customer]:
    """Live customers the user may see."""
    return Customer.objects.visible_to(user)


def customer_page(
    *, user: User, customers: QuerySet[Customer], cursor: str | None,
    owners: list[tuple[int, str]], search: str = "",
    unsearched: QuerySet[Customer] | None = None,
) -> KeysetPage:
    """One page of `customers` (already limited to what `user` may see, and to `search`, the
    list's free-text term if any) as finished list rows (`customers.rows`); `owners` are the
    (id, name) pairs the page already shows. `unsearched`, the same list before the search,
    lets the first page of a prefix search read its name and company matches apart (still
    only among the customers `user` may see).

    The first page of a search for two or more characters comes from one scan of its
    matches (`_search_first_page`). Otherwise the page query counts the list too, except for
    trigram searches: their index scan is their cost, so they count in a query of their own,
    made only if the first page does not hold every match."""
    kind = search_kind(search)
    # The list's order and its keys (the paginator reads no row until asked for a page).
    keys = KeysetPaginator(customers)
    if (kind != "none" and len(search) >= ONE_SCAN_MIN_LENGTH
            and keys.is_first_page(cursor)):
        parts = [customers]
        if (kind == "prefix" and unsearched is not None
                and set(keys.fields) <= set(SEARCH_INDEX_COVERS)):
            # Its indexes hold this sort's keys: each part can be read from its index alone.
            parts = unsearched.visible_to(user).prefix_search_parts(search)
        page = _search_first_page(keys, parts)
        if page is None:  # more matches than the cap: the first page as any list's
            page = KeysetPaginator(customers.for_list(keys.fields)).page(
                None, count=settings.LIST_COUNT_LIMIT, count_is_capped=True)
    else:
        page = KeysetPaginator(customers.for_list(keys.fields),
                               count_with_rows=kind not in TRIGRAM_SEARCHES).page(cursor)
    owner_names = dict(owners) if owners else {user.pk: str(user)}
    page.object_list = rows.finish(page.object_list, owner_names=owner_names)
    return page


# Search terms this long or longer find few enough customers, as a rule, for their first page
# to come from one scan of all their matches; one letter or character matches thousands.
ONE_SCAN_MIN_LENGTH = 2


def _search_first_page(
    paginator: KeysetPaginator, parts: list[QuerySet[Customer]],
) -> KeysetPage | None:
    """The first page of a search and its count from one scan of at most LIST_COUNT_LIMIT + 1
    matches (None when there are more), `paginator` giving the order and `parts` being the
    search's matches split into querysets that share no customer
    (`CustomerQuerySet.prefix_search_parts`), or the one queryset of them.

    The scan reads only the matches' sort keys (which a prefix search's indexes hold for the
    default and name orders: without other filters, its parts need not visit the table); the
    matches are sorted and counted (a window count) in SQL, and only the page's rows are then
    read whole, with their tag names. When there are more matches than the cap, the scan was
    the capped count, and the caller reads the page in the list's order, as any list's is.

    The page query and the capped count of a list otherwise each scan a search's matches:
    twice the heap reads for a prefix search, and a second query for a trigram search."""
    limit = settings.LIST_COUNT_LIMIT
    db = paginator.queryset.db
    q = connections[db].ops.quote_name
    meta = Customer._meta
    # The parts' columns are named after the sort fields, as `order_by_sql` expects.
    selects, params = [], []
    for part in parts:
        sql, part_params = part.order_by().values(*paginator.fields).query.get_compiler(
            db).as_sql()
        selects.append(f"({sql})")
        params.extend(part_params)
    matches = " UNION ALL ".join(selects)
    columns = ", ".join(
        f"c.{q(meta.get_field(name).column)} AS {q(name)}"
        for name in row_fields(paginator.fields))
    sql = (
        f"SELECT {columns}, {tag_names_sql('c')} AS tag_names, k.matches"
        f" FROM (SELECT m.*, count(*) OVER () AS matches FROM ({matches} LIMIT {limit + 1}) m"
        f" ORDER BY {paginator.order_by_sql('m')} LIMIT {paginator.per_page + 1}) k"
        f" JOIN {q(meta.db_table)} c ON c.{q(meta.pk.column)} = k.{q(meta.pk.name)}"
        f" ORDER BY {paginator.order_by_sql('k')}"
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        found = [dict(zip(names, row)) for row in cursor.fetchall()]
    count = found[0]["matches"] if found else 0
    if count > limit:
        return None
    for row in found:
        del row["matches"]
    return paginator.first_page_of(found, count=count)


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


def _with_purchase_summary(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """`customers` with `purchase_summary`: their purchases' count, revenue (as text, exact)
    and first and last days as one JSON object, from one subquery that the (customer, day)
    index answers. In SQL: the ORM's subqueries took longer to build and compile than the
    query takes to run. It names the customer table, so `customers` must not join it again."""
    q = connection.ops.quote_name
    purchase = Purchase._meta
    column = {name: q(purchase.get_field(name).column)
              for name in ("customer", "amount", "purchased_on")}
    sql = (
        f"SELECT jsonb_build_object('count', count(*), 'revenue', sum(p.{column['amount']})::text,"
        f" 'first_on', min(p.{column['purchased_on']}), 'last_on', max(p.{column['purchased_on']}))"
        f" FROM {q(purchase.db_table)} p WHERE p.{column['customer']} = "
        f"{q(Customer._meta.db_table)}.{q(Customer._meta.pk.column)}"
    )
    return customers.annotate(purchase_summary=RawSQL(sql, (), output_field=JSONField()))


def customer_with_summary(
    *, user: User, pk: int, profile: bool = False,
) -> tuple[Customer, PurchaseSummary]:
    """One live customer the user may see (or 404) and its purchase totals, in one query.
    With `profile`, the whole customer with its owner and tag names (`customer.tag_names`,
    in name order); without, its id and name only."""
    customers = Customer.objects.visible_to(user)
    if profile:
        customers = customers.select_related("owner").with_tag_names()
    else:
        customers = customers.only("id", "name")
    customers = _with_purchase_summary(customers)
    customer = get_object_or_404(customers, pk=pk)
    totals = customer.purchase_summary
    if not totals["count"]:
        return customer, PurchaseSummary(count=0, revenue=Decimal("0.00"), first_on=None,
                                         last_on=None)
    return customer, PurchaseSummary(
        count=totals["count"], revenue=Decimal(totals["revenue"]),
        first_on=dt.date.fromisoformat(totals["first_on"]),
        last_on=dt.date.fromisoformat(totals["last_on"]),
    )


def customer_purchase_history(
    *, user: User, pk: int, cursor: str | None, per_page: int = 10,
) -> tuple[Customer, PurchaseSummary, KeysetPage]:
    """One live customer the user may see (or 404; its id and name), its purchase totals, and
    one page of its purchases, newest first, with the product a row shows.

    The purchases are read by the customer's id once `customer_with_summary` has found the
    customer among those the user may see: a second visibility subquery, as
    `Purchase.objects.visible_to` adds, would only repeat that check."""
    customer, summary = customer_with_summary(user=user, pk=pk)
    purchases = (
        Purchase.objects.filter(customer_id=customer.pk)
        .select_related("product")
        .only("purchased_on", "quantity", "unit_price", "amount", "channel",
              "product__name", "product__sku")
    )
    page = KeysetPaginator(purchases, per_page=per_page).page(cursor, count=summary.count)
    return customer, summary, page


def customer_purchases_of(*, user: User, customers: QuerySet[Customer]) -> QuerySet[Purchase]:
    """Purchases of `customers` (already limited to what the user may see)."""
    return Purchase.objects.visible_to(user).filter(customer__in=customers.values("pk"))


def customer_find(*, user: User, pk: int | None) -> Customer | None:
    """The live customer `pk` if the user may see it (id and name only), else None."""
    if pk is None:
        return None
    return Customer.objects.visible_to(user).filter(pk=pk).only("id", "name").first()
