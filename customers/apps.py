from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm.navigation import NavItem


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")
    nav_items = [
        NavItem("customers:list", _("Customers"), "people", "customers.view_customer", order=10),
        NavItem("customers:import_list", _("Imports"), "upload", "customers.view_importjob",
                order=80, covers=("customers:import_",)),
        NavItem("customers:duplicate_list", _("Duplicates"), "copy", "customers.merge_customer",
                order=85, covers=("customers:merge",)),
        NavItem("customers:trash", _("Trash"), "trash", "customers.restore_customer", order=90),
    ]

    def ready(self) -> None:
        from customers import panels, signals  # noqa: F401 (connects the receivers)

        panels.register_panel(
            key="purchases",
            title=_("Purchases"),
            url_name="customers:purchase_panel",
            order=10,
            permission="customers.view_purchase",
        )
