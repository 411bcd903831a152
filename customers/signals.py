"""Receivers that keep the cached choice lists of `customers.selectors` honest. Bulk writers
that bypass signals (imports, demo data) invalidate them themselves."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from crm import caching
from crm.models import User
from customers.models import Product, Tag
from customers.selectors import OWNERS_CACHE, PRODUCTS_CACHE, TAGS_CACHE


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def tags_changed(sender, **kwargs) -> None:
    caching.invalidate(TAGS_CACHE)


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
def products_changed(sender, **kwargs) -> None:
    caching.invalidate(PRODUCTS_CACHE)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def users_changed(sender, update_fields=None, **kwargs) -> None:
    # A login saves only `last_login`, which no choice shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    caching.invalidate(OWNERS_CACHE)


@receiver(m2m_changed, sender=User.groups.through)
def user_groups_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        caching.invalidate(OWNERS_CACHE)
