from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from customers import exports
from customers.models import Customer


class Command(BaseCommand):
    help = "Export every live customer in the import columns (CSV or XLSX by extension)."
    kind = "customers"

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("where to write: a .csv or .xlsx file"))

    def queryset(self):
        return Customer.objects.all()

    def handle(self, *args, path, **options):
        if not path.lower().endswith((".csv", ".xlsx")):
            raise CommandError(_("Export to a .csv or .xlsx file."))
        count = exports.export(path, self.kind, self.queryset())
        self.stdout.write(self.style.SUCCESS(
            _("Exported %(count)d rows to %(path)s.") % {"count": count, "path": path}
        ))
