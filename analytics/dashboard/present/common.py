"""What several pages show: headline cards compared with the previous period, the revenue
chart and the RFM segment chart, and the links behind headline KPIs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from analytics.dashboard.figures import month_ranges
from analytics.dashboard.tables import (
    COUNT, MONEY, PERCENT, POINTS, Cell, Chart, Links, Series, Table,
)
from analytics.periods import Period
from analytics.rfm import SEGMENT_KEYS, SEGMENTS


SEGMENT_INFO = {segment.key: segment for segment in SEGMENTS}


@dataclass
class Card:
    """A headline number, optionally compared with the previous period."""

    key: str
    label: str
    value: Cell
    previous: Cell | None = None
    change: str = ""
    tone: str = "secondary"
    icon: str = ""
    details: list[tuple[str, Cell]] = field(default_factory=list)


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def _relative_change(current, previous) -> float | None:
    if current is None or not previous:
        return None
    return round((current - previous) / previous * 100, 2)


def _signed(value: float, suffix: str) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{number_format(abs(value), 2, force_grouping=True)}{suffix}"


def _compare(card: Card, previous, *, kind: str, previous_url: str,
             higher_is_better: bool = True) -> Card:
    """Fill in the previous period's value and the change: relative (%) for counts and
    money, in percentage points for rates."""
    current = card.value.value
    card.previous = Cell(previous, kind, previous_url)
    if kind == PERCENT:
        change = (None if current is None or previous is None
                  else round(current - previous, 2))
        points = pgettext("percentage points", "pp")
        card.change = "" if change is None else _signed(change, f" {points}")
    else:
        change = _relative_change(current, previous)
        card.change = "" if change is None else _signed(change, "%")
    if change:
        card.tone = "success" if (change > 0) == higher_is_better else "danger"
    return card


def period_links(links: Links, period: Period) -> dict[str, str]:
    """The records behind each headline KPI of `period`."""
    start, end = period.start, period.end
    purchases = links.purchases(period)
    buyers = links.customers(bought_from=start, bought_to=end)
    return {
        "total": links.customers(acquired_to=end),
        "new": links.customers(acquired_from=start, acquired_to=end),
        "active_at_start": links.customers(active_on=start),
        "churned": links.customers(churned_from=start, churned_to=end, active_on=start),
        "revenue": purchases,
        "purchases": purchases,
        "buyers": buyers,
        "average_order_value": purchases,
        "average_customer_value": buyers,
        "repeat_purchase_rate": buyers,
    }


def _labels() -> dict[str, tuple[str, str, str, bool]]:
    """Headline KPI: (section, label, kind, higher is better)."""
    return {
        "total": ("customers", _("Customers"), COUNT, True),
        "new": ("customers", _("New customers"), COUNT, True),
        "active_at_start": ("customers", _("Active at start"), COUNT, True),
        "churned": ("customers", _("Churned"), COUNT, False),
        "churn_rate": ("customers", _("Churn rate"), PERCENT, False),
        "revenue": ("sales", _("Revenue"), MONEY, True),
        "purchases": ("sales", _("Purchases"), COUNT, True),
        "buyers": ("sales", _("Buyers"), COUNT, True),
        "average_order_value": ("sales", _("Average order value"), MONEY, True),
        "average_customer_value": ("sales", _("Revenue per buyer"), MONEY, True),
        "repeat_purchase_rate": ("sales", _("Repeat purchase rate"), PERCENT, True),
    }


ICONS = {
    "total": "people", "new": "person-plus", "churn_rate": "person-dash", "churned": "person-x",
    "active_at_start": "person-check", "revenue": "cash-stack", "purchases": "receipt",
    "buyers": "bag-check", "average_order_value": "basket",
    "average_customer_value": "person-badge", "repeat_purchase_rate": "arrow-repeat",
}


def headline_cards(keys, current: dict, links: dict[str, str], *, previous: dict | None = None,
                   previous_links: dict[str, str] | None = None) -> list[Card]:
    labels = _labels()
    cards = []
    for key in keys:
        section, label, kind, higher_is_better = labels[key]
        link_key = "churned" if key == "churn_rate" else key
        card = Card(key=key, label=label, icon=ICONS[key],
                    value=Cell(current[section][key], kind, links[link_key]))
        if key == "churn_rate":
            card.details = [
                (_("churned"), Cell(current[section]["churned"], COUNT, links["churned"])),
                (_("active at start"), Cell(current[section]["active_at_start"], COUNT,
                                            links["active_at_start"])),
            ]
        if previous is not None:
            _compare(card, previous[section][key], kind=kind,
                     previous_url=previous_links[link_key], higher_is_better=higher_is_better)
        cards.append(card)
    return cards


def headline_table(cards: list[Card]) -> Table:
    rows = []
    for card in cards:
        current, previous = card.value, card.previous
        is_rate = current.kind == PERCENT
        change = (None if previous is None or previous.value is None or current.value is None
                  else round(current.value - previous.value, 2) if is_rate
                  else _relative_change(current.value, previous.value))
        rows.append([
            Cell(card.label), current, previous or Cell(None, current.kind),
            Cell(None if is_rate else change, PERCENT),
            Cell(change if is_rate else None, POINTS),
        ])
    return Table(
        name="headline", title=_("Headline figures"),
        columns=[_("Measure"), _("This period"), _("Previous period"), _("Change (%)"),
                 _("Change (percentage points)")],
        rows=rows,
        caption=_("Each figure against the equally long period just before."),
    )


def cards_table(cards: list[Card]) -> Table:
    return Table(name="headline", title=_("Headline figures"),
                 columns=[_("Measure"), _("Value")],
                 rows=[[Cell(card.label), card.value] for card in cards])


def revenue_chart(revenue_by_month: list[dict], period: Period, links: Links) -> Chart:
    ranges = dict(zip((month_label(m) for m in period.months()), month_ranges(period)))
    rows = [[Cell(row["month"]),
             Cell(row["revenue"], MONEY, links.purchases(Period(*ranges[row["month"]])))]
            for row in revenue_by_month]
    table = Table(name="revenue_by_month", title=_("Revenue by month"),
                  columns=[_("Month"), _("Revenue")], rows=rows,
                  caption=_("Revenue of the purchases dated in each month of the period."))
    return Chart(table=table, type="bar", series=[Series(_("Revenue"), 1, MONEY)],
                 empty=_("No purchases in this period"))


def segment_label(key: str) -> str:
    return str(SEGMENT_INFO[key].label)


def segment_chart(counts: dict[str, int], links: Links) -> Chart:
    rows = [[Cell(segment_label(key)),
             Cell(counts.get(key, 0), COUNT, links.selection(segment=key))]
            for key in SEGMENT_KEYS]
    table = Table(name="segments", title=_("RFM segments"),
                  columns=[_("Segment"), _("Customers")], rows=rows,
                  caption=_("Customers who bought in the period, by RFM segment."))
    return Chart(table=table, type="bar", series=[Series(_("Customers"), 1)], horizontal=True,
                 empty=_("No purchases in this period"))
