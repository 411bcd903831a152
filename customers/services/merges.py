"""Merging duplicate customers into one survivor, and undoing a merge.

Related records are found through the model meta (every relation pointing at Customer), so
records of apps added later move too without the customers app importing them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import User
from customers.models import Customer, CustomerMerge
from customers.services.customers import (
    CUSTOMER_FIELDS,
    ConcurrentUpdateError,
    _check_fields,
    _check_owner,
    _normalize,
    _sync_churn_date,
)

# The editable fields in the model's order: the rows of the merge form, the snapshot keys.
MERGE_FIELDS = tuple(
    field.name for field in Customer._meta.concrete_fields if field.name in CUSTOMER_FIELDS
)


def _json_value(customer: Customer, name: str):
    value = getattr(customer, Customer._meta.get_field(name).attname)
    return value.isoformat() if isinstance(value, datetime.date) else value


def _snapshot(customer: Customer) -> dict:
    """The merge fields as JSON-safe values (dates as ISO strings, the owner as its id)."""
    return {name: _json_value(customer, name) for name in MERGE_FIELDS}


def _apply_snapshot(customer: Customer, values: dict) -> None:
    for name, value in values.items():
        field = Customer._meta.get_field(name)
        setattr(customer, field.attname, field.to_python(value))


def _json_pk(pk):
    return pk if isinstance(pk, int) else str(pk)


@dataclass(frozen=True)
class _Relation:
    """A foreign key to Customer on another model; `link` when the model is an auto-created
    many-to-many table, whose rows must not repeat a link the survivor already has."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def link(self) -> bool:
        return bool(self.model._meta.auto_created)

    def other_attnames(self) -> list[str]:
        """The columns that, with this foreign key, identify a link row."""
        return [f.attname for f in self.model._meta.concrete_fields
                if not f.primary_key and f is not self.field]


def _relations() -> list[_Relation]:
    """Every foreign key to Customer, including the tables behind many-to-many fields (a
    Customer field such as `tags` or another app's), except the merge records themselves."""
    found = []
    for rel in Customer._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        if rel.related_model is CustomerMerge:
            continue
        found.append(_Relation(model=rel.related_model, field=rel.field))
    return found


def _relation(label: str, field_name: str) -> _Relation:
    model = apps.get_model(label)
    return _Relation(model=model, field=model._meta.get_field(field_name))


def _lock(ids) -> dict[int, Customer]:
    locked = Customer.all_objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {customer.pk: customer for customer in locked}


def _move_related(*, survivor: Customer, merged: list[Customer]) -> tuple[list, list]:
    """Point every record of the merged customers at the survivor; returns (moved, dropped)
    as CustomerMerge records them."""
    moved, dropped = [], []
    merged_ids = [customer.pk for customer in merged]
    for relation in _relations():
        manager = relation.model._base_manager
        fk = relation.field.attname
        rows = manager.filter(**{f"{fk}__in": merged_ids}).order_by(fk, "pk")
        by_customer: dict[int, list] = {}
        if relation.link:
            others = relation.other_attnames()
            seen = set(manager.filter(**{fk: survivor.pk}).values_list(*others))
            repeats = []
            for pk, source, *values in rows.values_list("pk", fk, *others):
                if tuple(values) in seen:
                    repeats.append(pk)
                    dropped.append({"model": relation.label, "field": relation.field.name,
                                    "from": source, "values": dict(zip(others, values))})
                else:
                    seen.add(tuple(values))
                    by_customer.setdefault(source, []).append(_json_pk(pk))
            if repeats:
                manager.filter(pk__in=repeats).delete()
        else:
            for pk, source in rows.values_list("pk", fk):
                by_customer.setdefault(source, []).append(_json_pk(pk))
        for source, pks in by_customer.items():
            moved.append({"model": relation.label, "field": relation.field.name,
                          "from": source, "ids": pks})
        if by_customer:
            try:
                with transaction.atomic():
                    manager.filter(**{f"{fk}__in": merged_ids}).update(**{fk: survivor.pk})
            except IntegrityError:
                raise ValidationError(
                    _("The customers' %(records)s cannot be combined on one customer, so "
                      "nothing was merged.")
                    % {"records": relation.model._meta.verbose_name_plural}
                ) from None
    return moved, dropped


@transaction.atomic
def customers_merge(
    *,
    actor: User,
    survivor: Customer,
    others: list[Customer],
    values: dict,
    versions: dict[int, int] | None = None,
) -> CustomerMerge:
    """Merge `others` into `survivor`: the survivor takes the chosen field `values` (as the
    model holds them: the owner as a User) and the union of the tags, every related record
    moves to it, and the others go to the trash (their external IDs cleared so the survivor
    may take one). Recorded for undo; when a customer's version differs from `versions`,
    nothing is written."""
    if not actor.has_perm("customers.merge_customer"):
        raise PermissionDenied(_("Only a manager can merge customers."))
    _check_fields(values)
    ids = sorted({survivor.pk, *(other.pk for other in others)})
    if len(ids) < 2:
        raise ValidationError(_("Choose at least two different customers to merge."))
    locked = _lock(Customer.all_objects.visible_to(actor).filter(pk__in=ids).values("pk"))
    if len(locked) != len(ids) or any(c.is_deleted for c in locked.values()):
        raise ValidationError(
            _("One of the customers has been deleted or merged meanwhile, so nothing was merged.")
        )
    for pk, expected in (versions or {}).items():
        if pk in locked and locked[pk].version != expected:
            raise ConcurrentUpdateError(
                _("“%(name)s” was changed by someone else while you were comparing the "
                  "customers, so nothing was merged. Compare them again and merge once more.")
                % {"name": locked[pk]},
                code="stale",
            )
    target = locked[survivor.pk]
    merged = [locked[pk] for pk in ids if pk != target.pk]
    before = {"survivor": _snapshot(target),
              "merged": {str(c.pk): _snapshot(c) for c in merged}}
    now = timezone.now()
    for customer in merged:
        customer.external_id = ""
        customer.deleted_at, customer.deleted_by = now, actor
        customer.version += 1
        customer.updated_at = now
        customer.save(update_fields=["external_id", "deleted_at", "deleted_by", "version",
                                     "updated_at"])
    if "owner" in values:
        _check_owner(actor=actor, owner=values["owner"], previous=target.owner)
    for name, value in values.items():
        setattr(target, name, value)
    _sync_churn_date(target)
    _normalize(target)
    target.full_clean()
    target.version += 1
    target.updated_at = now
    target.save()
    moved, dropped = _move_related(survivor=target, merged=merged)
    merge = CustomerMerge(
        survivor=target, merged_ids=[c.pk for c in merged], before=before,
        after=_snapshot(target), moved=moved, dropped=dropped, merged_by=actor, merged_at=now,
    )
    merge.full_clean()
    merge.save()
    return merge


def _restore_fields(customer: Customer, *, before: dict, left: dict) -> list[str]:
    """Put back `before` where the customer still holds what the merge left; returns the
    fields edited since, which keep their current value."""
    current = _snapshot(customer)
    kept = []
    for name, old in before.items():
        if current.get(name) == left.get(name):
            _apply_snapshot(customer, {name: old})
        elif old != left.get(name):
            kept.append(name)
    return kept


@transaction.atomic
def customer_merge_undo(*, actor: User, merge: CustomerMerge) -> CustomerMerge:
    """Undo a merge within MERGE_UNDO_DAYS: the merged customers come back, the records
    moved from them and still on the survivor move back, dropped links are re-created, and
    the survivor's fields return to their old values unless edited since. The returned
    merge's `kept_fields` names the survivor's fields kept because they were edited since."""
    if not actor.has_perm("customers.merge_customer"):
        raise PermissionDenied(_("Only a manager can undo a merge."))
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."))
    if not merge.can_undo:
        raise ValidationError(
            _("This merge can no longer be undone: a merge can be undone for %(days)d days.")
            % {"days": settings.MERGE_UNDO_DAYS}
        )
    locked = _lock([merge.survivor_id, *merge.merged_ids])
    purged = [pk for pk in merge.merged_ids if pk not in locked]
    if purged:
        raise ValidationError(
            _("Customer #%(id)s has been deleted for good since the merge, so the merge "
              "cannot be undone.") % {"id": purged[0]}
        )
    now = timezone.now()
    survivor = locked[merge.survivor_id]
    kept = _restore_fields(survivor, before=merge.before["survivor"], left=merge.after)
    _save_restored(survivor, now=now)
    for pk in merge.merged_ids:
        customer = locked[pk]
        before = merge.before["merged"][str(pk)]
        _restore_fields(customer, before=before, left={**before, "external_id": ""})
        customer.deleted_at, customer.deleted_by = None, None
        _save_restored(customer, now=now)
    for entry in merge.moved:
        relation = _relation(entry["model"], entry["field"])
        fk = relation.field.attname
        relation.model._base_manager.filter(pk__in=entry["ids"], **{fk: survivor.pk}).update(
            **{fk: entry["from"]}
        )
    for entry in merge.dropped:
        relation = _relation(entry["model"], entry["field"])
        relation.model._base_manager.bulk_create(
            [relation.model(**{relation.field.attname: entry["from"], **entry["values"]})],
            ignore_conflicts=True,
        )
    merge.undone_by, merge.undone_at = actor, now
    merge.save(update_fields=["undone_by", "undone_at"])
    merge.kept_fields = kept
    return merge


def _save_restored(customer: Customer, *, now) -> None:
    _sync_churn_date(customer)
    _normalize(customer)
    customer.full_clean()
    customer.version += 1
    customer.updated_at = now
    customer.save()
