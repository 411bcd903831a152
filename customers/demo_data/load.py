"""Writes the demo data set in one transaction: role users, products and tags through the ORM,
then customers, their tags and purchases through PostgreSQL COPY."""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm import caching
from crm.models import Role, User
from customers.demo_data import vocabulary as v
from customers.demo_data.generate import (
    CUSTOMER_COLUMNS,
    PURCHASE_COLUMNS,
    TAG_COLUMNS,
    SeedContext,
    generate_chunk,
)
from customers.models import Customer, Product, Purchase
from customers.selectors import PRODUCTS_CACHE
from customers.services import sales_target_set, tags_resolve

DEMO_PASSWORD = "demo12345"
# Sales targets: every month from this many months back to this many ahead.
TARGET_MONTHS_BACK = 24
TARGET_MONTHS_AHEAD = 3


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    last_name: str
    first_name: str
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def full_name(self) -> str:
        return self.last_name + self.first_name


DEMO_USERS = (
    DemoUser("admin", "superuser", "陈", "志强", is_staff=True, is_superuser=True),
    DemoUser("manager", Role.MANAGER, "王", "丽华", is_staff=True),
    DemoUser("sales1", Role.SALES, "张", "伟"),
    DemoUser("sales2", Role.SALES, "李", "娜"),
    DemoUser("sales3", Role.SALES, "刘", "浩然"),
    DemoUser("support", Role.SUPPORT, "赵", "静", is_staff=True),
)


class DemoDataExists(Exception):
    """The database already has customers; demo data only goes into an empty one."""


@dataclass
class SeedResult:
    customers: int = 0
    purchases: int = 0
    tags: int = 0
    products: int = 0
    targets: int = 0
    users_created: tuple[str, ...] = ()
    seconds: float = 0.0


def demo_data_seed(
    *, customers: int, seed: int, chunk_size: int = 50_000, purchase_factor: float = 1.0,
    log: Callable[[str], None] = lambda message: None,
) -> SeedResult:
    """Fill an empty database with demo users, products, `customers` customers, tags and
    purchases, all or nothing. Raises `DemoDataExists`, writing nothing, when any customer
    (deleted ones included) exists. The same `seed`, count and chunk size give the same data."""
    started = clock.monotonic()
    result = SeedResult()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Blocks concurrent inserts (and a second seeder) until commit, so the emptiness
            # check holds and the reserved id range stays free.
            cursor.execute(
                f"LOCK TABLE {_table(Customer)} IN SHARE ROW EXCLUSIVE MODE"
            )
        if Customer.all_objects.exists():
            raise DemoDataExists
        result.users_created = _ensure_users()
        products = _ensure_products()
        result.products = len(products)
        tags = {tag.name: tag.pk for tag in tags_resolve(v.TAGS)}
        reps = User.objects.filter(
            username__in=[u.username for u in DEMO_USERS if u.role == Role.SALES],
            is_active=True,
        ).order_by("username")
        ctx = SeedContext(
            today=timezone.localdate(),
            now=timezone.now(),
            tz=ZoneInfo(settings.TIME_ZONE),
            rep_ids=tuple(reps.values_list("pk", flat=True)),
            tag_ids=tags,
            product_ids=tuple(p.pk for p in products),
            product_cents=tuple(int(p.list_price * 100) for p in products),
            product_weights=tuple(_popularity(p.sku) for p in products),
            purchase_factor=purchase_factor,
        )
        log(f"Users, {len(products)} products and {len(tags)} tags ready "
            f"({clock.monotonic() - started:.1f}s).")
        _load_customers(result, ctx, customers=customers, seed=seed, chunk_size=chunk_size,
                        log=log, started=started)
        if customers:
            analyze_started = clock.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(
                    _table(m) for m in (Customer, Customer.tags.through, Purchase)))
            log(f"Analyzed tables ({clock.monotonic() - analyze_started:.1f}s).")
        targets_started = clock.monotonic()
        result.targets = _seed_targets(ctx, seed=seed)
        log(f"{result.targets} sales targets set ({clock.monotonic() - targets_started:.1f}s).")
        commit_started = clock.monotonic()
    log(f"Committed ({clock.monotonic() - commit_started:.1f}s).")
    result.seconds = clock.monotonic() - started
    return result


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _popularity(sku: str) -> float:
    return next((float(w) for s, *_rest, w in v.PRODUCTS if s == sku), 1.0)


def _ensure_users() -> tuple[str, ...]:
    """Create the demo users that do not exist yet; existing accounts are left untouched."""
    existing = set(User.objects.filter(
        username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True))
    # One hash for all: the password is published anyway, and hashing is the slow part.
    password = make_password(DEMO_PASSWORD)
    groups = {g.name: g for g in Group.objects.filter(name__in=list(Role.values))}
    created = []
    for spec in DEMO_USERS:
        if spec.username in existing:
            continue
        user = User.objects.create(
            username=spec.username, first_name=spec.first_name, last_name=spec.last_name,
            email=f"{spec.username}@example.com", password=password,
            is_staff=spec.is_staff, is_superuser=spec.is_superuser,
        )
        if spec.role in groups:
            user.groups.add(groups[spec.role])
        created.append(spec.username)
    return tuple(created)


def _ensure_products() -> list[Product]:
    """The demo catalogue, reusing products whose SKU already exists."""
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[r[0] for r in v.PRODUCTS])}
    launched = timezone.now() - timedelta(days=3 * 365 + 30)
    missing = [
        Product(sku=sku, name=name, category=category, list_price=Decimal(price),
                created_at=launched)
        for sku, name, category, price, _weight in v.PRODUCTS if sku not in existing
    ]
    for product in missing:
        product.full_clean()
    Product.objects.bulk_create(missing)
    if missing:
        caching.invalidate(PRODUCTS_CACHE)  # bulk_create sends no signals
    return sorted([*existing.values(), *missing], key=lambda p: p.sku)


def _reserve_ids(model, count: int) -> int:
    """First of `count` consecutive primary keys taken from the table's identity sequence."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _copy(cursor, model, columns: tuple[str, ...], text: str) -> None:
    if not text:
        return
    quote = connection.ops.quote_name
    sql = f"COPY {_table(model)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        copy.write(text)


def _load_customers(result, ctx, *, customers, seed, chunk_size, log, started) -> None:
    if customers <= 0:
        return
    rng = np.random.default_rng(seed)
    first_id = _reserve_ids(Customer, customers)
    offsets = range(0, customers, chunk_size)
    numbers = {"purchase": 1}

    def generate(offset: int):
        chunk = generate_chunk(
            rng, ctx, count=min(chunk_size, customers - offset), first_id=first_id + offset,
            first_number=offset + 1, first_purchase_number=numbers["purchase"],
        )
        numbers["purchase"] += chunk.purchase_count
        return chunk

    # One worker generates the next chunk while PostgreSQL ingests the current one; chunks are
    # still generated one after another from the same random stream, so output is unchanged.
    with ThreadPoolExecutor(max_workers=1) as pool, connection.cursor() as cursor:
        pending = pool.submit(generate, offsets[0])
        for index in range(len(offsets)):
            chunk = pending.result()
            if index + 1 < len(offsets):
                pending = pool.submit(generate, offsets[index + 1])
            _copy(cursor, Customer, CUSTOMER_COLUMNS, chunk.customers)
            _copy(cursor, Customer.tags.through, TAG_COLUMNS, chunk.tags)
            _copy(cursor, Purchase, PURCHASE_COLUMNS, chunk.purchases)
            result.customers += chunk.customer_count
            result.tags += chunk.tag_count
            result.purchases += chunk.purchase_count
            log(f"  {result.customers:>9,} / {customers:,} customers, "
                f"{result.purchases:,} purchases, {result.tags:,} tags "
                f"({clock.monotonic() - started:.1f}s)")


def _add_months(month, count: int):
    index = month.year * 12 + month.month - 1 + count
    return month.replace(year=index // 12, month=index % 12 + 1, day=1)


def _seed_targets(ctx: SeedContext, *, seed: int) -> int:
    """Monthly targets for every demo rep from TARGET_MONTHS_BACK months ago to
    TARGET_MONTHS_AHEAD ahead, set by the demo manager through the service: what the rep's
    customers bought around that month (three months averaged; the last twelve complete months
    for this month and later), within ±30%, rounded. Reps whose customers bought nothing get
    none."""
    if not ctx.rep_ids:
        return 0
    this_month = ctx.today.replace(day=1)
    first = _add_months(this_month, -TARGET_MONTHS_BACK - 1)
    revenue: dict[tuple[int, object], float] = {}
    rows = (
        Purchase.objects.filter(purchased_on__gte=first, purchased_on__lt=this_month,
                                customer__owner__in=ctx.rep_ids)
        .annotate(month=TruncMonth("purchased_on"))
        .values_list("customer__owner", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for owner, month, total in rows:
        revenue[owner, month] = float(total)
    manager = User.objects.filter(username="manager", is_active=True).first()
    actor = manager if manager is not None and manager.is_manager else None
    # A stream of its own, so targets do not change the customers a seed gives.
    rng = np.random.default_rng([seed, 2])
    months = [_add_months(this_month, k)
              for k in range(-TARGET_MONTHS_BACK, TARGET_MONTHS_AHEAD + 1)]
    created = 0
    for rep in User.objects.filter(pk__in=ctx.rep_ids).order_by("pk"):
        recent = [revenue.get((rep.pk, _add_months(this_month, -k)), 0.0) for k in range(1, 13)]
        yearly = sum(recent) / len(recent)
        if yearly <= 0:
            continue
        for month in months:
            if month < this_month:
                around = [revenue.get((rep.pk, _add_months(month, k)), 0.0) for k in (-1, 0, 1)
                          if _add_months(month, k) < this_month]
                base = sum(around) / len(around) or yearly
            else:
                base = yearly
            step = 100 if base < 100_000 else 1_000
            amount = max(step, round(base * rng.uniform(0.7, 1.3) / step) * step)
            sales_target_set(actor=actor, rep=rep, month=month, amount=Decimal(amount))
            created += 1
    return created
