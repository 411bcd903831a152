"""The managers' dashboards: figures per page and scope (`figures`), cached (`caching`,
`pages`), and turned into cards, tables and charts with drill-down links per request
(`present`, `tables`)."""

from analytics.dashboard.caching import (
    cached_html, html_key, keep_html, keep_page, known_scope, page_key, remember_scope,
    request_key,
)
from analytics.dashboard.pages import (
    PAGES, SELECTION_PAGE, page_figures, refresh, selection_figures,
)
from analytics.dashboard.scope import Scope

__all__ = ["PAGES", "SELECTION_PAGE", "Scope", "cached_html", "html_key", "keep_html",
           "keep_page", "known_scope", "page_figures", "page_key", "refresh", "remember_scope",
           "request_key", "selection_figures"]
