"""Trigram indexes for contains-search, where the server offers pg_trgm (SPEC §2).

The embedded server has no contrib extensions, so this is an optimisation only: without it the
same queries run, just by scanning. The expressions match what `CustomerQuerySet.search` sends
(`UPPER(col::text) LIKE UPPER(...)` for icontains, `col::text LIKE ...` for contains).
"""

from django.db import migrations

INDEXES = {
    "customer_name_trgm_idx": 'UPPER(("name")::text) gin_trgm_ops',
    "customer_company_trgm_idx": 'UPPER(("company")::text) gin_trgm_ops',
    "customer_email_trgm_idx": '(("email_normalized")::text) gin_trgm_ops',
    "customer_phone_trgm_idx": '(("phone_normalized")::text) gin_trgm_ops',
}


def _has_trgm(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if cursor.fetchone():
        return True
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    if not cursor.fetchone():
        return False
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return True


def create_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if not _has_trgm(cursor):
            return
        for name, expression in INDEXES.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "customers_customer" '
                f"USING gin ({expression}) WHERE deleted_at IS NULL"
            )


def drop_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_role_permissions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
