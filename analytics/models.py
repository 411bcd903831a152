"""The dashboards' permission. Analytics keeps no tables of its own: it reads the other apps'."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """Carries `analytics.view_dashboard` (managers and sales reps; support staff work in the
    admin site and get no dashboards). No table: `managed = False` and nothing queries it."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("Can view the analytics dashboards"))]
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")
