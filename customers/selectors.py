"""Reads of customers and purchases that depend on the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, connections
from django.db.models import (
    BooleanField, Count, F, Func, JSONField, OuterRef, Q, QuerySet, Sum, Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode

from crm import caching
from crm.models import Role, User
from crm.pagination import LAST, NEXT, PREVIOUS, Cursor, KeysetPage, KeysetPaginator
from customers.models import (
    LIST_FIELDS, Customer, CustomerMerge, ImportJob, Product, Purchase, Tag,
)
from customers import rows
from customers.models.master import (
    TRIGRAM_SEARCHES, search_kind, similar_name_key, tag_names_sql,
)
from customers.normalization import normalize_email, normalize_phone


def customer_list(*, user: User) -> QuerySet[Customer]:
    """Live customers the user may see."""
    return Customer.objects.visible_to(user)


def customer_page(
    *, user: User, customers: QuerySet[Customer], cursor: str | None,
    owners: list[tuple[int, str]], search: str = "",
) -> KeysetPage:
    """One page of `customers` (already limited to what `user` may see, and to `search`, the
    list's free-text term if any) as finished list rows (`customers.rows`); `owners` are the
    (id, name) pairs the page already shows.

    The first page of a search for two or more characters comes from one scan of its
    matches (`_search_first_page`). Otherwise the page query counts the list too, except for trigram
    searches: their index scan is their cost, so they count in a query of their own, made
    only if the first page does not hold every match."""
    kind = search_kind(search)
    paginator = KeysetPaginator(customers.for_list(),
                                count_with_rows=kind not in TRIGRAM_SEARCHES)
    if (kind != "none" and len(search) >= ONE_SCAN_MIN_LENGTH
            and paginator.is_first_page(cursor)):
        page = _search_first_page(paginator, customers)
    else:
        page = paginator.page(cursor)
    owner_names = dict(owners) if owners else {user.pk: str(user)}
    page.object_list = rows.finish(page.object_list, owner_names=owner_names)
    return page


# Search terms this long or longer find few enough customers, as a rule, for their first page
# to come from one scan of all their matches; one letter or character matches thousands.
ONE_SCAN_MIN_LENGTH = 2


def _search_first_page(paginator: KeysetPaginator, customers: QuerySet[Customer]) -> KeysetPage:
    """The first page of a search and its count from one scan of at most LIST_COUNT_LIMIT + 1
    matches: sorted and counted (a window count) in SQL, with the tag names read for the
    page's rows only. When there are more matches than that, the scan was the capped count,
    and the page is read in the list's order, as any list's is.

    The page query and the capped count of a list otherwise each scan a search's matches:
    twice the heap reads for a prefix search, and a second query for a trigram search."""
    limit = settings.LIST_COUNT_LIMIT
    # The subquery's columns are named after LIST_FIELDS (`values()` names "owner_id" "owner"),
    # so its rows have the keys of the ORM's list rows.
    capped = customers.order_by().values(*LIST_FIELDS)[: limit + 1]
    matches, params = capped.query.get_compiler(customers.db).as_sql()
    sql = (
        f"SELECT s.*, {tag_names_sql('s')} AS tag_names, count(*) OVER () AS matches"
        f" FROM ({matches}) s ORDER BY {paginator.order_by_sql('s')}"
        f" LIMIT {paginator.per_page + 1}"
    )
    with connections[customers.db].cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        found = [dict(zip(columns, row)) for row in cursor.fetchall()]
    count = found[0]["matches"] if found else 0
    if count > limit:
        return paginator.page(None, count=limit, count_is_capped=True)
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


def customer_purchases(*, user: User, customer: Customer) -> QuerySet[Purchase]:
    """The customer's purchases, newest first, if the user may see the customer."""
    return Purchase.objects.visible_to(user).filter(customer=customer).for_list()


def customer_purchases_of(*, user: User, customers: QuerySet[Customer]) -> QuerySet[Purchase]:
    """Purchases of `customers` (already limited to what the user may see)."""
    return Purchase.objects.visible_to(user).filter(customer__in=customers.values("pk"))


def customer_find(*, user: User, pk: int | None) -> Customer | None:
    """The live customer `pk` if the user may see it (id and name only), else None."""
    if pk is None:
        return None
    return Customer.objects.visible_to(user).filter(pk=pk).only("id", "name").first()


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


# Cache namespaces of the choice lists below; `customers.signals` and the bulk writers that
# bypass signals (imports, demo data) invalidate them.
TAGS_CACHE = "customers:tags"
OWNERS_CACHE = "customers:owners"
PRODUCTS_CACHE = "customers:products"


def choices_version() -> str:
    """Changes whenever the owner or tag choice lists may have: part of the cache key of HTML
    built from them (the customer list's filter form)."""
    return f"{caching.generation(OWNERS_CACHE)}.{caching.generation(TAGS_CACHE)}"


def tag_choices() -> list[tuple[str, str]]:
    """(id, name) of every tag in name order, for filter and form choices (cached)."""
    return caching.get_or_compute(
        TAGS_CACHE, ("choices",),
        lambda: [(str(pk), name) for pk, name in Tag.objects.values_list("pk", "name")],
        settings.CHOICES_CACHE_SECONDS,
    )


def product_choices() -> list[tuple[str, str]]:
    """(id, "name (SKU)") of every product in name order, for filter choices (cached)."""
    return caching.get_or_compute(
        PRODUCTS_CACHE, ("choices",),
        lambda: [(str(pk), f"{name} ({sku})") for pk, name, sku
                 in Product.objects.order_by("name", "id").values_list("pk", "name", "sku")],
        settings.CHOICES_CACHE_SECONDS,
    )


def owner_choices() -> list[tuple[int, str]]:
    """(id, display name) of `assignable_owners()`, for filter and reassign choices (cached)."""
    return caching.get_or_compute(
        OWNERS_CACHE, ("choices",),
        lambda: [(user.pk, str(user)) for user in assignable_owners()],
        settings.CHOICES_CACHE_SECONDS,
    )


def assignable_owners(*, also: int | None = None) -> QuerySet[User]:
    """Active users who can own customers (reps, managers), plus user `also` if given — the
    current owner of a record stays a valid choice after leaving."""
    eligible = Q(is_active=True) & (
        Q(groups__name__in=[Role.SALES, Role.MANAGER]) | Q(is_superuser=True)
    )
    if also is not None:
        eligible |= Q(pk=also)
    return User.objects.filter(eligible).distinct().order_by("username")


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """Past and running imports the user may see, newest first."""
    return ImportJob.objects.visible_to(user).select_related("created_by", "confirmed_by")


def import_job_get(*, user: User, pk: int) -> ImportJob:
    return get_object_or_404(import_job_list(user=user), pk=pk)


# Duplicate groups (the duplicates page). A group is live customers sharing a key: the
# normalized phone, the normalized e-mail, or `similar_name_key` (same city, same name once
# case, spaces, punctuation and company forms such as "Ltd." or 有限公司 are ignored).
DUPLICATE_REASONS = ("phone", "email", "name")
# A group shows at most this many members (the oldest); common names can have hundreds.
DUPLICATE_MEMBERS_SHOWN = 10


@dataclass(frozen=True)
class DuplicateGroup:
    reason: str
    key: str
    size: int
    members: list[Customer]

    @property
    def ids(self) -> list[int]:
        return [member.pk for member in self.members]

    @property
    def more(self) -> int:
        return self.size - len(self.members)

    @property
    def merge_query(self) -> str:
        """The merge page's query string for the members shown."""
        return urlencode([("ids", pk) for pk in self.ids])


def _duplicate_key(reason: str):
    if reason == "phone":
        return F("phone_normalized"), ~Q(phone_normalized="")
    if reason == "email":
        return F("email_normalized"), ~Q(email_normalized="")
    # The simplified name must not be empty ("Ltd." alone), i.e. the key is more than "city/".
    return similar_name_key(), ~Q(city="") & ~Q(group_key__endswith="/")


def _duplicate_keys(*, user: User, reason: str, bound: str | None, forward: bool, limit: int):
    """(key, size) of up to `limit` groups in key order, after (or before) `bound`."""
    key, condition = _duplicate_key(reason)
    groups = (
        Customer.objects.visible_to(user)
        .annotate(group_key=key)
        .filter(condition)
        .values("group_key")
        .annotate(size=Count("*"))
        .filter(size__gt=1)
        .order_by("group_key" if forward else "-group_key")
    )
    if bound is not None:
        groups = groups.filter(**{"group_key__gt" if forward else "group_key__lt": bound})
    return [(row["group_key"], row["size"]) for row in groups[:limit]]


def _duplicate_members(*, user: User, reason: str, keys: list[str]) -> dict[str, list[Customer]]:
    key, condition = _duplicate_key(reason)
    rank = Window(RowNumber(), partition_by=[F("group_key")], order_by=[F("id").asc()])
    members = (
        Customer.objects.visible_to(user)
        .annotate(group_key=key)
        .filter(condition, group_key__in=keys)
        .annotate(rank=rank)
        .filter(rank__lte=DUPLICATE_MEMBERS_SHOWN)
        .select_related("owner")
        .only(*LIST_FIELDS)
        .order_by("group_key", "id")
    )
    found: dict[str, list[Customer]] = {}
    for member in members:
        found.setdefault(member.group_key, []).append(member)
    return found


def duplicate_groups(
    *, user: User, reason: str | None = None, cursor: str | None = None,
    per_page: int | None = None,
) -> KeysetPage:
    """One page of groups of live customers the user may see that share a phone, an e-mail
    or a similar name in the same city, in (reason, key) order, each with its first members.

    Every page is read from the duplicate indexes in key order (a query per reason on the
    page, at most three, plus one per reason for the members); there is no total count,
    which would aggregate the whole table.
    """
    per_page = per_page or settings.LIST_PAGE_SIZE
    reasons = [reason] if reason in DUPLICATE_REASONS else list(DUPLICATE_REASONS)
    position = Cursor.decode(cursor)
    start, bound = None, None
    if position.values:
        rank, bound = position.values if len(position.values) == 2 else (None, None)
        if not (isinstance(rank, int) and 0 <= rank < len(DUPLICATE_REASONS)
                and DUPLICATE_REASONS[rank] in reasons and isinstance(bound, str)):
            return duplicate_groups(user=user, reason=reason, per_page=per_page)
        start = reasons.index(DUPLICATE_REASONS[rank])
    backwards = position.direction in (PREVIOUS, LAST)
    if backwards:
        order = reasons[start::-1] if start is not None else reasons[::-1]
    else:
        order = reasons[start:] if start is not None else reasons
    keys: list[tuple[str, str, int]] = []
    for index, name in enumerate(order):
        wanted = per_page + 1 - len(keys)
        if wanted <= 0:
            break
        keys += [(name, key, size) for key, size in _duplicate_keys(
            user=user, reason=name, bound=bound if index == 0 else None,
            forward=not backwards, limit=wanted,
        )]
    if not keys and position.values:
        return duplicate_groups(user=user, reason=reason, per_page=per_page)
    more = len(keys) > per_page
    keys = keys[:per_page]
    if backwards:
        keys.reverse()
        has_previous, has_next = more, position.direction == PREVIOUS
    else:
        has_next, has_previous = more, position.direction == NEXT
    members: dict[str, dict[str, list[Customer]]] = {}
    for name in DUPLICATE_REASONS:
        wanted = [key for reason_name, key, _size in keys if reason_name == name]
        if wanted:
            members[name] = _duplicate_members(user=user, reason=name, keys=wanted)
    groups = [DuplicateGroup(reason=name, key=key, size=size, members=members[name].get(key, []))
              for name, key, size in keys]

    def cursor_at(direction: str, group: DuplicateGroup) -> str:
        return Cursor(direction, (DUPLICATE_REASONS.index(group.reason), group.key)).encode()

    return KeysetPage(
        object_list=groups,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=cursor_at(NEXT, groups[-1]) if has_next else None,
        previous_cursor=cursor_at(PREVIOUS, groups[0]) if has_previous else None,
        count=len(groups),
        count_is_capped=False,
        per_page=per_page,
    )


def merge_candidates(*, user: User) -> QuerySet[Customer]:
    """Live customers the user may see, oldest first, with their tags and the number of
    purchases each has (what the merge form compares)."""
    return (
        Customer.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related("tags")
        .annotate(purchase_count=Count("purchases"))
        .order_by("created_at", "id")
    )


class _AnyOf(Func):
    """`value = ANY(array)`: whether an array holds the value."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def merge_list(*, user: User) -> QuerySet[CustomerMerge]:
    """Merges the user may see, newest first, with the merged customers' names."""
    names = (
        Customer.all_objects.filter(_AnyOf("pk", OuterRef("merged_ids")))
        .order_by("id")
        .values("name")
    )
    return (
        CustomerMerge.objects.visible_to(user)
        .select_related("survivor", "merged_by", "undone_by")
        .annotate(merged_names=ArraySubquery(names))
    )


def merge_get(*, user: User, pk: int) -> CustomerMerge:
    """One merge the user may see, or 404."""
    return get_object_or_404(merge_list(user=user), pk=pk)


def merge_customers(*, merge: CustomerMerge) -> QuerySet[Customer]:
    """The customers a merge folded into its survivor, deleted or restored since."""
    return Customer.all_objects.filter(pk__in=merge.merged_ids).order_by("id")


@dataclass(frozen=True)
class MovedRecords:
    label: str
    count: int


def merge_moved_records(*, merge: CustomerMerge) -> list[MovedRecords]:
    """How many records of each kind a merge moved to the survivor (no query: read from the
    merge's record; kinds of an app since removed are named by their label)."""
    counts: dict[str, int] = {}
    for entry in merge.moved:
        counts[entry["model"]] = counts.get(entry["model"], 0) + len(entry["ids"])
    return [MovedRecords(label=_records_label(model), count=count)
            for model, count in counts.items()]


def _records_label(label: str) -> str:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    source = model._meta.auto_created
    if source:
        # A many-to-many table: named after the field (tags) or the model linking customers.
        if source is Customer:
            for field in Customer._meta.many_to_many:
                if field.remote_field.through is model:
                    return str(field.verbose_name)
        return str(source._meta.verbose_name_plural)
    return str(model._meta.verbose_name_plural)
