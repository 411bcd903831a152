"""Scheduled analytics work, run by the task queue's worker (`manage.py db_worker`).

The daily value-segment refresh keeps itself scheduled: each run queues the next one for the
following day at VALUE_SEGMENT_REFRESH_HOUR (local time), whether or not it succeeded, so one
failure does not end the schedule. `manage.py refresh_value_segments --enqueue` (run by
`make run`) starts the chain; queuing is skipped while a run is already waiting, so repeating
it never doubles the schedule. The queue lives in PostgreSQL, so any number of workers on any
machines share it and exactly one of them picks up each run.
"""

from __future__ import annotations

import datetime as dt
import zlib

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from analytics import segments

# Serialises "is a run pending? then queue one" across processes (a transaction-level lock).
_SCHEDULE_LOCK = zlib.crc32(b"analytics.refresh_value_segments")


@task()
def refresh_value_segments() -> dict:
    """Recompute every customer's value segment as of today, then queue tomorrow's run.
    Returns the customers per segment and how many rows changed or were cleared."""
    now = timezone.now()
    try:
        written = segments.value_segments_refresh(today=timezone.localdate(now),
                                                  computed_at=now)
    finally:
        schedule_value_segment_refresh(run_after=next_refresh_at(now))
    return {"segments": written.segments, "changed": written.changed,
            "cleared": written.cleared}


def next_refresh_at(now: dt.datetime) -> dt.datetime:
    """VALUE_SEGMENT_REFRESH_HOUR o'clock (local time) on the day after `now`."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    at = dt.datetime.combine(tomorrow, dt.time(settings.VALUE_SEGMENT_REFRESH_HOUR))
    return timezone.make_aware(at)


def pending_value_segment_refresh() -> DBTaskResult | None:
    """The earliest refresh waiting in the database queue, if any."""
    return (
        DBTaskResult.objects.filter(
            task_path=refresh_value_segments.module_path,
            backend_name=refresh_value_segments.backend,
            status=TaskResultStatus.READY,
        )
        .order_by("run_after")
        .first()
    )


def schedule_value_segment_refresh(*, run_after: dt.datetime | None = None) -> TaskResult | None:
    """Queue a refresh for `run_after` (as soon as a worker is free when None) unless one is
    already waiting; returns the new task result, or None when nothing was queued."""
    backend = refresh_value_segments.get_backend()
    if run_after is not None and not backend.supports_defer:
        # A backend that runs tasks at once (tests, ImmediateBackend) would loop forever.
        return None
    to_run = refresh_value_segments if run_after is None else refresh_value_segments.using(
        run_after=run_after)
    if not isinstance(backend, DatabaseBackend):
        return to_run.enqueue()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCHEDULE_LOCK])
        if pending_value_segment_refresh() is not None:
            return None
        return to_run.enqueue()
