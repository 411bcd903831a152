"""Every write to customers, tags and purchases goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Role, User
from customers.models import Customer, Product, Purchase, Tag
from customers.normalization import normalize_email, normalize_phone

CUSTOMER_FIELDS = frozenset(
    {
        "kind", "name", "gender", "birth_date", "phone", "email", "company", "industry",
        "province", "city", "address", "source", "level", "status", "acquired_on",
        "churned_on", "owner", "marketing_opt_out", "notes", "external_id",
    }
)


STALE_EDIT_MESSAGE = gettext_lazy(
    "Someone else changed this customer while you were editing, so your changes were not "
    "saved. Open the customer in another tab to see their changes; saving this form again "
    "replaces them with yours."
)


class ConcurrentUpdateError(ValidationError):
    """The record changed since the editor loaded it; saving would overwrite that change."""


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - CUSTOMER_FIELDS
    if unknown:
        raise TypeError(f"Unknown customer fields: {', '.join(sorted(unknown))}")


def _normalize(customer: Customer) -> None:
    for attr in ("name", "phone", "email", "company", "city", "province", "external_id"):
        setattr(customer, attr, (getattr(customer, attr) or "").strip())
    customer.email = customer.email.lower()
    customer.phone_normalized = normalize_phone(customer.phone)
    customer.email_normalized = normalize_email(customer.email)


def _sync_churn_date(customer: Customer) -> None:
    """Keep `churned_on` set exactly while the status is churned (SPEC §3)."""
    if customer.status == Customer.Status.CHURNED:
        if customer.churned_on is None:
            customer.churned_on = timezone.localdate()
    else:
        customer.churned_on = None


def _check_owner(*, actor: User | None, owner: User | None, previous: User | None) -> None:
    """A new owner must be active and given by someone allowed to reassign; an unchanged
    owner is fine even if that user has since left (the record stays editable)."""
    if owner == previous:
        return
    if actor is not None and not actor.has_perm("customers.reassign_customer"):
        raise ValidationError(
            {"owner": _("Only a manager can hand a customer to another owner.")}
        )
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": _("The owner must be an active user.")})


def tags_resolve(tags: Iterable[str | Tag]) -> list[Tag]:
    """Tags by name, creating the missing ones; names are trimmed and blanks dropped."""
    resolved: dict[str, Tag] = {}
    names: list[str] = []
    for tag in tags:
        if isinstance(tag, Tag):
            resolved[tag.name] = tag
        elif (name := str(tag).strip()) and name not in names:
            names.append(name)
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    for name in names:
        if len(name) > Tag._meta.get_field("name").max_length:
            raise ValidationError({"tags": _("A tag can be at most 50 characters long.")})
        resolved[name] = existing.get(name) or Tag.objects.create(name=name)
    return list(resolved.values())


@transaction.atomic
def customer_create(
    *, actor: User | None, tags: Iterable[str | Tag] = (), **fields
) -> Customer:
    """Create a customer with normalized phone/e-mail and a churn date consistent with its
    status. A rep's new customer is owned by the rep unless a manager assigns it."""
    _check_fields(fields)
    if fields.get("owner") is None and actor is not None and actor.has_role(Role.SALES) \
            and not actor.is_superuser:
        fields["owner"] = actor
    _check_owner(actor=actor, owner=fields.get("owner"), previous=actor)
    customer = Customer(**fields)
    if customer.acquired_on is None:
        customer.acquired_on = timezone.localdate()
    _sync_churn_date(customer)
    _normalize(customer)
    customer.full_clean()
    customer.save()
    customer.tags.set(tags_resolve(tags))
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    actor: User | None,
    expected_version: int | None = None,
    tags: Iterable[str | Tag] | None = None,
    **changes,
) -> Customer:
    """Apply `changes` to a live customer under a row lock.

    When `expected_version` is given and the row has moved on, nothing is written and
    `ConcurrentUpdateError` is raised, so a concurrent edit is never silently overwritten.
    """
    _check_fields(changes)
    locked = Customer.all_objects.select_for_update().get(pk=customer.pk)
    if locked.is_deleted:
        raise ValidationError(_("This customer has been deleted."))
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentUpdateError(STALE_EDIT_MESSAGE, code="stale")
    if "owner" in changes:
        _check_owner(actor=actor, owner=changes["owner"], previous=locked.owner)
    for name, value in changes.items():
        setattr(locked, name, value)
    _sync_churn_date(locked)
    _normalize(locked)
    locked.full_clean()
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    if tags is not None:
        locked.tags.set(tags_resolve(tags))
    return locked


@transaction.atomic
def customer_delete(*, customer: Customer, actor: User) -> Customer:
    """Move a customer to the trash; its purchases stay, and a manager can restore it."""
    locked = Customer.all_objects.select_for_update().get(pk=customer.pk)
    if locked.is_deleted:
        return locked
    locked.deleted_at = timezone.now()
    locked.deleted_by = actor
    locked.version += 1
    locked.save(update_fields=["deleted_at", "deleted_by", "version"])
    return locked


@transaction.atomic
def customer_restore(*, customer: Customer, actor: User) -> Customer:
    """Bring a customer back from the trash."""
    locked = Customer.all_objects.select_for_update().get(pk=customer.pk)
    if not locked.is_deleted:
        return locked
    locked.deleted_at = None
    locked.deleted_by = None
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    return locked


@transaction.atomic
def customers_reassign(*, actor: User, customers: QuerySet[Customer], owner: User) -> int:
    """Give every customer in `customers` to `owner` in one statement; returns how many."""
    if not actor.has_perm("customers.reassign_customer"):
        raise ValidationError(_("Only a manager can reassign customers."))
    if not owner.is_active:
        raise ValidationError({"owner": _("The owner must be an active user.")})
    return (
        Customer.objects.filter(pk__in=customers.values("pk"))
        .exclude(owner=owner)
        .update(owner=owner, version=F("version") + 1, updated_at=timezone.now())
    )


@transaction.atomic
def purchase_create(
    *,
    actor: User | None,
    customer: Customer,
    product: Product,
    quantity: int = 1,
    unit_price: Decimal | None = None,
    purchased_on: date | None = None,
    channel: str = "",
    external_id: str = "",
) -> Purchase:
    """Record one purchase line (amount = quantity × unit price, the product's list price by
    default). A potential customer who buys becomes an active customer."""
    customer = Customer.all_objects.select_for_update().get(pk=customer.pk)
    if customer.is_deleted:
        raise ValidationError(_("This customer has been deleted."))
    purchase = Purchase(
        customer=customer,
        product=product,
        quantity=quantity,
        unit_price=product.list_price if unit_price is None else unit_price,
        purchased_on=purchased_on or timezone.localdate(),
        channel=channel,
        external_id=(external_id or "").strip(),
        created_by=actor,
    )
    purchase.full_clean()
    purchase.save()
    if customer.status == Customer.Status.POTENTIAL:
        customer_update(customer=customer, actor=None, status=Customer.Status.ACTIVE)
    return purchase
