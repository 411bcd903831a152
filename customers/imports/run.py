"""Importing a customer or purchase file: validate every row, then write in one transaction.

Rows are validated chunk by chunk (`validate`) and copied with COPY into a temporary staging
table; the checks that need the database (a customer's external_id, duplicates within the
file, existing phones and e-mails) run as a few set-based statements on that table. Only then
is anything written, in one transaction, with a handful of statements whatever the number of
rows. Staging touches only the session's temporary tables, so it runs before that transaction
(progress written meanwhile is visible to other sessions); a failure or a killed process at
any point leaves the real tables as they were.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import caching

from customers.imports import validate
from customers.imports.columns import MISSING_COLUMN, REQUIRED, map_headers
from customers.imports.sources import SourceError, open_source
from customers.selectors import PRODUCTS_CACHE, TAGS_CACHE, assignable_owners


class Problem(NamedTuple):
    line: int
    column: str
    value: str
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    skip_invalid: bool = False
    total: int = 0
    invalid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_duplicates: int = 0
    written: bool = False
    file_error: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the first PROBLEMS_KEPT
    notices: list[Problem] = field(default_factory=list)  # possible duplicates, skipped
    problem_count: int = 0

    PROBLEMS_KEPT = 1000

    @property
    def ok(self) -> bool:
        return not self.file_error and (self.invalid == 0 or self.skip_invalid)


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

READING, CHECKING, WRITING, FINISHED = PHASES = ("reading", "checking", "writing", "finished")


def import_file(
    path: str | Path,
    kind: str,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor=None,
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[int, str], None] | None = None,
    chunk_size: int | None = None,
) -> ImportReport:
    """Import `path` as `kind` ("customers" or "purchases"); see the module docstring.

    Unless `skip_invalid`, one bad row means nothing is written. `on_problem` receives every
    problem in line order; the report keeps the first `ImportReport.PROBLEMS_KEPT`.
    `on_progress(rows, phase)` is called after each chunk and as each phase (one of `PHASES`)
    begins."""
    report = ImportReport(kind=kind, dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        source = open_source(path)
    except SourceError as error:
        report.file_error = str(error)
        return report
    headers = map_headers(source.headers, kind)
    missing = [c for c in REQUIRED[kind] if c not in headers.positions]
    if missing:
        report.file_error = " ".join(str(MISSING_COLUMN) % {"column": c} for c in missing)
        return report
    report.ignored_columns = headers.unknown + headers.duplicated
    context = validate.Context(
        today=timezone.localdate(),
        owners=dict(assignable_owners().values_list("username", "pk")),
    )
    check = validate.validate_customers if kind == "customers" else validate.validate_purchases
    present = set(headers.positions)
    progress = on_progress or (lambda rows, phase: None)
    try:
        with connection.cursor() as cursor:
            try:
                _create_tables(cursor, kind)
                for chunk in source.chunks(chunk_size or settings.IMPORT_CHUNK_ROWS):
                    stage, problems = check(chunk.frame, headers.positions, context)
                    _copy(cursor, STAGE, stage, STAGE_COLUMNS[kind])
                    _copy(cursor, PROBLEMS, problems, {"line": "integer"})
                    report.total += len(stage)
                    progress(report.total, READING)
                progress(report.total, CHECKING)
                if kind == "customers":
                    _check_customers(cursor, present)
                else:
                    _check_purchases(cursor)
                _collect(cursor, report, on_problem)
                if dry_run or (report.invalid and not skip_invalid):
                    return report
                progress(report.total, WRITING)
                with transaction.atomic():
                    cursor.execute(f"DELETE FROM {STAGE} s USING {PROBLEMS} p WHERE p.line = s.line")
                    cursor.execute(f"DELETE FROM {STAGE} s USING {NOTICES} n WHERE n.line = s.line")
                    if kind == "customers":
                        _write_customers(cursor, report, present)
                    else:
                        _write_purchases(cursor, report, actor)
                report.written = True
            finally:
                _drop_tables(cursor)
    except SourceError as error:
        report.file_error = str(error)
        report.written = False
    except DatabaseError as error:
        report.file_error = _("The database refused the import; nothing was written (%(error)s).") % {
            "error": str(error).strip().splitlines()[0]
        }
        report.written = False
    if report.written:
        progress(report.total, FINISHED)
    return report


def _create_tables(cursor, kind: str) -> None:
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


def _drop_tables(cursor) -> None:
    """Drop the staging tables; they also vanish with the session if this cannot run."""
    if connection.needs_rollback:
        return  # a caller's broken transaction drops them when it rolls back
    try:
        with transaction.atomic():
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}, {PROBLEMS}, {NOTICES}, {LINKS}")
    except DatabaseError:
        pass


def _copy(cursor, table: str, frame: pd.DataFrame, types: dict[str, str] | None = None) -> None:
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


def _check_customers(cursor, present: set[str]) -> None:
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


def _check_purchases(cursor) -> None:
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


def _collect(cursor, report: ImportReport, on_problem) -> None:
    cursor.execute(f"SELECT count(DISTINCT line), count(*) FROM {PROBLEMS}")
    report.invalid, report.problem_count = cursor.fetchone()
    cursor.execute(f"SELECT line, \"column\", value, message FROM {PROBLEMS} ORDER BY line, 1")
    while rows := cursor.fetchmany(5000):
        for row in rows:
            problem = Problem(*row)
            if len(report.problems) < report.PROBLEMS_KEPT:
                report.problems.append(problem)
            if on_problem:
                on_problem(problem)
    cursor.execute(f"SELECT line, \"column\", value, message FROM {NOTICES} ORDER BY line "
                   f"LIMIT {report.PROBLEMS_KEPT}")
    report.notices = [Problem(*row) for row in cursor.fetchall()]
    cursor.execute(f"SELECT count(DISTINCT line) FROM {NOTICES}")
    report.skipped_duplicates = cursor.fetchone()[0]


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


def _write_customers(cursor, report: ImportReport, present: set[str]) -> None:
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
        updated |= _write_tags(cursor, already_updated=updated)
    report.updated = len(updated)
    report.unchanged = report.total - report.invalid - report.skipped_duplicates - report.created - report.updated


def _write_tags(cursor, already_updated: set[int]) -> set[int]:
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


def _write_purchases(cursor, report: ImportReport, actor) -> None:
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
