"""Background work of the customers app, run by the task queue's worker (`manage.py
db_worker`). Each task is a thin wrapper over a service."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from customers.services import imports


def _or_fail(job_id: int, work) -> None:
    try:
        work(job_id=job_id)
    except Exception as error:
        imports.import_job_fail(
            job_id=job_id, error=_("The import stopped unexpectedly: %(error)s") % {"error": error}
        )
        raise


@task()
def check_import(job_id: int) -> None:
    """Check an uploaded file (a dry run) and record the report on its job."""
    _or_fail(job_id, imports.import_job_check)


@task()
def run_import(job_id: int) -> None:
    """Import a checked, confirmed file."""
    _or_fail(job_id, imports.import_job_run)
