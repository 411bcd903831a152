"""Prefix-search indexes that cover what a search's first page reads of each match
(`CustomerQuerySet.prefix_search_parts`), in place of 0007's. Built and dropped without
locking the table against writes (CREATE/DROP INDEX CONCURRENTLY, outside a transaction): the
new ones first, so prefix searches keep an index throughout."""

import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


def _prefix(column: str) -> django.contrib.postgres.indexes.OpClass:
    return django.contrib.postgres.indexes.OpClass(
        django.db.models.functions.text.Upper(
            django.db.models.functions.comparison.Cast(column, models.TextField())),
        name="text_pattern_ops",
    )


COVERS = ("name", "id", "owner", "deleted_at", "created_at")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("customers", "0016_email_local_part_search"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(_prefix("name"), include=COVERS, name="customer_name_search_idx"),
        ),
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(_prefix("company"), include=("company", *COVERS),
                               name="customer_company_search_idx"),
        ),
        RemoveIndexConcurrently(model_name="customer", name="customer_name_prefix_idx"),
        RemoveIndexConcurrently(model_name="customer", name="customer_company_prefix_idx"),
        # Statistics of the new expression indexes, which only ANALYZE gathers (see 0016).
        migrations.RunSQL("ANALYZE customers_customer", reverse_sql=migrations.RunSQL.noop),
    ]
