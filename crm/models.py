"""The custom user model. Nothing domain-specific lives here."""

import re
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Role(models.TextChoices):
    """The Django groups that define what a user does in the CRM (SPEC §1)."""

    SALES = "sales", _("Sales rep")
    SUPPORT = "support", _("Support staff")
    MANAGER = "manager", _("Manager")


class User(AbstractUser):
    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Chinese names read family name first with no space (张伟); others "first last"."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if _CJK.search(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

    @cached_property
    def role_names(self) -> frozenset[str]:
        """Names of the user's role groups (cached with the permissions, see `crm.access`)."""
        if not self.pk:
            return frozenset()
        from django.contrib.auth.backends import ModelBackend

        from crm.access import access_for

        return access_for(self, lambda: ModelBackend().get_all_permissions(self))["roles"]

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.role_names.intersection(roles))

    @property
    def is_manager(self) -> bool:
        return self.has_role(Role.MANAGER)

    @property
    def is_support(self) -> bool:
        return self.has_role(Role.SUPPORT)

    @property
    def sees_all_records(self) -> bool:
        """Support staff, managers and superusers see every customer; reps only their own."""
        return self.has_role(Role.SUPPORT, Role.MANAGER)
