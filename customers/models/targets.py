"""Monthly sales targets per rep (SPEC §3): managers set them, the dashboards compare them with
the revenue of each rep's customers."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SalesTargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> SalesTargetQuerySet:
        """Reps see their own targets; managers, support and superusers see every target."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_records:
            return self
        return self.filter(rep=user)

    def for_months(self, first, last) -> SalesTargetQuerySet:
        """Targets of the months from `first` to `last` (any days within them), inclusive."""
        return self.filter(month__gte=first.replace(day=1), month__lte=last.replace(day=1))


class SalesTarget(models.Model):
    """The revenue a rep's customers should bring in one calendar month. `month` is always the
    first day of that month (a database constraint), so a month has one target per rep."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sales rep"), on_delete=models.PROTECT,
        related_name="sales_targets",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(
        _("target amount"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True, editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True, editable=False,
    )

    objects = SalesTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-month", "rep_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rep", "month"], name="sales_target_rep_month_unique",
                violation_error_message=_("This rep already has a target for this month."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="sales_target_month_first_day",
                violation_error_message=_("A target's month is stored as its first day."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="sales_target_amount_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
        ]
        indexes = [
            # The dashboards read every rep's targets for a range of months.
            models.Index(fields=["month", "rep"], name="sales_target_month_rep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rep} · {self.month:%Y-%m}"
