from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, gettext_lazy as _

from analytics.exports import write_customer_metrics
from analytics.management.commands._period import add_period_arguments, period_and_owner
from analytics.rfm import customer_rfm


class Command(BaseCommand):
    help = _("Write one CSV row of RFM metrics per customer with a purchase in the period.")

    def add_arguments(self, parser):
        add_period_arguments(parser)
        parser.add_argument("--output", required=True, metavar="PATH",
                            help=_("the CSV file to write (replaced whole, never half-written)"))

    def handle(self, *args, output, **options):
        period, owner = period_and_owner(options)
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(gettext("The folder %(folder)s does not exist.")
                               % {"folder": path.parent})
        count = write_customer_metrics(customer_rfm(period=period, owner=owner), path)
        self.stdout.write(self.style.SUCCESS(
            gettext("Wrote %(count)d customers to %(path)s.") % {"count": count, "path": path}
        ))
