from customers.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import customers from a CSV or XLSX file (SPEC §5); rows match on external_id."
    kind = "customers"
