"""The sales page: sales KPIs, revenue by month, targets against actuals, top customers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from analytics.dashboard.figures import month_end
from analytics.dashboard.present.common import (
    cards_table, headline_cards, month_label, period_links, revenue_chart,
)
from analytics.dashboard.scope import Scope
from analytics.dashboard.tables import (
    COUNT, MONEY, PERCENT, TEXT, Cell, Chart, Links, Series, Table,
)
from analytics.periods import Period


def _target_cell(value, url: str = "") -> Cell:
    return Cell(value, MONEY, url)


def targets(figures: dict, scope: Scope, links: Links) -> dict:
    months = figures["months"]
    ranges = [Period(month, month_end(month)) for month in months]
    labels = [month_label(month) for month in months]

    def cells(cell: dict, rep_id: int | None, period: Period | None) -> dict:
        url = "" if period is None else (links.rep_purchases(period, rep_id) if rep_id
                                         else links.purchases(period))
        return {"target": _target_cell(cell["target"]),
                "actual": _target_cell(cell["actual"], url),
                "attainment": Cell(cell["attainment"], PERCENT)}

    reps = [{
        "name": rep["name"],
        "months": [cells(cell, rep["rep_id"], period)
                   for cell, period in zip(rep["months"], ranges)],
        "total": cells(rep["total"], rep["rep_id"],
                       Period(ranges[0].start, ranges[-1].end)),
    } for rep in figures["reps"]]
    long_rows = [
        [Cell(rep["name"]), Cell(label), row["target"], row["actual"], row["attainment"]]
        for rep in reps for label, row in zip(labels, rep["months"])
    ]
    table = Table(
        name="targets", title=_("Target vs actual by rep"),
        columns=[_("Rep"), _("Month"), _("Target"), _("Actual"), _("Attainment (%)")],
        rows=long_rows,
        caption=_("Actual: revenue of the rep's customers in the whole calendar month. "
                  "Attainment over several months counts the months that have a target."),
    )
    month_rows = [
        [Cell(label), _target_cell(total["target"]),
         _target_cell(total["actual"], links.purchases(period)),
         Cell(total["attainment"], PERCENT)]
        for label, total, period in zip(labels, figures["totals"], ranges)
    ]
    by_month = Table(
        name="targets_by_month", title=_("Target vs actual by month"),
        columns=[_("Month"), _("Target"), _("Actual"), _("Attainment (%)")],
        rows=month_rows,
        caption=_("Targets and actuals of the reps listed, summed per calendar month."),
    )
    chart = Chart(table=by_month, type="bar", series=[
        Series(_("Target"), 1, MONEY), Series(_("Actual"), 2, MONEY)],
        empty=_("No targets and no sales in these months"))
    return {"months": labels, "reps": reps, "table": table, "chart": chart}


def top_customers_table(rows: list[dict], scope: Scope, links: Links) -> Table:
    with_owner = scope.owner_id is None
    columns = [_("Customer")] + ([_("Owner")] if with_owner else []) + [
        _("Revenue"), _("Purchases"), _("Share of revenue")]
    table_rows = []
    for row in rows:
        purchases = links.purchases(scope.period, customer=row["customer_id"])
        cells = [Cell(row["name"], TEXT, links.customer(row["customer_id"]))]
        if with_owner:
            cells.append(Cell(row["owner"] or "—"))
        cells += [Cell(row["revenue"], MONEY, purchases),
                  Cell(row["purchases"], COUNT, purchases),
                  Cell(row["share"], PERCENT)]
        table_rows.append(cells)
    return Table(name="top_customers", title=_("Top customers by revenue"), columns=columns,
                 rows=table_rows,
                 caption=_("The customers who spent the most in the period."))


def sales(figures: dict, scope: Scope) -> dict:
    links = Links(scope)
    cards = headline_cards(
        ("revenue", "purchases", "buyers", "average_order_value", "average_customer_value",
         "repeat_purchase_rate"),
        {"sales": figures["sales"]}, period_links(links, scope.period))
    revenue = revenue_chart(figures["sales"]["revenue_by_month"], scope.period, links)
    target_view = targets(figures["targets"], scope, links)
    top = top_customers_table(figures["top_customers"], scope, links)
    headline = cards_table(cards)
    return {
        "cards": cards,
        "charts": [revenue],
        "revenue_chart": revenue,
        "targets": target_view,
        "top_customers": top,
        "headline": headline,
        "tables": [headline, revenue.table, target_view["table"],
                   target_view["chart"].table, top],
    }
