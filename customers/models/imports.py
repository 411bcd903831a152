"""Imports started from the browser: the uploaded file, its validation report and progress."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Import history is for those who may import (managers); the rest see none."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("customers.view_importjob"):
            return self
        return self.none()


def _upload_to(job: ImportJob, filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{filename}"


class ImportJob(models.Model):
    """One file a manager imports: validated first (a dry run), then imported on confirmation,
    both as background tasks that record their progress here."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        PURCHASES = "purchases", _("Purchases")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Waiting to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Not imported: the file has errors")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Phase(models.TextChoices):
        READING = "reading", _("Reading and checking rows")
        CHECKING = "checking", _("Checking against the database")
        WRITING = "writing", _("Writing")
        FINISHED = "finished", _("Finished")

    RUNNING = (Status.VALIDATING, Status.QUEUED, Status.IMPORTING)
    # A running job whose progress has not moved for this long is shown as stalled.
    STALL_AFTER = timedelta(minutes=10)

    kind = models.CharField(_("data"), max_length=10, choices=Kind)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.VALIDATING
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase, default=Phase.READING)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    skipped_duplicates = models.PositiveIntegerField(_("possible duplicates skipped"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    # The first problems and notices, for the page; the full list is in `problems_file`.
    problems = models.JSONField(_("first problems"), default=list, blank=True)
    notices = models.JSONField(_("first possible duplicates"), default=list, blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    problems_file = models.FileField(
        _("problem report"), upload_to=_upload_to, max_length=255, blank=True
    )
    error = models.TextField(_("error"), blank=True)
    # The uploader's language: problem messages and the report are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        default_permissions = ("add", "view")
        indexes = [models.Index(fields=["-created_at", "-id"], name="importjob_created_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("customers:import_detail", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_stalled(self) -> bool:
        return self.is_running and timezone.now() - self.updated_at > self.STALL_AFTER

    @property
    def can_confirm(self) -> bool:
        """Validated with something to import: no bad row, or the manager skips them."""
        valid = (self.rows_total or 0) - self.invalid - self.skipped_duplicates
        return self.status == self.Status.VALIDATED and valid > 0

    @property
    def percent(self) -> int | None:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return None
        # Reading rows is most of the work; the database checks and writes take the rest.
        share = {self.Phase.READING: 90, self.Phase.CHECKING: 92, self.Phase.WRITING: 95}
        done = min(self.rows_done, self.rows_total) / self.rows_total
        if self.phase == self.Phase.READING:
            return int(done * share[self.Phase.READING])
        return share.get(self.phase, 100)
