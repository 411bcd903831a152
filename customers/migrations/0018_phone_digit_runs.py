"""Phone searches of four digits or more through an index of each number's runs of four
digits (`customers.models.search.phone_digit_runs`); shorter fragments keep the trigram
index of 0003. The function is plain SQL, so the index needs no extension. The index is built
without locking the table against writes (CONCURRENTLY, outside a transaction)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION customers_phone_digit_runs(phone text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT substr(phone, i, 4) FROM generate_series(1, length(phone) - 3) i ORDER BY 1
    )
$$
"""

# Not partial: the planner reads the statistics of an expression index only when it covers
# the whole table, and without them it takes the runs for common and reads another index too.
INDEX = """
CREATE INDEX CONCURRENTLY customer_phone_runs_idx ON customers_customer
USING gin (customers_phone_digit_runs((phone_normalized)::text))
"""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0017_covering_prefix_search")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION customers_phone_digit_runs(text)"),
        # What a build that failed half-way leaves behind (an invalid index of that name).
        migrations.RunSQL("DROP INDEX CONCURRENTLY IF EXISTS customer_phone_runs_idx",
                          migrations.RunSQL.noop),
        migrations.RunSQL(INDEX, "DROP INDEX CONCURRENTLY customer_phone_runs_idx"),
        # The index's statistics, from which the planner judges how many numbers match.
        migrations.RunSQL("ANALYZE customers_customer", reverse_sql=migrations.RunSQL.noop),
    ]
