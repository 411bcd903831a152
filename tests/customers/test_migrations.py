import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "customer_name_trgm_idx",
    "customer_company_trgm_idx",
    "customer_email_trgm_idx",
    "customer_phone_trgm_idx",
}


def test_trigram_indexes_follow_the_servers_extensions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        available = cursor.fetchone() is not None
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    if available:
        assert TRIGRAM_INDEXES <= indexes
    else:
        assert not TRIGRAM_INDEXES & indexes


def test_check_constraints_exist_in_the_database():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'customers_customer'::regclass"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "customer_churned_on_matches_status",
        "customer_churned_after_acquired",
        "customer_status_valid",
        "customer_level_valid",
    } <= names


def test_external_id_uniqueness_is_a_partial_unique_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_external_id_unique'"
        )
        (definition,) = cursor.fetchone()
    assert definition.startswith("CREATE UNIQUE INDEX")
    assert "WHERE" in definition
