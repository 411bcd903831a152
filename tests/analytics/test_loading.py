"""Loading: COPY into typed frames, bound parameters, and the report's snapshot."""

import pytest
from django.db import connection, transaction

from analytics.loading import read_frame, snapshot

pytestmark = pytest.mark.django_db


def test_rows_arrive_with_the_requested_columns_and_types():
    frame = read_frame(
        "SELECT * FROM (VALUES (2, 'NA', 10), (1, '', 20)) AS t(id, code, cents)", [],
        {"cents": "int64", "code": "str", "id": "int64"},
    )
    assert list(frame.columns) == ["cents", "code", "id"]
    assert frame.to_dict("records") == [{"cents": 10, "code": "NA", "id": 2},
                                        {"cents": 20, "code": "", "id": 1}]
    assert str(frame["cents"].dtype) == "int64"


def test_parameters_are_bound_as_values_not_sql():
    hostile = "x'); DROP TABLE customers_customer; --"
    frame = read_frame("SELECT %s::text AS value, %s::int AS number", [hostile, 7],
                       {"value": "str", "number": "int64"})
    assert frame.to_dict("records") == [{"value": hostile, "number": 7}]


def test_an_empty_result_is_an_empty_typed_frame():
    frame = read_frame("SELECT 1 AS n WHERE false", [], {"n": "int64"})
    assert frame.empty and str(frame["n"].dtype) == "int64"


def _isolation():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('transaction_isolation'), "
                       "current_setting('transaction_read_only')")
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_snapshot_is_one_read_only_repeatable_read_transaction():
    with snapshot():
        assert connection.in_atomic_block
        assert _isolation() == ("repeatable read", "on")
    assert not connection.in_atomic_block


def test_a_snapshot_inside_a_transaction_leaves_it_alone():
    with transaction.atomic():
        before = _isolation()
        with snapshot():
            assert _isolation() == before
