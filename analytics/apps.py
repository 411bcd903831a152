from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm.navigation import NavItem


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")
    nav_items = [
        NavItem("analytics:overview", _("Dashboards"), "graph-up", "analytics.view_dashboard",
                order=20, covers=("analytics:",)),
    ]
