import pytest

from customers.models import Customer, Purchase
from customers.normalization import is_plausible_phone, normalize_email, normalize_phone
from tests.factories import CustomerFactory, PurchaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 138-0013-8000", "8613800138000"),
        ("13800138000", "8613800138000"),
        ("0086 13800138000", "8613800138000"),
        ("(010) 6552-1234", "861065521234"),
        ("+1 415 555 0100", "14155550100"),
        ("", ""),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12", "call me", "138001380001234567890"])
def test_implausible_phones_are_recognised(raw):
    assert not is_plausible_phone(raw)


def test_normalize_email():
    assert normalize_email("  Li.Na@Example.COM ") == "li.na@example.com"


def test_rep_sees_only_own_customers(rep, other_rep, support, manager, superuser):
    mine = CustomerFactory(owner=rep)
    theirs = CustomerFactory(owner=other_rep)
    unowned = CustomerFactory(owner=None)
    assert list(Customer.objects.visible_to(rep)) == [mine]
    for user in (support, manager, superuser):
        assert set(Customer.objects.visible_to(user)) == {mine, theirs, unowned}


def test_user_without_role_sees_nothing(db):
    CustomerFactory()
    assert not Customer.objects.visible_to(UserFactory()).exists()


def test_inactive_user_sees_nothing(rep):
    CustomerFactory(owner=rep)
    rep.is_active = False
    assert not Customer.objects.visible_to(rep).exists()


def test_default_manager_hides_deleted_customers(rep):
    from django.utils import timezone

    CustomerFactory(owner=rep, deleted_at=timezone.now())
    alive = CustomerFactory(owner=rep)
    assert list(Customer.objects.all()) == [alive]
    assert Customer.all_objects.count() == 2
    assert Customer.all_objects.deleted().count() == 1


def test_purchases_visible_to_follow_customer_visibility(rep, other_rep, manager):
    mine = PurchaseFactory(customer=CustomerFactory(owner=rep))
    theirs = PurchaseFactory(customer=CustomerFactory(owner=other_rep))
    assert list(Purchase.objects.visible_to(rep)) == [mine]
    assert set(Purchase.objects.visible_to(manager)) == {mine, theirs}


class TestSearch:
    @pytest.fixture
    def people(self, rep):
        return {
            "wang": CustomerFactory(owner=rep, name="王芳", phone="13800138000",
                                    email="wangfang@example.cn", company="上海贸易有限公司"),
            "zhang": CustomerFactory(owner=rep, name="张伟", phone="13912345678",
                                     email="zw@corp.com", company="深圳科技"),
            "alice": CustomerFactory(owner=rep, name="Alice Smith", phone="+1 415 555 0100",
                                     email="alice@smith.org", company="Smith & Co"),
            "office": CustomerFactory(owner=rep, name="北京办公室", phone="010-6552 1234",
                                      email="office@bj.cn", company=""),
        }

    @pytest.mark.parametrize(
        ("term", "expected"),
        [
            ("王芳", {"wang"}),            # a full two-character Chinese name
            ("王", {"wang"}),              # one character: a prefix
            ("上海贸易", {"wang"}),        # company fragment
            ("8001", {"wang"}),            # phone fragment
            ("138 0013", {"wang"}),        # phone fragment typed with a space
            ("5550100", {"alice"}),
            ("010-6552", {"office"}),      # national form with the trunk 0
            ("0123", set()),               # a short fragment is taken as typed, 0 included
            ("000000", set()),             # zeros alone are no national form…
            ("0000001", set()),            # …nor is a single digit left after them
            ("alice@", {"alice"}),         # e-mail fragment
            ("fang@", {"wang"}),           # the end of the local part
            ("FANG@EXAMPLE", {"wang"}),    # …and the start of the domain
            ("wang@", set()),              # the local part must end there
            ("fang@corp", set()),
            ("@smith.org", {"alice"}),     # a domain alone
            ("a@b@c", set()),
            ("SMITH", {"alice"}),          # case-insensitive
            ("mith", {"alice"}),           # inside a word, three letters or more
            ("corp.com", {"zhang"}),
            ("nobody", set()),
            ("  ", {"wang", "zhang", "alice", "office"}),
        ],
    )
    def test_search_finds_by_name_company_phone_or_email(self, people, term, expected):
        found = set(Customer.objects.search(term))
        assert found == {people[key] for key in expected}

    @pytest.mark.parametrize(("term", "kind"), [
        ("", "none"), ("zhang336@", "email_local"), ("li@163", "email_local"),
        ("@163.com", "email"), ("a@b@c", "email"), ("138 0013", "phone"), ("12", "prefix"),
        ("王", "prefix"), ("王芳", "prefix"), ("mith", "contains"), ("陈萍艳", "contains"),
    ])
    def test_search_kinds(self, term, kind):
        from customers.models.search import search_kind

        assert search_kind(term) == kind

    @pytest.mark.parametrize(("term", "found"), [
        ("1234 2349", True), ("2342349", True), ("2349", True), ("139", True),
        # Both of its runs of four digits are in the number, but not one after the other.
        ("12349", False),
        ("2341", False),
    ])
    def test_a_phone_fragment_must_appear_whole(self, rep, term, found):
        customer = CustomerFactory(owner=rep, phone="139 1234 2349")
        assert (customer in Customer.objects.search(term)) is found

    def test_the_sql_digit_runs_are_the_pythons(self):
        from django.db import connection

        from customers.models.search import PHONE_RUNS_FUNCTION, digit_runs

        numbers = ["8613912342349", "8610655212340000", "123", "1234", "11111111", ""]
        with connection.cursor() as cursor:
            for number in numbers:
                cursor.execute(f"SELECT {PHONE_RUNS_FUNCTION}(%s)", [number])
                assert sorted(cursor.fetchone()[0]) == digit_runs(number), number

    @pytest.mark.parametrize("term", ["2349", "010-6552 1234"])
    def test_a_phone_term_of_four_digits_or_more_reads_the_digit_runs_index(self, people,
                                                                           term):
        from django.db import connection

        query = Customer.all_objects.search(term).order_by().values("id")
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            # A handful of rows: make the planner show which index can answer the term.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert plan.count("customer_phone_runs_idx") == (2 if term.startswith("0") else 1)

    def test_an_email_term_is_a_range_of_the_reversed_local_part_index(self, people):
        from django.db import connection

        query = Customer.all_objects.search("fang@example").order_by().values("id")
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            # A handful of rows: make the planner show which index can answer the term.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "customer_email_local_rev_idx" in plan
        assert "Index Cond" in plan


def test_a_tag_filter_reads_the_links_by_tag_then_customer(rep):
    """Migration 0019: the links of a tag are read in customer order from one index, which
    replaced the foreign keys' single-column indexes."""
    from django.db import connection

    from crm.pagination import _counted
    from customers.models import Tag

    vip = Tag.objects.create(name="VIP")
    CustomerFactory(owner=rep, tags=[vip])
    count = _counted(Customer.objects.visible_to(rep).filter(tags=vip), 1000)
    sql, params = count.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows: make the planner show which index can answer the tag.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                       [Customer.tags.through._meta.db_table])
        indexes = sorted(row[0].split(" USING btree ")[1] for row in cursor.fetchall())

    assert "customer_tags_tag_customer_idx" in plan
    assert indexes == ["(customer_id, tag_id)", "(id)", "(tag_id, customer_id)"]
