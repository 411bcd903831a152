"""The daily value-segment refresh: the task, its self-scheduling, and its command."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from analytics import segments, tasks
from customers.models import Customer
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pending():
    return list(DBTaskResult.objects.filter(
        task_path=tasks.refresh_value_segments.module_path, status=TaskResultStatus.READY))


@pytest.fixture
def buyers(rep):
    product = ProductFactory()
    today = timezone.localdate()
    recent = CustomerFactory(owner=rep, acquired_on=today - dt.timedelta(days=800))
    lapsed = CustomerFactory(owner=rep, acquired_on=today - dt.timedelta(days=800),
                             value_segment="loyal", value_segment_at=timezone.now())
    PurchaseFactory(customer=recent, product=product, purchased_on=today,
                    unit_price=Decimal("50.00"))
    PurchaseFactory(customer=lapsed, product=product, purchased_on=today - dt.timedelta(days=400))
    return recent, lapsed


def test_next_refresh_is_tomorrow_at_the_configured_local_hour(settings):
    settings.VALUE_SEGMENT_REFRESH_HOUR = 3
    # 23:30 in Shanghai on 1 March is 15:30 UTC the same day.
    now = dt.datetime(2025, 3, 1, 15, 30, tzinfo=dt.UTC)
    at = tasks.next_refresh_at(now)
    assert timezone.localtime(at).replace(tzinfo=None) == dt.datetime(2025, 3, 2, 3, 0)
    assert at.utcoffset() is not None


def test_the_task_refreshes_segments_and_schedules_tomorrows_run(buyers):
    recent, lapsed = buyers
    today = timezone.localdate()
    result = tasks.refresh_value_segments.call()
    recent.refresh_from_db()
    lapsed.refresh_from_db()
    assert recent.value_segment == "champions"  # the only buyer ranks best on every measure
    assert lapsed.value_segment == "" and lapsed.value_segment_at is not None
    assert result == {"segments": {**dict.fromkeys(Customer.ValueSegment.values, 0),
                                   "champions": 1},
                      "changed": 1, "cleared": 1}
    (scheduled,) = pending()
    local = timezone.localtime(scheduled.run_after)
    assert local.date() in (today + dt.timedelta(days=1), today + dt.timedelta(days=2))
    assert (local.hour, local.minute) == (2, 0)


def test_a_pending_run_is_not_doubled(buyers):
    tasks.refresh_value_segments.call()
    tasks.refresh_value_segments.call()
    assert len(pending()) == 1
    assert tasks.schedule_value_segment_refresh() is None
    assert len(pending()) == 1


def test_a_failed_refresh_still_schedules_the_next_one(buyers, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(segments, "value_segments_refresh", broken)
    with pytest.raises(RuntimeError):
        tasks.refresh_value_segments.call()
    assert len(pending()) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_a_queued_refresh(buyers):
    # The worker closes connections between tasks, so this test commits for real.
    recent, _lapsed = buyers
    queued = tasks.schedule_value_segment_refresh()
    assert queued is not None and queued.status == TaskResultStatus.READY
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    finished = DBTaskResult.objects.get(pk=queued.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL, finished.traceback
    assert finished.return_value["segments"]["champions"] == 1
    recent.refresh_from_db()
    assert recent.value_segment == "champions"
    # The run queued its successor for tomorrow, and the worker left that one waiting.
    (successor,) = pending()
    assert successor.run_after > timezone.now()


def test_an_immediate_backend_runs_once_without_scheduling_itself(buyers, settings):
    settings.TASKS = IMMEDIATE
    result = tasks.schedule_value_segment_refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    buyers[0].refresh_from_db()
    assert buyers[0].value_segment == "champions"
    assert tasks.schedule_value_segment_refresh(run_after=timezone.now()) is None


class TestCommand:
    def test_runs_now_and_prints_the_counts_per_segment(self, buyers):
        out = StringIO()
        call_command("refresh_value_segments", stdout=out)
        text = out.getvalue()
        for key in Customer.ValueSegment.values:
            assert key in text
        assert "1 changed segment, 1 cleared" in text
        assert buyers[0].__class__.objects.get(pk=buyers[0].pk).value_segment == "champions"
        assert pending() == []  # a cron-driven run schedules nothing

    def test_enqueue_makes_sure_one_run_is_queued(self, db):
        out = StringIO()
        call_command("refresh_value_segments", "--enqueue", stdout=out)
        assert "queued" in out.getvalue()
        assert len(pending()) == 1
        again = StringIO()
        call_command("refresh_value_segments", "--enqueue", stdout=again)
        assert "already queued to run as soon as a worker is free" in again.getvalue()
        assert len(pending()) == 1
