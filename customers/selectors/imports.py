"""Reads of import jobs that depend on the user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from crm.models import User
from customers.models import ImportJob


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """Past and running imports the user may see, newest first."""
    return ImportJob.objects.visible_to(user).select_related("created_by", "confirmed_by")


def import_job_get(*, user: User, pk: int) -> ImportJob:
    return get_object_or_404(import_job_list(user=user), pk=pk)
