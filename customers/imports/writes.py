"""The writing side of an import: from the checked staging table into the real tables, a
handful of statements whatever the number of rows (inside `customers.imports.run`'s
transaction)."""

from __future__ import annotations

from crm import caching

from customers.imports.staging import LINKS, STAGE
from customers.selectors import PRODUCTS_CACHE, TAGS_CACHE


CUSTOMER_TEXT = ("name", "gender", "phone", "phone_normalized", "email", "email_normalized",
                 "company", "industry", "province", "city", "address", "source", "external_id")
DEFAULTED = {"kind": "'person'", "level": "'C'", "status": "'potential'"}


def _customer_values(present: set[str], existing: str | None) -> dict[str, str]:
    """Column → SQL expression of its new value, for the columns the file has."""
    values: dict[str, str] = {}
    for column in CUSTOMER_TEXT:
        if column in present or column.removesuffix("_normalized") in present:
            values[column] = f"s.{column}"
    for column, default in DEFAULTED.items():
        if column in present:
            # An empty cell keeps an existing customer's value and gives a new one the default.
            fallback = f"{existing}.{column}" if existing else default
            values[column] = f"coalesce(nullif(s.{column}, ''), {fallback})"
    for column in ("birth_date", "churned_on"):
        if column in present:
            values[column] = f"s.{column}"
    if "acquired_on" in present:
        fallback = f"{existing}.acquired_on" if existing else "CURRENT_DATE"
        values["acquired_on"] = f"coalesce(s.acquired_on, {fallback})"
    if "owner" in present:
        values["owner_id"] = f"coalesce(s.owner_id, {existing}.owner_id)" if existing else "s.owner_id"
    return values


def write_customers(cursor, report, present: set[str]) -> None:
    updated: set[int] = set()
    if "external_id" in present:
        values = _customer_values(present, "c")
        assignments = ", ".join(f"{column} = {expr}" for column, expr in values.items())
        old = ", ".join(f"c.{column}" for column in values)
        new = ", ".join(values.values())
        cursor.execute(f"""
            UPDATE customers_customer c SET {assignments}, version = c.version + 1,
                   updated_at = now()
            FROM {STAGE} s WHERE c.id = s.customer_id AND ({old}) IS DISTINCT FROM ({new})
            RETURNING c.id""")
        updated.update(row[0] for row in cursor.fetchall())
    cursor.execute(f"""
        UPDATE {STAGE} SET is_new = TRUE,
               customer_id = nextval(pg_get_serial_sequence('customers_customer', 'id'))
        WHERE customer_id IS NULL""")
    report.created = cursor.rowcount
    values = _customer_values(present, None)
    defaults = {
        "kind": "'person'", "name": "''", "gender": "''", "phone": "''", "phone_normalized": "''",
        "email": "''", "email_normalized": "''", "company": "''", "industry": "''",
        "province": "''", "city": "''", "address": "''", "source": "''", "level": "'C'",
        "status": "'potential'", "acquired_on": "CURRENT_DATE", "external_id": "''",
        "marketing_opt_out": "FALSE", "notes": "''", "version": "1", "created_at": "now()",
        "updated_at": "now()",
    }
    columns = {**defaults, **values, "id": "s.customer_id"}
    cursor.execute(f"""
        INSERT INTO customers_customer ({", ".join(columns)})
        SELECT {", ".join(columns.values())} FROM {STAGE} s WHERE s.is_new""")
    if "tags" in present:
        updated |= write_tags(cursor, already_updated=updated)
    report.updated = len(updated)
    report.unchanged = report.total - report.invalid - report.skipped_duplicates - report.created - report.updated


def write_tags(cursor, already_updated: set[int]) -> set[int]:
    """Make each customer's tags exactly the file's; the ids of existing customers whose
    tags changed (their version is bumped, once)."""
    cursor.execute(f"""
        INSERT INTO customers_tag (name)
        SELECT DISTINCT t FROM {STAGE} s, unnest(string_to_array(s.tags, ';')) t WHERE t <> ''
        ON CONFLICT (name) DO NOTHING""")
    if cursor.rowcount:
        caching.invalidate(TAGS_CACHE)
    cursor.execute(f"""
        CREATE TEMP TABLE {LINKS} AS
        SELECT DISTINCT s.customer_id, g.id AS tag_id
        FROM {STAGE} s, unnest(string_to_array(s.tags, ';')) t
        JOIN customers_tag g ON g.name = t""")
    cursor.execute(f"""
        DELETE FROM customers_customer_tags ct USING {STAGE} s
        WHERE ct.customer_id = s.customer_id AND NOT coalesce(s.is_new, FALSE)
          AND NOT EXISTS (SELECT 1 FROM {LINKS} l
                          WHERE l.customer_id = ct.customer_id AND l.tag_id = ct.tag_id)
        RETURNING ct.customer_id""")
    changed = {row[0] for row in cursor.fetchall()}
    cursor.execute(f"""
        INSERT INTO customers_customer_tags (customer_id, tag_id)
        SELECT customer_id, tag_id FROM {LINKS} ON CONFLICT DO NOTHING
        RETURNING customer_id""")
    changed |= {row[0] for row in cursor.fetchall()}
    cursor.execute(f"SELECT customer_id FROM {STAGE} WHERE is_new")
    new = {row[0] for row in cursor.fetchall()}
    changed -= new
    if bump := changed - already_updated:
        cursor.execute(
            "UPDATE customers_customer SET version = version + 1, updated_at = now() "
            "WHERE id = ANY(%s)",
            [list(bump)],
        )
    cursor.execute(f"DROP TABLE {LINKS}")
    return changed


def write_purchases(cursor, report, actor) -> None:
    cursor.execute(f"""
        INSERT INTO customers_product (sku, name, category, list_price, is_active, created_at)
        SELECT DISTINCT ON (product_sku) product_sku, product_name, '', unit_price, TRUE, now()
        FROM {STAGE} WHERE product_id IS NULL ORDER BY product_sku, line
        ON CONFLICT (sku) DO NOTHING""")
    if cursor.rowcount:
        caching.invalidate(PRODUCTS_CACHE)
    cursor.execute(f"""
        UPDATE {STAGE} s SET product_id = p.id FROM customers_product p
        WHERE s.product_id IS NULL AND p.sku = s.product_sku""")
    cursor.execute(f"""
        UPDATE customers_purchase p SET customer_id = s.customer_id, product_id = s.product_id,
               purchased_on = s.purchased_on, quantity = s.quantity, unit_price = s.unit_price
        FROM {STAGE} s WHERE s.external_id <> '' AND p.external_id = s.external_id
          AND (p.customer_id, p.product_id, p.purchased_on, p.quantity, p.unit_price)
              IS DISTINCT FROM (s.customer_id, s.product_id, s.purchased_on, s.quantity,
                                s.unit_price)""")
    report.updated = cursor.rowcount
    cursor.execute(f"""
        INSERT INTO customers_purchase (customer_id, product_id, purchased_on, quantity,
                                        unit_price, channel, external_id, created_by_id,
                                        created_at)
        SELECT s.customer_id, s.product_id, s.purchased_on, s.quantity, s.unit_price, '',
               s.external_id, %s, now()
        FROM {STAGE} s
        WHERE CASE WHEN s.external_id <> '' THEN NOT EXISTS (
                  SELECT 1 FROM customers_purchase p WHERE p.external_id = s.external_id)
              -- Without an external_id, a line already recorded (same customer, product,
              -- day, quantity and price) is not recorded again.
              ELSE NOT EXISTS (
                  SELECT 1 FROM customers_purchase p
                  WHERE p.external_id = '' AND p.customer_id = s.customer_id
                    AND p.purchased_on = s.purchased_on AND p.product_id = s.product_id
                    AND p.quantity = s.quantity AND p.unit_price = s.unit_price)
              END""",
        [actor.pk if actor else None])
    report.created = cursor.rowcount
    report.unchanged = report.total - report.invalid - report.created - report.updated
    # A potential customer who buys becomes an active customer (as purchase_create does).
    cursor.execute(f"""
        UPDATE customers_customer SET status = 'active', version = version + 1,
               updated_at = now()
        WHERE status = 'potential' AND deleted_at IS NULL
          AND id IN (SELECT customer_id FROM {STAGE})""")
