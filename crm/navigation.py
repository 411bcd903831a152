"""Header navigation assembled from the apps: each AppConfig lists its own `nav_items`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    icon: str
    permission: str
    order: int = 100
    # Other views that belong to this item: view names starting with any of these prefixes.
    covers: tuple[str, ...] = ()

    def matches(self, view_name: str) -> bool:
        return view_name == self.url_name or any(view_name.startswith(p) for p in self.covers)


def nav_items_for(user, current_view: str = "") -> list[dict]:
    """The items `user` may open, in order, with the one matching `current_view` active."""
    if user is None or not user.is_authenticated:
        return []
    declared = [
        item for config in apps.get_app_configs() for item in getattr(config, "nav_items", ())
    ]
    declared.sort(key=lambda item: (item.order, item.url_name))
    visible = [item for item in declared if user.has_perm(item.permission)]
    # The most specific match wins: `customers:trash` over the app's `customers:list`.
    active = next((i for i in visible if i.matches(current_view)), None)
    if active is None:
        namespace = current_view.split(":")[0] + ":"
        active = next((i for i in visible if i.url_name.startswith(namespace)), None)
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return [
        {"url": _url(i.url_name, prefix, urlconf), "label": i.label, "icon": i.icon,
         "active": i is active}
        for i in visible
    ]


def fixed_url(url_name: str) -> str:
    """`reverse(url_name)` of a URL without arguments, remembered (see `_url`)."""
    return _url(url_name, get_script_prefix(), get_urlconf())


# An id no URL holds but its own placeholder: split on, it leaves what comes before and after.
_PK_MARK = 918273645546372819


def pk_url(url_name: str, pk: int) -> str:
    """`reverse(url_name, kwargs={"pk": pk})` for a URL whose only argument is an integer
    `pk`: the URL's text around the id is reversed once per process (a `reverse` took about
    50 µs, and a customer page shows five such links)."""
    if not isinstance(pk, int):
        raise NoReverseMatch(f"{url_name} needs an integer pk, not {pk!r}")
    head, tail = _pk_url_parts(url_name, get_script_prefix(), get_urlconf())
    return f"{head}{pk}{tail}"


@lru_cache(maxsize=256)
def _pk_url_parts(url_name: str, prefix: str, urlconf) -> tuple[str, str]:
    # `reverse` raises NoReverseMatch for a URL without an integer pk in its path.
    head, _, tail = reverse(url_name, kwargs={"pk": _PK_MARK}, urlconf=urlconf).partition(
        str(_PK_MARK))
    return head, tail


@lru_cache(maxsize=256)
def _url(url_name: str, prefix: str, urlconf) -> str:
    """`reverse(url_name)`, remembered: every page shows the navigation, and its URLs change
    only with the script prefix or URLconf (both part of the key; the URLs carry no language
    prefix, as the site has no `i18n_patterns`)."""
    return reverse(url_name, urlconf=urlconf)
