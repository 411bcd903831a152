"""`manage.py refresh_value_segments [--enqueue]`: recompute the customers' value segments now,
or make sure the self-rescheduling daily refresh is queued for the task worker."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics import segments, tasks
from customers.models import Customer


class Command(BaseCommand):
    help = _(
        "Recompute every customer's value segment (RFM over the last 12 months) now and print "
        "the customers per segment; with --enqueue, queue the daily refresh for the task "
        "worker instead. Running it from cron without --enqueue is an alternative to the worker."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse runs regular expressions over the description, which needs a real str.
        parser.description = str(self.help)
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true",
            help=_("Queue a refresh for the task worker (unless one is already waiting) and "
                   "return at once; the worker then keeps it scheduled daily."),
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            self._enqueue()
        else:
            self._refresh()

    def _enqueue(self) -> None:
        result = tasks.schedule_value_segment_refresh()
        if result is not None:
            self.stdout.write(self.style.SUCCESS(
                f"Value segment refresh queued ({result.id}); a running db_worker picks it up."))
            return
        pending = tasks.pending_value_segment_refresh()
        when = ""
        if pending is not None:
            # The database backend stores "no run_after" as the largest date it can.
            when = (" to run as soon as a worker is free" if pending.run_after.year == 9999
                    else f" for {timezone.localtime(pending.run_after):%Y-%m-%d %H:%M %Z}")
        self.stdout.write(f"A value segment refresh is already queued{when}; nothing added.")

    def _refresh(self) -> None:
        started = time.monotonic()
        now = timezone.now()
        written = segments.value_segments_refresh(today=timezone.localdate(now), computed_at=now)
        width = max(len(key) for key in Customer.ValueSegment.values)
        for key, count in written.segments.items():
            self.stdout.write(f"  {key:<{width}} {count:>10,}")
        total = sum(written.segments.values())
        self.stdout.write(self.style.SUCCESS(
            f"{total:,} customers with a purchase in the last 12 months segmented; "
            f"{written.changed:,} changed segment, {written.cleared:,} cleared "
            f"({time.monotonic() - started:.1f}s)."
        ))
