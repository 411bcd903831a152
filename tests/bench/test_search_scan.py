"""The bench's search-against-a-scan comparison: which statements it takes for a search, and
the plain scan it compares a phone search with."""

import pytest
from django.db import connection

from bench.sql_analysis import as_plain_scan, is_search_statement
from customers.models import Customer
from customers.models.search import PHONE_RUNS_FUNCTION
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _sql(queryset) -> str:
    sql, params = queryset.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params)


@pytest.mark.parametrize("term", ["6390", "010-6552 1234"])
def test_a_phone_search_is_compared_with_its_plain_containment_scan(term):
    found = {CustomerFactory(phone="139 6390 1234"), CustomerFactory(phone="010 6552 1234")}
    CustomerFactory(phone="139 1111 2222")
    sql = _sql(Customer.objects.search(term))
    plain = as_plain_scan(sql)

    assert is_search_statement(sql)
    assert PHONE_RUNS_FUNCTION in sql and PHONE_RUNS_FUNCTION not in plain
    # Every containment test stays: the national form's too.
    assert plain.count("STRPOS(") == sql.count("STRPOS(") == (2 if term.startswith("0") else 1)
    matches = set(Customer.objects.search(term))
    assert len(matches) == 1 and matches < found
    assert set(Customer.objects.raw(plain)) == matches


def test_other_searches_are_scanned_as_they_are():
    sql = _sql(Customer.objects.search("陈萍艳"))
    assert is_search_statement(sql) and as_plain_scan(sql) == sql
    assert not is_search_statement(_sql(Customer.objects.filter(city="上海")))
