"""The staging side of an import: the session's temporary tables, COPY into them, and the
set-based checks that need the database (`customers.imports.run` drives them)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

STAGE_COLUMNS = {
    "customers": {
        "line": "integer", "external_id": "text", "name": "text", "kind": "text",
        "gender": "text", "birth_date": "date", "phone": "text", "phone_normalized": "text",
        "email": "text", "email_normalized": "text", "company": "text", "industry": "text",
        "province": "text", "city": "text", "address": "text", "source": "text",
        "level": "text", "status": "text", "acquired_on": "date", "churned_on": "date",
        "owner_id": "bigint", "tags": "text",
    },
    "purchases": {
        "line": "integer", "external_id": "text", "customer_external_id": "text",
        "purchased_on": "date", "product_sku": "text", "product_name": "text",
        "quantity": "integer", "unit_price": "numeric(12,2)",
    },
}
STAGE = "import_stage"
PROBLEMS = "import_problem"
NOTICES = "import_notice"
LINKS = "import_link"


def create_tables(cursor, kind: str) -> None:
    # An earlier import in this session that could not clean up may have left them.
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}, {PROBLEMS}, {NOTICES}, {LINKS}")
    columns = ", ".join(f"{name} {type_}" for name, type_ in STAGE_COLUMNS[kind].items())
    extra = "customer_id bigint, is_new boolean" if kind == "customers" else (
        "customer_id bigint, product_id bigint"
    )
    cursor.execute(f"CREATE TEMP TABLE {STAGE} ({columns}, {extra})")
    for table in (PROBLEMS, NOTICES):
        cursor.execute(
            f"CREATE TEMP TABLE {table} (line integer, \"column\" text, value text, "
            "message text)"
        )


def drop_tables(cursor) -> None:
    """Drop the staging tables; they also vanish with the session if this cannot run."""
    if connection.needs_rollback:
        return  # a caller's broken transaction drops them when it rolls back
    try:
        with transaction.atomic():
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}, {PROBLEMS}, {NOTICES}, {LINKS}")
    except DatabaseError:
        pass


def copy_frame(cursor, table: str, frame: pd.DataFrame, types: dict[str, str] | None = None) -> None:
    """COPY a frame of text cells: an empty cell is '' in a text column and NULL in a typed
    (date, number) column."""
    if frame.empty:
        return
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, quoting=csv.QUOTE_ALL)
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    typed = [f'"{c}"' for c in frame.columns if (types or {}).get(c, "text") != "text"]
    force_null = f", FORCE_NULL ({', '.join(typed)})" if typed else ""
    with cursor.cursor.copy(
        f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv{force_null})"
    ) as copy:
        copy.write(buffer.getvalue())


def _notice_or_problem(cursor, table: str, select_sql: str, message: str, params=()) -> None:
    cursor.execute(
        f"INSERT INTO {table} (line, \"column\", value, message) "
        f"SELECT line, col, val, replace(%s, '{{line}}', coalesce(ref::text, '')) FROM ({select_sql}) q",
        [message, *params],
    )


def check_customers(cursor, present: set[str]) -> None:
    not_bad = f"NOT EXISTS (SELECT 1 FROM {PROBLEMS} p WHERE p.line = s.line)"
    if "external_id" in present:
        _notice_or_problem(cursor, PROBLEMS, f"""
            SELECT line, 'external_id' AS col, external_id AS val, first AS ref FROM (
                SELECT line, external_id, min(line) OVER (PARTITION BY external_id) AS first
                FROM {STAGE} WHERE external_id <> '') d WHERE line <> first""",
            _("The same external_id as line {line}."))
        _notice_or_problem(cursor, PROBLEMS, f"""
            SELECT s.line, 'external_id' AS col, s.external_id AS val, c.id AS ref
            FROM {STAGE} s JOIN customers_customer c ON c.external_id = s.external_id
            WHERE s.external_id <> '' AND c.deleted_at IS NOT NULL""",
            _("This external_id belongs to customer #{line}, which is in the trash; restore "
              "it first."))
        cursor.execute(f"""
            UPDATE {STAGE} s SET customer_id = c.id FROM customers_customer c
            WHERE s.external_id <> '' AND c.external_id = s.external_id
              AND c.deleted_at IS NULL""")
    if "churned_on" in present:
        acquired = "s.acquired_on" if "acquired_on" in present else "NULL::date"
        _notice_or_problem(cursor, PROBLEMS, f"""
            SELECT s.line, 'churned_on' AS col, s.churned_on::text AS val, NULL AS ref
            FROM {STAGE} s LEFT JOIN customers_customer c ON c.id = s.customer_id
            WHERE s.churned_on < coalesce({acquired}, c.acquired_on, CURRENT_DATE)
              AND {not_bad}""",
            _("The churn date is before the acquisition date (acquired_on, today when "
              "empty)."))
    # Rows without an external_id that look like a customer already known are skipped.
    external = "s.external_id = ''" if "external_id" in present else "TRUE"
    for column, label in (("phone", _("phone")), ("email", _("e-mail"))):
        if column not in present:
            continue
        normalized = f"{column}_normalized"
        _notice_or_problem(cursor, NOTICES, f"""
            SELECT DISTINCT ON (s.line) s.line, '{column}' AS col, s.{column} AS val,
                   c.id AS ref
            FROM {STAGE} s JOIN customers_customer c ON c.{normalized} = s.{normalized}
            WHERE {external} AND s.{normalized} <> '' AND c.deleted_at IS NULL AND {not_bad}
            ORDER BY s.line, c.id""",
            _("Possible duplicate of customer #{line} (same %(what)s); skipped, not merged.")
            % {"what": label})
        _notice_or_problem(cursor, NOTICES, f"""
            SELECT line, '{column}' AS col, val, first AS ref FROM (
                SELECT s.line, s.{column} AS val,
                       min(s.line) OVER (PARTITION BY s.{normalized}) AS first
                FROM {STAGE} s WHERE {external} AND s.{normalized} <> '' AND {not_bad}) d
            WHERE line <> first AND NOT EXISTS (SELECT 1 FROM {NOTICES} n WHERE n.line = d.line)""",
            _("Same %(what)s as line {line}; skipped as a possible duplicate.") % {"what": label})


def check_purchases(cursor) -> None:
    _notice_or_problem(cursor, PROBLEMS, f"""
        SELECT line, 'external_id' AS col, external_id AS val, first AS ref FROM (
            SELECT line, external_id, min(line) OVER (PARTITION BY external_id) AS first
            FROM {STAGE} WHERE external_id <> '') d WHERE line <> first""",
        _("The same external_id as line {line}."))
    cursor.execute(f"""
        UPDATE {STAGE} s SET customer_id = c.id FROM customers_customer c
        WHERE s.customer_external_id <> '' AND c.external_id = s.customer_external_id
          AND c.deleted_at IS NULL""")
    _notice_or_problem(cursor, PROBLEMS, f"""
        SELECT s.line, 'customer_external_id' AS col, s.customer_external_id AS val, NULL AS ref
        FROM {STAGE} s WHERE s.customer_id IS NULL AND s.customer_external_id <> ''""",
        _("No customer has this external_id (or the customer is in the trash)."))
    cursor.execute(f"""
        UPDATE {STAGE} s SET product_id = p.id FROM customers_product p
        WHERE p.sku = s.product_sku""")
    _notice_or_problem(cursor, PROBLEMS, f"""
        SELECT s.line, 'product_sku' AS col, s.product_sku AS val, NULL AS ref
        FROM {STAGE} s WHERE s.product_id IS NULL AND s.product_sku <> ''
          AND s.product_name = ''""",
        _("No product has this SKU; give product_name to create it."))
