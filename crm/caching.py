"""Values that many requests read and few writes change (permission sets, choice lists),
cached under a generation number per namespace that any such write bumps.

Bumping one counter forgets every entry of a namespace at once, without knowing their keys.
With a shared cache (Redis) a change applies on the next request; with a per-process cache
(the local-memory default) other processes also forget their entries after the timeout the
caller gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def _generation_key(namespace: str) -> str:
    return f"crm:{namespace}:generation"


def generation(namespace: str) -> int:
    key = _generation_key(namespace)
    current = cache.get(key)
    if current is None:
        current = 1
        cache.add(key, current, timeout=None)
    return current


def bump(namespace: str) -> None:
    """Forget every cached entry of `namespace` now."""
    key = _generation_key(namespace)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def invalidate(namespace: str) -> None:
    """Forget `namespace` now and again when the current transaction commits: a request that
    read the old rows before the commit may have cached them in between."""
    bump(namespace)
    transaction.on_commit(lambda: bump(namespace))


def key(namespace: str, *parts: object) -> str:
    """A cache key for an entry of `namespace` in its current generation."""
    return ":".join(["crm", namespace, str(generation(namespace)), *map(str, parts)])


def get_or_compute(namespace: str, parts: tuple, compute: Callable[[], T], timeout: int) -> T:
    """The cached value for `parts` in `namespace`, computed and stored when missing."""
    entry_key = key(namespace, *parts)
    value = cache.get(entry_key)
    if value is None:
        value = compute()
        cache.set(entry_key, value, timeout=timeout)
    return value
