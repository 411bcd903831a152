"""Merges of duplicate customers, recorded so that a manager can undo one for a while."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CustomerMergeQuerySet(models.QuerySet):
    def visible_to(self, user) -> CustomerMergeQuerySet:
        """Merges are seen by those who may merge (managers)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("customers.merge_customer"):
            return self
        return self.none()

    def undoable(self) -> CustomerMergeQuerySet:
        cutoff = timezone.now() - timedelta(days=settings.MERGE_UNDO_DAYS)
        return self.filter(undone_at__isnull=True, merged_at__gte=cutoff)


class CustomerMerge(models.Model):
    """Customers `merged_ids` merged into `survivor`: what each field was before, which
    related records moved from which customer, and which links were dropped as repeats."""

    # No reverse accessor, and merges themselves never move to a merge's survivor.
    survivor = models.ForeignKey(
        "customers.Customer", verbose_name=_("surviving customer"), on_delete=models.PROTECT,
        related_name="+",
    )
    merged_ids = ArrayField(models.BigIntegerField(), verbose_name=_("merged customers"))
    # {"survivor": {field: value}, "merged": {id: {field: value}}} as they were before.
    before = models.JSONField(_("values before the merge"), default=dict)
    # The survivor's values the merge set, so an undo restores only fields not edited since.
    after = models.JSONField(_("values set by the merge"), default=dict)
    # [{"model": "app.model", "field": name, "from": customer id, "ids": [pk, …]}]
    moved = models.JSONField(_("moved records"), default=list, blank=True)
    # Link rows (e.g. tags) deleted because the survivor already had the same link.
    dropped = models.JSONField(_("dropped repeated links"), default=list, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), on_delete=models.PROTECT,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("undone by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    objects = CustomerMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-merged_at", "-id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["-merged_at", "-id"], name="customermerge_merged_idx")]

    def __str__(self) -> str:
        return _("Merge into customer #%(id)s") % {"id": self.survivor_id}

    def get_absolute_url(self) -> str:
        return reverse("customers:merge_detail", kwargs={"pk": self.pk})

    @property
    def undo_deadline(self):
        return self.merged_at + timedelta(days=settings.MERGE_UNDO_DAYS)

    @property
    def can_undo(self) -> bool:
        return self.undone_at is None and timezone.now() <= self.undo_deadline
