"""Reads of customer merges: candidates, past merges and what each moved."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Count, Func, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from crm.models import User
from customers.models import Customer, CustomerMerge


def merge_candidates(*, user: User) -> QuerySet[Customer]:
    """Live customers the user may see, oldest first, with their tags and the number of
    purchases each has (what the merge form compares)."""
    return (
        Customer.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related("tags")
        .annotate(purchase_count=Count("purchases"))
        .order_by("created_at", "id")
    )


class _AnyOf(Func):
    """`value = ANY(array)`: whether an array holds the value."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def merge_list(*, user: User) -> QuerySet[CustomerMerge]:
    """Merges the user may see, newest first, with the merged customers' names."""
    names = (
        Customer.all_objects.filter(_AnyOf("pk", OuterRef("merged_ids")))
        .order_by("id")
        .values("name")
    )
    return (
        CustomerMerge.objects.visible_to(user)
        .select_related("survivor", "merged_by", "undone_by")
        .annotate(merged_names=ArraySubquery(names))
    )


def merge_get(*, user: User, pk: int) -> CustomerMerge:
    """One merge the user may see, or 404."""
    return get_object_or_404(merge_list(user=user), pk=pk)


def merge_customers(*, merge: CustomerMerge) -> QuerySet[Customer]:
    """The customers a merge folded into its survivor, deleted or restored since."""
    return Customer.all_objects.filter(pk__in=merge.merged_ids).order_by("id")


@dataclass(frozen=True)
class MovedRecords:
    label: str
    count: int


def merge_moved_records(*, merge: CustomerMerge) -> list[MovedRecords]:
    """How many records of each kind a merge moved to the survivor (no query: read from the
    merge's record; kinds of an app since removed are named by their label)."""
    counts: dict[str, int] = {}
    for entry in merge.moved:
        counts[entry["model"]] = counts.get(entry["model"], 0) + len(entry["ids"])
    return [MovedRecords(label=_records_label(model), count=count)
            for model, count in counts.items()]


def _records_label(label: str) -> str:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    source = model._meta.auto_created
    if source:
        # A many-to-many table: named after the field (tags) or the model linking customers.
        if source is Customer:
            for field in Customer._meta.many_to_many:
                if field.remote_field.through is model:
                    return str(field.verbose_name)
        return str(source._meta.verbose_name_plural)
    return str(model._meta.verbose_name_plural)
