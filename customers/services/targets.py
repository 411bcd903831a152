"""Every write to sales targets goes through these functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Role, User
from customers.models import SalesTarget

STALE_TARGET_MESSAGE = gettext_lazy(
    "Someone else changed or removed this target while you were editing, so your change was "
    "not saved. Reload it to see the current amount."
)


def target_month(month) -> dt.date:
    """The first day of `month` (a date; any day of the month will do)."""
    if isinstance(month, dt.datetime) or not isinstance(month, dt.date):
        raise ValidationError({"month": _("Enter the month as a date.")}, code="invalid")
    return month.replace(day=1)


def _check_actor(actor: User | None, permission: str) -> None:
    # No actor: the system itself (demo data, migrations of data).
    if actor is not None and not actor.has_perm(permission):
        raise ValidationError(_("Only a manager can set sales targets."), code="permission")


def _amount(amount) -> Decimal:
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("Enter a number.")}, code="invalid") from None
    if not value.is_finite():
        raise ValidationError({"amount": _("Enter a number.")}, code="invalid")
    return value


@transaction.atomic
def sales_target_set(
    *, actor: User | None, rep: User, month: dt.date, amount, version: int | None = None
) -> SalesTarget:
    """Create or change `rep`'s target for the month of `month` (stored as its first day).

    With `version` (the version the editor loaded), a target that has changed or gone since
    is left alone and a ValidationError (code "stale") raised, so a concurrent edit is never
    silently overwritten; without it the amount is simply set.
    """
    month = target_month(month)
    amount = _amount(amount)
    target = SalesTarget.objects.select_for_update().filter(rep=rep, month=month).first()
    if target is None:
        _check_actor(actor, "customers.add_salestarget")
        if version is not None:
            raise ValidationError(STALE_TARGET_MESSAGE, code="stale")
        if not rep.is_active or not rep.has_role(Role.SALES, Role.MANAGER):
            raise ValidationError(
                {"rep": _("Targets are set for active sales reps and managers only.")})
        target = SalesTarget(rep=rep, month=month, amount=amount, created_by=actor,
                             updated_by=actor)
        target.full_clean()
        try:
            # A concurrent first target for the same rep and month wins the unique index.
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise ValidationError(STALE_TARGET_MESSAGE, code="stale") from None
        return target
    _check_actor(actor, "customers.change_salestarget")
    if version is not None and target.version != version:
        raise ValidationError(STALE_TARGET_MESSAGE, code="stale")
    if target.amount == amount:
        return target
    target.amount = amount
    target.full_clean()
    target.version += 1
    target.updated_by = actor
    target.updated_at = timezone.now()
    target.save()
    return target


@transaction.atomic
def sales_target_delete(
    *, actor: User | None, target: SalesTarget, version: int | None = None
) -> None:
    """Remove a target (gone already is fine). With `version`, a target changed since the
    editor loaded it is kept and a ValidationError (code "stale") raised."""
    _check_actor(actor, "customers.delete_salestarget")
    locked = SalesTarget.objects.select_for_update().filter(pk=target.pk).first()
    if locked is None:
        return
    if version is not None and locked.version != version:
        raise ValidationError(STALE_TARGET_MESSAGE, code="stale")
    locked.delete()
