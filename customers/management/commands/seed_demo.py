"""`manage.py seed_demo`: demo users for every role and realistic customers (SPEC §5)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from crm.models import User
from customers.demo_data import DEMO_PASSWORD, DEMO_USERS, DemoDataExists, demo_data_seed


class Command(BaseCommand):
    help = _(
        "Load demo users, products, customers, tags and purchases into an empty database, "
        "in one transaction."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse runs regular expressions over the description, which needs a real str.
        parser.description = str(self.help)
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers", type=int, default=2000,
            help=_("Number of customers to create (default 2000)."),
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help=_("Do nothing, successfully, when customers already exist."),
        )
        parser.add_argument(
            "--seed", type=int, default=1,
            help=_("Random seed; the same seed gives the same data (default 1)."),
        )
        parser.add_argument(
            "--purchase-factor", type=float, default=1.0,
            help=_("Multiplies the repeat purchases: 1 gives about 2.3 purchases per customer, "
                   "2.8 about 5 (default 1)."),
        )
        parser.add_argument(
            "--chunk-size", type=int, default=50_000,
            help=_("Customers generated and copied per batch (default 50000)."),
        )

    def handle(self, *args, customers: int, if_empty: bool, seed: int, chunk_size: int,
               purchase_factor: float, **options):
        if customers < 0:
            raise CommandError("--customers must be zero or more.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if not 0 <= purchase_factor <= 20:
            raise CommandError("--purchase-factor must be between 0 and 20.")
        self.stdout.write(f"Seeding {customers:,} demo customers (seed {seed})…")
        try:
            result = demo_data_seed(
                customers=customers, seed=seed, chunk_size=chunk_size,
                purchase_factor=purchase_factor, log=self.stdout.write
            )
        except DemoDataExists:
            if not if_empty:
                raise CommandError(
                    "The database already has customers; seed_demo only fills an empty one "
                    "(pass --if-empty to skip seeding quietly). Nothing was written."
                ) from None
            self.stdout.write("Customers already exist; nothing seeded.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Created {result.customers:,} customers, {result.purchases:,} purchases, "
                f"{result.tags:,} customer tags, {result.products} products, "
                f"{result.targets} sales targets and "
                f"{len(result.users_created)} users in {result.seconds:.1f}s."
            ))
        self._print_logins()

    def _print_logins(self) -> None:
        present = set(User.objects.filter(
            username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"Demo logins (password {DEMO_PASSWORD!r} unless changed since seeding):"))
        self.stdout.write(f"  {'username':<10} {'role':<10} name")
        for spec in DEMO_USERS:
            if spec.username in present:
                self.stdout.write(f"  {spec.username:<10} {spec.role:<10} {spec.full_name}")
