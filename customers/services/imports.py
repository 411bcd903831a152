"""Imports started from the browser: upload, check, confirm, run, cancel.

The check (a dry run) and the import itself run in the task queue's worker; both record
their progress on the `ImportJob` as they go, in their own short transactions, so the page
polling it sees them move.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.models import User
from customers.exports import neutralize
from customers.imports import ImportReport, Problem, import_file
from customers.models import ImportJob

EXTENSIONS = (".csv", ".xlsx")
# How many problems and possible duplicates the page shows; the file has them all.
SHOWN_ON_PAGE = 20


def _enqueue(task_name: str, job_id: int) -> None:
    from customers import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).enqueue(job_id))


@transaction.atomic
def import_job_create(
    *, actor: User, kind: str, upload, skip_invalid: bool = False
) -> ImportJob:
    """Keep the uploaded file and queue its check; nothing is imported before confirmation."""
    if not actor.has_perm("customers.add_importjob"):
        raise PermissionDenied
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValidationError(
            {"file": _("Upload a .csv or .xlsx file (this one is “%(name)s”).") % {"name": name}}
        )
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError({"file": _(
            "The file is %(size)s; the largest accepted is %(limit)s."
        ) % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    job = ImportJob(
        kind=kind, file_name=name[:255], file_size=upload.size, skip_invalid=skip_invalid,
        created_by=actor, language=translation.get_language() or "",
    )
    job.full_clean(exclude=["file"])
    # A generated name: the uploader's file name never becomes a path on the server.
    job.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    job.save()
    _enqueue("check_import", job.pk)
    return job


def _locked(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().get(pk=job.pk)


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob, skip_invalid: bool) -> ImportJob:
    """Queue the import of a checked file. With bad rows, only if the manager skips them."""
    if not actor.has_perm("customers.add_importjob"):
        raise PermissionDenied
    job = _locked(job)
    if job.status != ImportJob.Status.VALIDATED:
        raise ValidationError(
            _("This import is “%(status)s”; only a checked file waiting for confirmation can be "
              "imported.") % {"status": job.get_status_display()}
        )
    if job.invalid and not skip_invalid:
        raise ValidationError({"skip_invalid": _(
            "%(count)d rows are invalid. Tick “Skip invalid rows” to import the others, or fix "
            "the file and upload it again."
        ) % {"count": job.invalid}})
    if not job.can_confirm:
        raise ValidationError(_("No row of this file can be imported."))
    now = timezone.now()
    job.status, job.phase, job.rows_done = ImportJob.Status.QUEUED, ImportJob.Phase.READING, 0
    job.skip_invalid, job.confirmed_by, job.updated_at = skip_invalid, actor, now
    job.save()
    _enqueue("run_import", job.pk)
    return job


@transaction.atomic
def import_job_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    """Drop an import that has not started writing; its uploaded file is deleted."""
    if not actor.has_perm("customers.add_importjob"):
        raise PermissionDenied
    job = _locked(job)
    if job.status not in (ImportJob.Status.VALIDATING, ImportJob.Status.VALIDATED,
                          ImportJob.Status.QUEUED, ImportJob.Status.REJECTED):
        raise ValidationError(
            _("This import is “%(status)s” and can no longer be cancelled.")
            % {"status": job.get_status_display()}
        )
    job.status, job.updated_at, job.finished_at = ImportJob.Status.CANCELLED, timezone.now(), timezone.now()
    job.save()
    file = job.file
    transaction.on_commit(lambda: file.delete(save=False))
    return job


def import_job_progress(*, job_id: int, rows: int, phase: str) -> None:
    """Record how far a running check or import is (its own statement, committed at once)."""
    ImportJob.objects.filter(pk=job_id).update(
        rows_done=rows, phase=phase, updated_at=timezone.now()
    )


def import_job_check(*, job_id: int) -> ImportJob | None:
    """The worker's half of the upload: a dry run that fills in the job's report."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.VALIDATING).update(
        started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        return None  # cancelled meanwhile
    job = ImportJob.objects.get(pk=job_id)
    report = _run(job, dry_run=True)
    valid = report.total - report.invalid - report.skipped_duplicates
    if report.file_error:
        status = ImportJob.Status.FAILED
    elif valid <= 0:
        status = ImportJob.Status.REJECTED
    else:
        status = ImportJob.Status.VALIDATED
    return _finish(job, report, status, finished=status != ImportJob.Status.VALIDATED)


def import_job_run(*, job_id: int) -> ImportJob | None:
    """The worker's half of the confirmation: the import itself (all or nothing, unless the
    manager chose to skip invalid rows)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.IMPORTING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.get(pk=job_id)
    report = _run(job, dry_run=False)
    if report.file_error:
        status = ImportJob.Status.FAILED
    elif report.written:
        status = ImportJob.Status.DONE
    else:
        # The data changed since the check, and now some rows are bad.
        status = ImportJob.Status.REJECTED
    return _finish(job, report, status, finished=True)


def _run(job: ImportJob, *, dry_run: bool) -> ImportReport:
    problems = tempfile.SpooledTemporaryFile(max_size=2**20, mode="w+b")
    text = io.TextIOWrapper(problems, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([_("line"), _("column"), _("value"), _("problem")])

    def on_problem(problem: Problem) -> None:
        writer.writerow([problem.line, problem.column, neutralize(problem.value),
                         neutralize(problem.message)])

    def on_progress(rows: int, phase: str) -> None:
        import_job_progress(job_id=job.pk, rows=rows, phase=phase)

    try:
        with translation.override(job.language or settings.LANGUAGE_CODE), _local_copy(job) as path:
            report = import_file(
                path, job.kind, skip_invalid=job.skip_invalid, dry_run=dry_run,
                actor=job.confirmed_by, on_problem=on_problem, on_progress=on_progress,
            )
        text.flush()
        if report.problem_count:
            problems.seek(0)
            stem = Path(job.file_name).stem[:100] or "import"
            job.problems_file.save(f"{uuid.uuid4().hex[:8]}-{stem}-problems.csv",
                                   File(problems), save=False)
        return report
    finally:
        text.close()


@contextmanager
def _local_copy(job: ImportJob):
    """A path to the uploaded file: the stored file itself, or a copy when the storage is not
    a local disk (a worker on another machine)."""
    try:
        path = job.file.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    suffix = Path(job.file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, job.file.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def _as_rows(problems: list[Problem]) -> list[dict]:
    return [p._asdict() for p in problems[:SHOWN_ON_PAGE]]


def _finish(job: ImportJob, report: ImportReport, status: str, *, finished: bool) -> ImportJob:
    now = timezone.now()
    job.status = status
    job.rows_total = report.total
    job.rows_done = report.total
    job.phase = ImportJob.Phase.FINISHED if finished else ImportJob.Phase.READING
    for name in ("invalid", "problem_count", "skipped_duplicates", "created", "updated",
                 "unchanged"):
        setattr(job, name, getattr(report, name))
    job.problems = _as_rows(report.problems)
    job.notices = _as_rows(report.notices)
    job.ignored_columns = report.ignored_columns
    job.error = report.file_error
    job.updated_at = now
    if finished:
        job.finished_at = now
    job.save()
    return job


def import_job_fail(*, job_id: int, error: str) -> None:
    """Mark a job the worker could not finish (an unexpected error) as failed."""
    ImportJob.objects.filter(pk=job_id, status__in=ImportJob.RUNNING).update(
        status=ImportJob.Status.FAILED, error=error[:2000], phase=ImportJob.Phase.FINISHED,
        updated_at=timezone.now(), finished_at=timezone.now(),
    )
