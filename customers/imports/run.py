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

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.imports import validate
from customers.imports.columns import MISSING_COLUMN, REQUIRED, map_headers
from customers.imports.sources import SourceError, open_source
from customers.imports.staging import (
    NOTICES, PROBLEMS, STAGE, STAGE_COLUMNS, check_customers, check_purchases, copy_frame,
    create_tables, drop_tables,
)
from customers.imports.writes import write_customers, write_purchases
from customers.selectors import assignable_owners


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
                create_tables(cursor, kind)
                for chunk in source.chunks(chunk_size or settings.IMPORT_CHUNK_ROWS):
                    stage, problems = check(chunk.frame, headers.positions, context)
                    copy_frame(cursor, STAGE, stage, STAGE_COLUMNS[kind])
                    copy_frame(cursor, PROBLEMS, problems, {"line": "integer"})
                    report.total += len(stage)
                    progress(report.total, READING)
                progress(report.total, CHECKING)
                if kind == "customers":
                    check_customers(cursor, present)
                else:
                    check_purchases(cursor)
                _collect(cursor, report, on_problem)
                if dry_run or (report.invalid and not skip_invalid):
                    return report
                progress(report.total, WRITING)
                with transaction.atomic():
                    cursor.execute(f"DELETE FROM {STAGE} s USING {PROBLEMS} p WHERE p.line = s.line")
                    cursor.execute(f"DELETE FROM {STAGE} s USING {NOTICES} n WHERE n.line = s.line")
                    if kind == "customers":
                        write_customers(cursor, report, present)
                    else:
                        write_purchases(cursor, report, actor)
                report.written = True
            finally:
                drop_tables(cursor)
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

