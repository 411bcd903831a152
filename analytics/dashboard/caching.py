"""Dashboard figures in the Django cache, one entry per (page, period, owner[, selection]).

Entries hold plain numbers, dates and customer or rep names, never translated text, so one
entry serves every language; labels are added when the page renders. An entry lives
`ANALYTICS_CACHE_SECONDS` (the page says so and when it was computed); the refresh button
deletes it. With a shared cache (Redis) every web process sees the same entries.

Figures take seconds to compute at a million customers, so a request that finds another
one computing the same entry (a marker added with `cache.add`, which only one caller wins)
waits for its result instead of running the same queries again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import date
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from crm import caching as generations

# Part of every key: a deploy that changes the shape of the figures must not read old entries.
FORMAT = 2
# The longest a request waits for another one computing the same figures; a computation
# that dies leaves its marker behind at most this long.
WAIT_SECONDS = 120
POLL_SECONDS = 0.25


def cache_key(page: str, scope_key: str, selection: tuple = ()) -> str:
    parts = [f"analytics:dashboard:v{FORMAT}", page, scope_key, *map(str, selection)]
    return ":".join(parts)


def _wait_for(key: str, marker: str) -> dict | None:
    """The entry another request is computing, once it is there; None when that request
    stopped without storing it or takes longer than WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        value = cache.get(key)
        if value is not None:
            return value
        if cache.get(marker) is None:
            return None
    return None


def cached(key: str, compute: Callable[[], dict], *, timeout: int) -> dict:
    """The entry `key` from the cache, or computed now (once, however many requests ask at
    the same time) and kept `timeout` seconds."""
    value = cache.get(key)
    if value is not None:
        return value
    marker = f"{key}:computing"
    if not cache.add(marker, True, timeout=WAIT_SECONDS):
        value = _wait_for(key, marker)
        if value is not None:
            return value
    try:
        value = compute()
        cache.set(key, value, timeout=timeout)
    finally:
        cache.delete(marker)
    return value


def cached_figures(page: str, scope_key: str, compute: Callable[[], dict],
                   selection: tuple = ()) -> dict:
    """The page's figures for a scope from the cache, or computed now, stamped with the time
    they were computed (`computed_at`) and kept for ANALYTICS_CACHE_SECONDS."""
    return cached(cache_key(page, scope_key, selection),
                  lambda: {**compute(), "computed_at": timezone.now()},
                  timeout=settings.ANALYTICS_CACHE_SECONDS)


def forget(page: str, scope_key: str, selection: tuple = ()) -> None:
    """Drop the cached figures and rendered pages, so the next visit computes them afresh."""
    cache.delete(cache_key(page, scope_key, selection))
    forget_html(page, scope_key)


# Rendered pages: the part of a dashboard page below the site's header, for one scope,
# language and query string, so a cached visit costs one cache read instead of building
# links, tables and chart data again. Kept no longer than the figures it shows; the refresh
# button forgets every variant of a (page, scope) at once by bumping its generation.
def _html_namespace(page: str, scope_key: str) -> str:
    return f"analytics:html:v{FORMAT}:{page}:{scope_key}"


def html_key(page: str, scope_key: str, *variant: object) -> str:
    return generations.key(_html_namespace(page, scope_key), *variant)


def keep_html(key: str, html: str, computed_at: datetime) -> dict:
    """Keep `html` as long as the figures it shows; the entry (`html`, `expires` as a Unix
    time) is returned, and `cached_html` reads it back."""
    left = settings.ANALYTICS_CACHE_SECONDS - (timezone.now() - computed_at).total_seconds()
    entry = {"html": html, "expires": time.time() + left}
    if left >= 1:
        cache.set(key, entry, timeout=int(left))
    return entry


def cached_html(key: str) -> dict | None:
    return cache.get(key)


# Whole pages, the site's header included, for one user: a cached visit then costs a cache
# read and a token replaced. Kept under the rendered part's key (so refreshing forgets them)
# with what the header shows for the user, and no longer than that part.
def page_key(body_key: str, *user_variant: object) -> str:
    digest = hashlib.sha256(repr(user_variant).encode()).hexdigest()[:32]
    return f"{body_key}:page:{digest}"


def keep_page(key: str, html: str, expires: float) -> None:
    left = expires - time.time()
    if left >= 1:
        cache.set(key, html, timeout=int(left))


def forget_html(page: str, scope_key: str) -> None:
    generations.bump(_html_namespace(page, scope_key))


# What a request asks (page, day, language, whose customers, query string) leads to the scope
# its filter form resolved to last time, so a cached visit finds its page without building
# and validating the form again. The day is part of it: presets such as "this year" resolve
# against it.
def request_key(page: str, *, today: date, language: str, user, query: str) -> str:
    who = "all" if user.sees_all_records else f"user{user.pk}"
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"analytics:asked:v{FORMAT}:{page}:{today.isoformat()}:{language}:{who}:{digest}"


def known_scope(request_key: str) -> str | None:
    return cache.get(request_key)


def remember_scope(request_key: str, scope_key: str) -> None:
    cache.set(request_key, scope_key, timeout=settings.ANALYTICS_CACHE_SECONDS)
