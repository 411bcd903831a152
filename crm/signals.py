"""Receivers that keep `crm.access`'s cache honest: any change to who holds which group or
permission forgets every cached permission set."""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from crm import access
from crm.models import User


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=Group.permissions.through)
def access_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _invalidate()


@receiver(post_save, sender=Group)
@receiver(post_delete, sender=Group)
@receiver(post_delete, sender=Permission)
def access_definitions_changed(sender, **kwargs) -> None:
    _invalidate()


def _invalidate() -> None:
    access.invalidate()
