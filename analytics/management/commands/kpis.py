import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from analytics.kpis import compute_kpis
from analytics.management.commands._period import add_period_arguments, period_and_owner


class Command(BaseCommand):
    help = _("Print the customer and sales KPIs of a period as one JSON object (SPEC §4).")

    def add_arguments(self, parser):
        add_period_arguments(parser)
        parser.add_argument("--format", choices=["json"], default="json",
                            help=_("output format (only json)"))

    def handle(self, *args, **options):
        period, owner = period_and_owner(options)
        report = compute_kpis(period=period, owner=owner)
        self.stdout.write(json.dumps(report, ensure_ascii=False, allow_nan=False))
