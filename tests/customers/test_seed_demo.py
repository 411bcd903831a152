import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum
from django.test import Client
from django.utils import timezone

from crm.models import Role, User
from customers.demo_data import DEMO_PASSWORD, DEMO_USERS, load, vocabulary
from customers.demo_data.generate import HISTORY_DAYS
from customers.models import Customer, Product, Purchase, SalesTarget, Tag
from customers.normalization import normalize_email, normalize_phone
from tests.factories import UserFactory

N = 400
DEMO_USERNAMES = [u.username for u in DEMO_USERS]
_CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    options = {"customers": N, "seed": 7, "chunk_size": 150, **options}
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def _row_counts() -> tuple[int, ...]:
    return (
        Customer.all_objects.count(), Purchase.objects.count(),
        Customer.tags.through.objects.count(), Product.objects.count(), User.objects.count(),
    )


def _wipe_customers() -> None:
    Purchase.objects.all().delete()
    Customer.tags.through.objects.all().delete()
    Customer.all_objects.all().delete()


def test_seed_demo_creates_a_user_per_role_who_logs_in_with_the_demo_password(seeded):
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert sorted(users) == sorted(DEMO_USERNAMES)
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["manager"].role_names == {Role.MANAGER} and users["manager"].is_staff
    assert users["support"].role_names == {Role.SUPPORT} and users["support"].is_staff
    for name in ("sales1", "sales2", "sales3"):
        assert users[name].role_names == {Role.SALES}
        assert not users[name].is_staff and not users[name].is_superuser
    for user in users.values():
        assert _CJK.search(user.first_name) and _CJK.search(user.last_name)
        assert Client().login(username=user.username, password=DEMO_PASSWORD), user.username
    assert not Client().login(username="sales1", password="wrong-password")


def test_seed_demo_prints_the_demo_logins(seeded):
    assert DEMO_PASSWORD in seeded
    for spec in DEMO_USERS:
        assert re.search(rf"^\s+{spec.username}\s+{spec.role}\s+{spec.full_name}$", seeded, re.M)


def test_seed_demo_creates_the_requested_customers_products_tags_and_purchases(seeded):
    assert Customer.all_objects.count() == N
    assert list(Customer.all_objects.order_by("external_id").values_list(
        "external_id", flat=True)) == [f"C{k:07d}" for k in range(1, N + 1)]
    assert set(Customer.all_objects.values_list("version", flat=True)) == {1}
    assert not Customer.all_objects.filter(deleted_at__isnull=False).exists()
    assert 35 <= Product.objects.count() <= 45
    assert Product.objects.filter(name__regex=r"[\u4e00-\u9fff]").exists()
    assert Product.objects.exclude(name__regex=r"[\u4e00-\u9fff]").exists()
    buyers = Customer.all_objects.exclude(status=Customer.Status.POTENTIAL).count()
    assert 2 * buyers <= Purchase.objects.count() <= 4 * buyers
    assert {"VIP", "老客户", "高潜力", "wholesale"} <= set(Tag.objects.values_list("name", flat=True))
    assert Customer.tags.through.objects.count() > N // 10
    vip = Customer.all_objects.filter(tags__name="VIP").first()
    assert "VIP" in {t.name for t in vip.tags.all()}


def test_seed_demo_customers_pass_full_clean(seeded):
    for customer in Customer.all_objects.order_by("id")[::8]:
        customer.full_clean()
    for purchase in Purchase.objects.order_by("id")[::20]:
        purchase.full_clean()


def test_seed_demo_normalized_phone_and_email_match_the_normalizers(seeded):
    rows = Customer.all_objects.values_list(
        "phone", "phone_normalized", "email", "email_normalized")
    for phone, phone_normalized, email, email_normalized in rows:
        assert phone_normalized == normalize_phone(phone), phone
        assert email_normalized == normalize_email(email) == email, email
    phones = [p for p, *_ in rows if p]
    assert len(phones) > 0.9 * N
    mobiles = [p for p in phones if re.fullmatch(r"(\+86 )?1[3-9]\d[ -]?\d{4}[ -]?\d{4}", p)]
    assert len(mobiles) > len(phones) / 2
    assert any(p.startswith("+1 ") for p in phones) and any(p.startswith("+44 ") for p in phones)


def test_seed_demo_mixes_chinese_and_english_people_and_companies(seeded):
    customers = list(Customer.all_objects.values("name", "kind", "city", "status", "owner_id",
                                                 "marketing_opt_out", "gender"))
    chinese = [c for c in customers if _CJK.search(c["name"])]
    assert 0.6 * N < len(chinese) < 0.95 * N
    assert any(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", c["name"]) for c in customers)
    companies = [c for c in customers if c["kind"] == Customer.Kind.COMPANY]
    assert 0.05 * N < len(companies) < 0.3 * N and not any(c["gender"] for c in companies)
    cities = {c["city"] for c in customers}
    assert {"北京", "上海"} <= cities and cities & {"London", "New York", "San Francisco"}
    statuses = [c["status"] for c in customers]
    for status, low, high in (("potential", 0.1, 0.4), ("active", 0.4, 0.75),
                              ("churned", 0.05, 0.3)):
        assert low * N < statuses.count(status) < high * N, status
    reps = set(User.objects.filter(groups__name=Role.SALES).values_list("pk", flat=True))
    owners = [c["owner_id"] for c in customers]
    assert set(owners) - {None} == reps
    assert 0 < owners.count(None) < 0.2 * N
    assert 0 < sum(c["marketing_opt_out"] for c in customers) < 0.1 * N


def test_seed_demo_dates_obey_the_status_and_history(seeded):
    today = timezone.localdate()
    for c in Customer.all_objects.all():
        assert today - timedelta(days=HISTORY_DAYS) <= c.acquired_on <= today
        assert (c.status == Customer.Status.CHURNED) == (c.churned_on is not None)
        if c.churned_on:
            assert c.acquired_on <= c.churned_on <= today
        assert timezone.localtime(c.created_at).date() == c.acquired_on
        assert c.created_at <= c.updated_at <= timezone.now()
        if c.birth_date:
            assert 18 <= (today - c.birth_date).days // 365 <= 70


def test_seed_demo_purchases_fall_between_acquisition_and_churn_or_today(seeded):
    today = timezone.localdate()
    purchases = Purchase.objects.select_related("customer", "product")
    assert purchases.exists()
    for p in purchases:
        assert p.customer.acquired_on <= p.purchased_on <= today
        if p.customer.churned_on:
            assert p.purchased_on < p.customer.churned_on or (
                p.purchased_on == p.customer.churned_on == p.customer.acquired_on)
        assert 1 <= p.quantity <= 5
        assert p.amount == p.quantity * p.unit_price
        assert Decimal("0.8") * p.product.list_price <= p.unit_price <= p.product.list_price
    assert not Purchase.objects.filter(customer__status=Customer.Status.POTENTIAL).exists()
    assert not Purchase.objects.exclude(amount=F("quantity") * F("unit_price")).exists()
    external = list(Purchase.objects.exclude(external_id="").values_list("external_id", flat=True))
    assert 0 < len(external) < Purchase.objects.count()
    assert len(set(external)) == len(external)


def test_seed_demo_if_empty_does_nothing_when_customers_exist(seeded):
    before = _row_counts()
    out = seed(if_empty=True, seed=99)
    assert _row_counts() == before
    assert "nothing seeded" in out
    assert "sales1" in out and DEMO_PASSWORD in out


def test_seed_demo_refuses_to_run_twice_without_if_empty(seeded):
    before = _row_counts()
    with pytest.raises(CommandError, match="already has customers"):
        seed(seed=99)
    assert _row_counts() == before


def test_seed_demo_same_seed_gives_the_same_customers():
    def snapshot():
        return list(Customer.all_objects.order_by("external_id").values_list(
            "name", "phone", "email", "status", "acquired_on", "owner__username"))

    seed(customers=120, seed=3, chunk_size=50)
    first = snapshot()
    first_purchases = Purchase.objects.count()
    _wipe_customers()
    seed(customers=120, seed=3, chunk_size=50)
    assert snapshot() == first
    assert Purchase.objects.count() == first_purchases
    _wipe_customers()
    seed(customers=120, seed=4, chunk_size=50)
    assert [row[0] for row in snapshot()] != [row[0] for row in first]


def test_seed_demo_writes_nothing_when_loading_fails_midway(monkeypatch):
    real = load.generate_chunk
    calls = []

    def fail_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(load, "generate_chunk", fail_on_second_chunk)
    with pytest.raises(RuntimeError, match="disk full"):
        seed()
    assert len(calls) == 2
    assert _row_counts()[:4] == (0, 0, 0, 0)
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_seed_demo_leaves_existing_users_alone():
    UserFactory(username="admin", first_name="Root", password="kept-password")
    out = seed(customers=20)
    admin = User.objects.get(username="admin")
    assert admin.check_password("kept-password") and not admin.is_superuser
    assert admin.first_name == "Root"
    assert User.objects.get(username="sales1").check_password(DEMO_PASSWORD)
    assert "5 users" in out


def test_seed_demo_with_zero_customers_creates_users_and_products_only():
    seed(customers=0)
    assert Customer.all_objects.count() == 0
    assert Product.objects.count() > 0
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERS)
    assert Group.objects.get(name=Role.SALES).user_set.count() == 3
    assert not SalesTarget.objects.exists()  # nothing bought, nothing to aim at


def test_seed_demo_rejects_a_negative_customer_count():
    with pytest.raises(CommandError, match="zero or more"):
        seed(customers=-1)
    assert _row_counts() == (0, 0, 0, 0, 0)


def test_seed_demo_spreads_purchases_over_levels(seeded):
    per_level = dict(
        Customer.all_objects.exclude(status=Customer.Status.POTENTIAL)
        .values("level").annotate(n=Count("purchases")).values_list("level", "n")
    )
    customers = dict(
        Customer.all_objects.exclude(status=Customer.Status.POTENTIAL)
        .values("level").annotate(n=Count("id")).values_list("level", "n")
    )
    assert per_level["A"] / customers["A"] > per_level["D"] / customers["D"]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def test_demo_vocabulary_is_safe_to_send_as_copy_text():
    words = [w for name in dir(vocabulary) if name.isupper()
             for w in _strings(getattr(vocabulary, name))]
    assert len(words) > 500
    assert not [w for w in words if set(w) & {"\t", "\n", "\r", "\\"}]


def test_seed_demo_purchase_factor_scales_repeat_purchases():
    seed(customers=300, seed=5)
    base = Purchase.objects.count()
    buyers = Customer.all_objects.exclude(status=Customer.Status.POTENTIAL).count()
    _wipe_customers()
    seed(customers=300, seed=5, purchase_factor=3.0)
    tripled = Purchase.objects.count()
    # Each buyer keeps its first purchase; only the repeats (base − buyers) triple.
    expected = buyers + 3 * (base - buyers)
    assert abs(tripled - expected) < 0.15 * expected


def test_seed_demo_rejects_an_out_of_range_purchase_factor():
    with pytest.raises(CommandError, match="between 0 and 20"):
        seed(purchase_factor=-1)
    assert _row_counts() == (0, 0, 0, 0, 0)


def _month(today, offset: int):
    index = today.year * 12 + today.month - 1 + offset
    return today.replace(year=index // 12, month=index % 12 + 1, day=1)


def test_seed_demo_sets_monthly_targets_for_every_rep_in_line_with_their_sales(seeded):
    today = timezone.localdate()
    months = [_month(today, k) for k in range(-load.TARGET_MONTHS_BACK,
                                              load.TARGET_MONTHS_AHEAD + 1)]
    manager = User.objects.get(username="manager")
    assert f"{SalesTarget.objects.count()} sales targets" in seeded
    for username in ("sales1", "sales2", "sales3"):
        rep = User.objects.get(username=username)
        targets = dict(SalesTarget.objects.filter(rep=rep).values_list("month", "amount"))
        assert sorted(targets) == months  # 24 months back, this month and 3 ahead
        assert all(amount > 0 for amount in targets.values())
        last_year = [_month(today, -k) for k in range(1, 13)]
        actual = Purchase.objects.filter(
            customer__owner=rep, purchased_on__gte=last_year[-1],
            purchased_on__lt=_month(today, 0)).aggregate(total=Sum("amount"))["total"]
        aimed = sum(targets[month] for month in last_year)
        # Each month's target is that month's sales (three months averaged) within ±30%.
        assert Decimal("0.75") <= aimed / actual <= Decimal("1.25"), (username, aimed, actual)
        monthly = actual / 12
        slack = Decimal("0.3") + Decimal(100) / monthly
        for month in months[-4:]:  # this month and later: last year's monthly average
            assert abs(targets[month] / monthly - 1) <= slack, (username, month)
    assert set(SalesTarget.objects.values_list("created_by", flat=True)) == {manager.pk}
    assert not SalesTarget.objects.exclude(rep__username__in=["sales1", "sales2", "sales3"])


def test_seed_demo_writes_nothing_when_setting_targets_fails(monkeypatch):
    real = load.sales_target_set
    calls = []

    def fail_later(**kwargs):
        calls.append(1)
        if len(calls) == 30:
            raise RuntimeError("target refused")
        return real(**kwargs)

    monkeypatch.setattr(load, "sales_target_set", fail_later)
    with pytest.raises(RuntimeError, match="target refused"):
        seed(customers=60)
    assert _row_counts()[:4] == (0, 0, 0, 0)
    assert not SalesTarget.objects.exists()
