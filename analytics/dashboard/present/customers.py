"""The customers page: growth and churn by month, RFM segments and the R×F grid, stored value
segments, and the distribution of customer value with the model behind it."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from analytics.dashboard.present.common import (
    SEGMENT_INFO, cards_table, headline_cards, month_label, period_links, segment_label,
)
from analytics.dashboard.scope import Scope
from analytics.dashboard.tables import COUNT, MONEY, PERCENT, Cell, Chart, Links, Series, Table
from analytics.rfm import SEGMENT_KEYS, segment_of


def growth_chart(months: list[dict], links: Links) -> Chart:
    rows = [[Cell(month_label(row["month"])),
             Cell(row["new"], COUNT, links.customers(acquired_from=row["start"],
                                                     acquired_to=row["end"])),
             Cell(row["total"], COUNT, links.customers(acquired_to=row["end"]))]
            for row in months]
    table = Table(name="growth", title=_("Customer growth"),
                  columns=[_("Month"), _("New customers"), _("Customers at month end")],
                  rows=rows,
                  caption=_("Customers acquired in each month, and all customers acquired by "
                            "its last day."))
    return Chart(table=table, type="bar", series=[Series(_("New customers"), 1)],
                 empty=_("No new customers in this period"))


def churn_chart(months: list[dict], links: Links) -> Chart:
    rows = [[Cell(month_label(row["month"])),
             Cell(row["active_at_start"], COUNT, links.customers(active_on=row["start"])),
             Cell(row["churned"], COUNT, links.customers(
                 churned_from=row["start"], churned_to=row["end"], active_on=row["start"])),
             Cell(row["churn_rate"], PERCENT)]
            for row in months]
    table = Table(name="churn", title=_("Churn by month"),
                  columns=[_("Month"), _("Active at start"), _("Churned"), _("Churn rate")],
                  rows=rows,
                  caption=_("Of the customers active on each month's first day, those who "
                            "churned in the month."))
    return Chart(table=table, type="bar", series=[
        Series(_("Churned"), 2), Series(_("Churn rate"), 3, PERCENT, type="line", axis="y1")],
        empty=_("No customer churned in this period"))


def rfm_segments_chart(rfm_figures: dict, links: Links) -> Chart:
    rows = []
    for segment in rfm_figures["segments"]:
        key = segment["key"]
        url = links.selection(segment=key)
        rows.append([
            Cell(segment_label(key)), Cell(str(SEGMENT_INFO[key].description)),
            Cell(segment["customers"], COUNT, url), Cell(segment["share"], PERCENT),
            Cell(segment["revenue"], MONEY, url), Cell(segment["revenue_share"], PERCENT),
        ])
    table = Table(name="segments", title=_("RFM segments"),
                  columns=[_("Segment"), _("What it means"), _("Customers"), _("Share"),
                           _("Revenue"), _("Share of revenue")],
                  rows=rows,
                  caption=_("Customers who bought in the period, by the segment of their "
                            "recency and frequency scores."))
    return Chart(table=table, type="bar", series=[Series(_("Customers"), 2)], horizontal=True,
                 empty=_("No purchases in this period"))


# Bootstrap's background opacities, for the heat map's shades.
_SHADES = ((0.25, "10"), (0.5, "25"), (0.75, "50"), (1.0, "75"))


def _shade(count: int, largest: int) -> str:
    """The cell's background opacity: none when empty, full for the largest count."""
    if not count:
        return ""
    if count == largest:
        return "100"
    return next(level for limit, level in _SHADES if count / largest <= limit)


def rfm_grid(grid: list[list[int]], links: Links) -> dict:
    """The R×F heat map: rows R = 5 … 1, columns F = 1 … 5, shaded by count."""
    largest = max((count for row in grid for count in row), default=0)
    rows = []
    csv_rows = []
    for r, counts in zip((5, 4, 3, 2, 1), grid):
        cells = []
        for f, count in zip((1, 2, 3, 4, 5), counts):
            shade = _shade(count, largest)
            cells.append({"cell": Cell(count, COUNT, links.selection(r=r, f=f)),
                          "segment": segment_label(segment_of(r, f)), "shade": shade,
                          "r": r, "f": f})
        rows.append({"r": r, "cells": cells})
        csv_rows.append([Cell(f"R{r}")] + [Cell(count, COUNT) for count in counts])
    table = Table(name="rfm_grid", title=_("R×F grid"),
                  columns=["R \\ F", "F1", "F2", "F3", "F4", "F5"], rows=csv_rows,
                  caption=_("Buyers by recency score (rows, 5 = most recent) and frequency "
                            "score (columns, 5 = most frequent)."))
    return {"rows": rows, "table": table}


def band_label(low: int, high: int | None) -> str:
    low_text = number_format(low, 0, force_grouping=True)
    if high is None:
        return f"≥ {low_text}"
    return f"{low_text} – {number_format(high, 0, force_grouping=True)}"


def value_view(value: dict, links: Links) -> dict:
    edges = value["edges"]
    historic, expected = value["historic"], value["expected"]
    bands = list(zip(edges[:-1], edges[1:]))
    hist_rows = []
    for index, (low, high) in enumerate(bands):
        last = index == len(bands) - 1
        bounds = {"low": low} if last else {"low": low, "high": high}
        row = [Cell(band_label(low, None if last else high)),
               Cell(historic["histogram"][index], COUNT,
                    links.selection(measure="historic", **bounds))]
        if expected is not None:
            row.append(Cell(expected["histogram"][index], COUNT,
                            links.selection(measure="expected", **bounds)))
        hist_rows.append(row)
    series = [Series(_("Historic value"), 1)]
    columns = [_("Value"), _("Customers by historic value")]
    if expected is not None:
        series.append(Series(_("Expected 12-month value"), 2))
        columns.append(_("Customers by expected 12-month value"))
    histogram = Chart(
        table=Table(name="value_histogram", title=_("Customer value distribution"),
                    columns=columns, rows=hist_rows,
                    caption=_("Customers by value band: each band runs from its lower bound "
                              "up to, not including, its upper bound.")),
        type="bar", series=series, empty=_("No customer has bought yet"))
    decile_rows = []
    for index in range(10):
        label = _("Top 10%") if index == 0 else f"{index * 10}–{(index + 1) * 10}%"
        h = historic["deciles"][index]
        row = [Cell(label),
               Cell(h["total"], MONEY, links.selection(measure="historic", decile=index + 1)),
               Cell(h["share"], PERCENT)]
        if expected is not None:
            e = expected["deciles"][index]
            row += [Cell(e["total"], MONEY,
                         links.selection(measure="expected", decile=index + 1)),
                    Cell(e["share"], PERCENT)]
        decile_rows.append(row)
    columns = [_("Decile"), _("Historic value"), _("Share of historic value")]
    series = [Series(_("Share of historic value"), 2, PERCENT)]
    if expected is not None:
        columns += [_("Expected 12-month value"), _("Share of expected value")]
        series.append(Series(_("Share of expected value"), 4, PERCENT))
    deciles = Chart(
        table=Table(name="value_deciles", title=_("Value by decile"), columns=columns,
                    rows=decile_rows,
                    caption=_("Customers ranked by value and cut into ten equal groups, the "
                              "most valuable first.")),
        type="bar", series=series, empty=_("No customer has bought yet"))
    summary = [
        (_("Customers who have bought"), Cell(value["customers"], COUNT)),
        (_("Historic value, total"), Cell(historic["total"], MONEY)),
        (_("Historic value, mean"), Cell(historic["mean"], MONEY)),
        (_("Historic value, median"), Cell(historic["median"], MONEY)),
    ]
    if expected is not None:
        summary += [
            (_("Expected 12-month value, total"), Cell(expected["total"], MONEY)),
            (_("Expected 12-month value, mean"), Cell(expected["mean"], MONEY)),
            (_("Expected 12-month value, median"), Cell(expected["median"], MONEY)),
            (_("Mean probability of still being a customer"),
             Cell(value["probability_alive"], PERCENT)),
        ]
    return {"histogram": histogram, "deciles": deciles, "summary": summary,
            "model": value["model"], "as_of": value["as_of"], "fitted": expected is not None}


def stored_segments_table(stored: dict, links: Links) -> Table:
    rows = [[Cell(segment_label(key)),
             Cell(stored["counts"][key], COUNT, links.customers(segment=key))]
            for key in SEGMENT_KEYS]
    return Table(name="stored_segments", title=_("Current value segments"),
                 columns=[_("Segment"), _("Customers")], rows=rows,
                 caption=_("The segment each customer holds now: RFM over their purchases of "
                           "the last 12 months, refreshed on a schedule."))


def customers(figures: dict, scope: Scope) -> dict:
    links = Links(scope)
    cards = headline_cards(("total", "new", "active_at_start", "churned", "churn_rate"),
                           {"customers": figures["customers"]},
                           period_links(links, scope.period))
    growth = growth_chart(figures["months"], links)
    churn = churn_chart(figures["months"], links)
    segments = rfm_segments_chart(figures["rfm"], links)
    grid = rfm_grid(figures["rfm"]["grid"], links)
    value = value_view(figures["value"], links)
    stored = stored_segments_table(figures["stored_segments"], links)
    headline = cards_table(cards)
    return {
        "cards": cards,
        "growth": growth, "churn": churn, "segments": segments, "grid": grid,
        "value": value, "stored_segments": stored,
        "stored_segments_at": figures["stored_segments"]["computed_at"],
        "charts": [growth, churn, segments, value["histogram"], value["deciles"]],
        "headline": headline,
        "tables": [headline, growth.table, churn.table, segments.table,
                   grid["table"], value["histogram"].table, value["deciles"].table,
                   stored],
        "buyers": figures["rfm"]["buyers"],
    }
