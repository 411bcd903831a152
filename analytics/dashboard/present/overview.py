"""The overview: headline cards against the previous period, revenue by month, RFM segments."""

from __future__ import annotations

from analytics.dashboard.present.common import (
    headline_cards, headline_table, period_links, revenue_chart, segment_chart,
)
from analytics.dashboard.scope import Scope
from analytics.dashboard.tables import Links


def overview(figures: dict, scope: Scope) -> dict:
    links = Links(scope)
    previous_period = scope.period.previous()
    cards = headline_cards(
        ("total", "new", "churn_rate", "revenue", "purchases", "buyers",
         "average_order_value", "repeat_purchase_rate"),
        figures["current"], period_links(links, scope.period),
        previous=figures["previous"],
        previous_links=period_links(links, previous_period),
    )
    revenue = revenue_chart(figures["revenue_by_month"], scope.period, links)
    segments = segment_chart(figures["segments"], links)
    headline = headline_table(cards)
    return {
        "cards": cards,
        "previous_period": previous_period,
        "previous_url": links.dashboard("overview", scope.with_period(previous_period)),
        "charts": [revenue, segments],
        "headline": headline,
        "tables": [headline, revenue.table, segments.table],
    }
