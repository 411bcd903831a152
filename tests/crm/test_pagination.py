import pytest

from crm.pagination import LAST, Cursor, KeysetPaginator, capped_count
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(rep):
    # Equal names make the primary-key tie-break matter.
    return [CustomerFactory(owner=rep, name=f"N{i // 3:02d}") for i in range(23)]


def walk_forward(paginator):
    pages, token = [], None
    while True:
        page = paginator.page(token)
        pages.append([c.pk for c in page])
        if not page.has_next:
            return pages
        token = page.next_cursor


def test_forward_walk_visits_every_row_once_in_order(customers):
    qs = Customer.objects.order_by("name")
    pages = walk_forward(KeysetPaginator(qs, per_page=5))
    flat = [pk for page in pages for pk in page]
    expected = list(Customer.objects.order_by("name", "id").values_list("pk", flat=True))
    assert flat == expected
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]


def test_descending_default_ordering(customers):
    pages = walk_forward(KeysetPaginator(Customer.objects.all(), per_page=10))
    flat = [pk for page in pages for pk in page]
    assert flat == list(Customer.objects.order_by("-created_at", "-id").values_list("pk", flat=True))


def test_backward_walk_returns_the_previous_page(customers):
    paginator = KeysetPaginator(Customer.objects.order_by("name"), per_page=5)
    first = paginator.page(None)
    second = paginator.page(first.next_cursor)
    back = paginator.page(second.previous_cursor)
    assert [c.pk for c in back] == [c.pk for c in first]
    assert back.has_next and not back.has_previous


def test_last_page_holds_the_final_rows(customers):
    paginator = KeysetPaginator(Customer.objects.order_by("name"), per_page=5)
    last = paginator.page(LAST)
    expected = list(Customer.objects.order_by("name", "id").values_list("pk", flat=True))[-5:]
    assert [c.pk for c in last] == expected
    assert last.has_previous and not last.has_next


def test_garbage_cursor_falls_back_to_first_page(customers):
    paginator = KeysetPaginator(Customer.objects.order_by("name"), per_page=5)
    first = paginator.page(None)
    for token in [
        "garbage", "!!!", Cursor("next", ("x",)).encode(), Cursor("next", (1, 2, 3)).encode(),
        Cursor("next", (None, None)).encode(), Cursor("next", ("a\x00b", 1)).encode(),
        Cursor("next", (1e400, 1)).encode(),
    ]:
        assert [c.pk for c in paginator.page(token)] == [c.pk for c in first], token


def test_cursor_past_the_end_starts_again(customers):
    paginator = KeysetPaginator(Customer.objects.order_by("name"), per_page=5)
    beyond = Cursor("next", ("ZZZ", 0)).encode()
    page = paginator.page(beyond)
    assert [c.pk for c in page] == [c.pk for c in paginator.page(None)]
    assert page.has_next and not page.has_previous


def test_mixed_sort_directions_are_refused(customers):
    with pytest.raises(ValueError):
        KeysetPaginator(Customer.objects.order_by("name", "-created_at"))


def test_capped_count(customers):
    assert capped_count(Customer.objects.all(), limit=100) == (23, False)
    assert capped_count(Customer.objects.all(), limit=10) == (10, True)


def test_page_holding_every_row_is_counted_in_its_own_query(customers, django_assert_num_queries):
    paginator = KeysetPaginator(Customer.objects.order_by("name"), per_page=25)
    with django_assert_num_queries(1):
        page = paginator.page(None)
    assert (page.count, page.count_is_capped) == (23, False)
    with django_assert_num_queries(1):
        assert paginator.page(LAST).count == 23


def test_a_fuller_list_is_counted_in_the_page_query(customers, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        page = KeysetPaginator(Customer.objects.order_by("name"), per_page=10).page(None)
    assert (page.count, page.has_next) == (23, True)
    assert "count(*)" in queries.captured_queries[0]["sql"]


def test_every_page_counts_the_whole_list_not_what_follows_the_cursor(customers, settings):
    settings.LIST_COUNT_LIMIT = 20
    paginator = KeysetPaginator(Customer.objects.order_by("name"), per_page=10)
    first = paginator.page(None)
    second = paginator.page(first.next_cursor)
    third = paginator.page(second.next_cursor)
    assert [(p.count, p.count_is_capped) for p in (first, second, third)] == [(20, True)] * 3
    settings.LIST_COUNT_LIMIT = 1000
    assert paginator.page(second.next_cursor).count == 23
    assert paginator.page(second.previous_cursor).count == 23


def test_a_list_counted_apart_counts_only_when_a_page_cannot_hold_it(
        customers, django_assert_num_queries):
    by_name = Customer.objects.order_by("name")
    with django_assert_num_queries(1):
        page = KeysetPaginator(by_name, per_page=25, count_with_rows=False).page(None)
    assert (page.count, page.count_is_capped) == (23, False)
    with django_assert_num_queries(2) as queries:
        page = KeysetPaginator(by_name, per_page=10, count_with_rows=False).page(None)
    assert page.count == 23
    assert "count(*)" not in queries.captured_queries[0]["sql"].lower()


def test_an_empty_list_counts_zero(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = KeysetPaginator(Customer.objects.order_by("name"), per_page=10).page(None)
    assert (page.count, page.count_is_capped, page.object_list) == (0, False, [])


def test_value_rows_page_like_instances(customers):
    by_instances = walk_forward(KeysetPaginator(Customer.objects.order_by("name"), per_page=4))
    rows = KeysetPaginator(Customer.objects.values("id", "name").order_by("name"), per_page=4)
    pages, token = [], None
    while True:
        page = rows.page(token)
        pages.append([row["id"] for row in page])
        if not page.has_next:
            break
        token = page.next_cursor
    assert pages == by_instances
