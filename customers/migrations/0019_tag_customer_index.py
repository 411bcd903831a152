"""The customer list filtered by a tag reads the tag's links in customer order: an index on
(tag, customer) of the tags' link table. It replaces the index on the tag alone that Django
made for the foreign key (the new one answers every look-up by tag the old one did); the
one on the customer alone goes too, as the unique (customer, tag) index answers those. At a
million customers, the capped count of a rep's customers with the commonest tag read 16
index pages of the links instead of 63 and took 1.9 ms instead of 2.35 (median of 200).
Built and dropped without locking the table against writes (CONCURRENTLY, outside a
transaction)."""

from django.db import migrations

TABLE = "customers_customer_tags"
INDEX = "customer_tags_tag_customer_idx"
# Django's names for the foreign keys' indexes: the same in every database made by migrations.
FOREIGN_KEY_INDEXES = {
    "customers_customer_tags_tag_id_4d54c921": "tag_id",
    "customers_customer_tags_customer_id_0423a302": "customer_id",
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0018_phone_digit_runs")]

    operations = [
        # What a build that failed half-way leaves behind (an invalid index of that name).
        migrations.RunSQL(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}", migrations.RunSQL.noop),
        migrations.RunSQL(
            f"CREATE INDEX CONCURRENTLY {INDEX} ON {TABLE} (tag_id, customer_id)",
            f"DROP INDEX CONCURRENTLY {INDEX}",
        ),
        *(
            migrations.RunSQL(
                f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {TABLE} ({column})",
            )
            for name, column in FOREIGN_KEY_INDEXES.items()
        ),
        migrations.RunSQL(f"ANALYZE {TABLE}", reverse_sql=migrations.RunSQL.noop),
    ]
