"""A user's permissions and role names, kept in the cache between requests.

Django's `ModelBackend` reads a user's permissions with two queries per request, and the role
names take a third; every page asks for them. They change only when an administrator edits
groups or permissions, so they are cached per user under a generation number that any such
edit bumps (see `crm.signals`). With a shared cache (Redis) an edit applies on the next
request; a per-process cache (the local-memory default) also forgets entries after
`ACCESS_CACHE_SECONDS`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from crm import caching

NAMESPACE = "access"


def invalidate() -> None:
    """Forget every cached permission set and role list (called after access changes)."""
    caching.invalidate(NAMESPACE)


def access_for(user, compute_permissions) -> dict:
    """{"permissions": set of "app.codename", "roles": frozenset of group names} for `user`."""
    # The flags are part of the key: ModelBackend's answer depends on them, and they are read
    # fresh from the user row on every request.
    return caching.get_or_compute(
        NAMESPACE,
        (user.pk, f"{int(user.is_active)}{int(user.is_superuser)}"),
        lambda: {
            "permissions": compute_permissions(),
            "roles": frozenset(user.groups.values_list("name", flat=True)),
        },
        settings.ACCESS_CACHE_SECONDS,
    )


class CachedModelBackend(ModelBackend):
    """`ModelBackend` whose per-user permission set comes from the cache when it can."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            entry = access_for(user_obj, lambda: super(CachedModelBackend, self)
                               .get_all_permissions(user_obj))
            user_obj._perm_cache = set(entry["permissions"])
        return user_obj._perm_cache
