"""Cached choice lists (tags, products, owners) for filters and forms."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from crm import caching
from crm.models import Role, User
from customers.models import Product, Tag


# Cache namespaces of the choice lists below; `customers.signals` and the bulk writers that
# bypass signals (imports, demo data) invalidate them.
TAGS_CACHE = "customers:tags"
OWNERS_CACHE = "customers:owners"
PRODUCTS_CACHE = "customers:products"


def choices_version() -> str:
    """Changes whenever the owner or tag choice lists may have: part of the cache key of HTML
    built from them (the customer list's filter form)."""
    return f"{caching.generation(OWNERS_CACHE)}.{caching.generation(TAGS_CACHE)}"


def tag_choices() -> list[tuple[str, str]]:
    """(id, name) of every tag in name order, for filter and form choices (cached)."""
    return caching.get_or_compute(
        TAGS_CACHE, ("choices",),
        lambda: [(str(pk), name) for pk, name in Tag.objects.values_list("pk", "name")],
        settings.CHOICES_CACHE_SECONDS,
    )


def product_choices() -> list[tuple[str, str]]:
    """(id, "name (SKU)") of every product in name order, for filter choices (cached)."""
    return caching.get_or_compute(
        PRODUCTS_CACHE, ("choices",),
        lambda: [(str(pk), f"{name} ({sku})") for pk, name, sku
                 in Product.objects.order_by("name", "id").values_list("pk", "name", "sku")],
        settings.CHOICES_CACHE_SECONDS,
    )


def owner_choices() -> list[tuple[int, str]]:
    """(id, display name) of `assignable_owners()`, for filter and reassign choices (cached)."""
    return caching.get_or_compute(
        OWNERS_CACHE, ("choices",),
        lambda: [(user.pk, str(user)) for user in assignable_owners()],
        settings.CHOICES_CACHE_SECONDS,
    )


def assignable_owners(*, also: int | None = None) -> QuerySet[User]:
    """Active users who can own customers (reps, managers), plus user `also` if given — the
    current owner of a record stays a valid choice after leaving."""
    eligible = Q(is_active=True) & (
        Q(groups__name__in=[Role.SALES, Role.MANAGER]) | Q(is_superuser=True)
    )
    if also is not None:
        eligible |= Q(pk=also)
    return User.objects.filter(eligible).distinct().order_by("username")
