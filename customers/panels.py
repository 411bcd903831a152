"""Panels on the customer page, contributed by any app without the customers app importing it.

An app registers a panel in its `AppConfig.ready()`; the customer page loads each panel from the
app's own URL (htmx `hx-trigger="load"`), so templates compose upward while imports point down.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

from crm.navigation import pk_url


@dataclass(frozen=True)
class CustomerPanel:
    key: str
    title: str | Promise
    url_name: str
    order: int = 100
    permission: str = ""

    def url_for(self, customer_pk: int) -> str:
        return pk_url(self.url_name, customer_pk)


_registry: dict[str, CustomerPanel] = {}


def register_panel(
    *, key: str, title: str | Promise, url_name: str, order: int = 100, permission: str = ""
) -> None:
    """Add (or replace) the panel `key`; a panel needing `permission` is hidden from others."""
    _registry[key] = CustomerPanel(
        key=key, title=title, url_name=url_name, order=order, permission=permission
    )


def panels_for(user) -> list[CustomerPanel]:
    return sorted(
        (p for p in _registry.values() if not p.permission or user.has_perm(p.permission)),
        key=lambda p: (p.order, p.key),
    )
