"""`crm.postgresql`: repeated SELECT statements are prepared, with their values written in."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from crm.postgresql.base import DatabaseWrapper, PreparingCursor
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

RUNS = 8  # more than the default threshold (5)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def names(pk) -> list[str]:
    return list(Customer.all_objects.filter(pk=pk).values_list("name", flat=True))


def test_a_repeated_select_is_prepared_for_its_own_values():
    first, second = CustomerFactory(name="甲"), CustomerFactory(name="乙")

    answers = [names(first.pk) for _ in range(RUNS)] + [names(second.pk)]

    assert answers == [["甲"]] * RUNS + [["乙"]]
    statements = [s for s in prepared_statements() if '"customers_customer"' in s]
    # One statement, with the first customer's id written into it; the second customer's
    # query ran once and is not prepared.
    assert len(statements) == 1
    assert f'"id" = {first.pk}' in statements[0]


def test_django_logs_each_prepared_statement_as_it_ran():
    first, second = CustomerFactory(name="甲"), CustomerFactory(name="乙")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(RUNS):
            names(first.pk)
            names(second.pk)

    logged = [q["sql"] for q in queries.captured_queries]
    assert len(logged) == 2 * RUNS
    assert all(f'"id" = {pk}' in sql for sql, pk in zip(logged, [first.pk, second.pk] * RUNS))


def test_a_prepared_statement_reads_current_data():
    customer = CustomerFactory(name="Before")
    for _ in range(RUNS):
        names(customer.pk)
    Customer.all_objects.filter(pk=customer.pk).update(name="After")

    assert names(customer.pk) == ["After"]


def test_writes_are_never_prepared():
    customer = CustomerFactory(name="Old", city="Suzhou")
    for _ in range(RUNS):  # the very same UPDATE text each time
        Customer.all_objects.filter(pk=customer.pk).update(city="Hangzhou")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Customer._meta.db_table} SET name = %s WHERE id = %s",
            [("New", customer.pk)] * RUNS,
        )

    assert not [s for s in prepared_statements() if not s.lstrip().upper().startswith("SELECT")]
    assert Customer.all_objects.values_list("name", "city").get(pk=customer.pk) == (
        "New", "Hangzhou")


def test_a_rolled_back_savepoint_forgets_the_statements_which_prepare_again():
    customer = CustomerFactory(name="Kept")
    for _ in range(RUNS):
        names(customer.pk)
    assert prepared_statements()
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1/0")
    names(customer.pk)  # psycopg deallocates everything after the next statement

    assert prepared_statements() == []
    assert [names(customer.pk) for _ in range(RUNS)] == [["Kept"]] * RUNS
    assert len(prepared_statements()) == 1


def test_the_app_uses_the_preparing_cursor():
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, PreparingCursor)


def test_server_side_binding_prepares_nothing():
    settings = {**connection.settings_dict, "OPTIONS": {
        **connection.settings_dict["OPTIONS"], "server_side_binding": True}}
    params = DatabaseWrapper(settings).get_connection_params()

    assert params["cursor_factory"] is not PreparingCursor
    assert params["prepare_threshold"] is None


def test_a_threshold_of_none_keeps_djangos_cursor():
    settings = {**connection.settings_dict,
                "OPTIONS": {**connection.settings_dict["OPTIONS"], "prepare_threshold": None}}
    params = DatabaseWrapper(settings).get_connection_params()

    assert params["cursor_factory"] is not PreparingCursor
    assert params["prepare_threshold"] is None
