from customers.management.commands.export_customers import Command as ExportCommand
from customers.models import Purchase


class Command(ExportCommand):
    help = "Export the purchases of live customers in the import columns (CSV or XLSX)."
    kind = "purchases"

    def queryset(self):
        return Purchase.objects.filter(customer__deleted_at__isnull=True)
