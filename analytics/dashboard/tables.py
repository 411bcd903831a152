"""What a dashboard page shows, built per request from cached figures: cells formatted in the
user's language with the link to the records behind each number, tables, charts (a table
plus the JSON that static/js/charts.js draws), and the same tables as CSV downloads.

Nothing here queries the database: links are reversed URLs with query strings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode

from analytics.dashboard.scope import Scope
from analytics.periods import Period
from customers.exports import neutralize

COUNT, MONEY, PERCENT, POINTS, TEXT, DAYS, NUMBER = (
    "count", "money", "percent", "points", "text", "days", "number")
EMPTY = "—"


def format_value(value, kind: str) -> str:
    """`value` as the user's locale writes it; an em dash for a missing value."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return EMPTY
    if kind in (COUNT, DAYS):
        return number_format(value, 0, force_grouping=True)
    if kind in (MONEY, POINTS):
        return number_format(value, 2, force_grouping=True)
    if kind == PERCENT:
        return f"{number_format(value, 2, force_grouping=True)}%"
    if kind == NUMBER:
        return number_format(value, 4, force_grouping=True)
    return str(value)


def csv_value(value, kind: str):
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if kind in (MONEY, PERCENT, POINTS):
        return f"{value:.2f}"
    if kind in (COUNT, DAYS):
        return int(value)
    if kind == NUMBER:
        return repr(float(value))
    return neutralize(value)


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    kind: str = TEXT
    url: str = ""

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)

    @property
    def csv(self):
        return csv_value(self.value, self.kind)

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Table:
    """A table of the page: the first cell of each row is its header (scope="row")."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    footer: list[list[Cell]] = field(default_factory=list)
    csv_url: str = ""  # set by the view: the page's scope with format=csv&table=<name>

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass
class Series:
    label: str
    column: int  # which column of the table holds the numbers
    kind: str = COUNT
    type: str = ""  # "line" over a bar chart
    axis: str = "y"  # "y1": a second axis on the right


@dataclass
class Chart:
    """A chart drawn from some columns of its table; the table is shown with it."""

    table: Table
    type: str
    series: list[Series]
    horizontal: bool = False
    # Shown instead of the canvas when every number is zero or missing.
    empty: str = ""

    @property
    def blank(self) -> bool:
        return all(not row[series.column].value for row in self.table.rows
                   for series in self.series)

    @property
    def element_id(self) -> str:
        return f"chart-{self.table.name.replace('_', '-')}"

    @property
    def data_id(self) -> str:
        return f"{self.element_id}-data"

    def spec(self) -> dict:
        """What charts.js needs: labels, datasets (numbers, kinds, drill-down links)."""
        rows = self.table.rows
        return {
            "type": self.type,
            "horizontal": self.horizontal,
            "labels": [str(row[0].value) for row in rows],
            "datasets": [{
                "label": str(series.label),
                "type": series.type or self.type,
                "axis": series.axis,
                "kind": series.kind,
                "data": [row[series.column].value for row in rows],
                "links": [row[series.column].url for row in rows],
            } for series in self.series],
        }


class Links:
    """URLs of the records behind the numbers of one scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        # A rep's lists show only their customers anyway; a manager's filter carries over.
        self._owner = {"owner": scope.owner_id} if scope.owner_chosen else {}
        # A page holds dozens of links to a handful of views: reverse each view once.
        self._paths: dict[str, str] = {}

    def _url(self, name: str, params: dict) -> str:
        path = self._paths.get(name)
        if path is None:
            path = self._paths[name] = reverse(name)
        query = urlencode({key: value for key, value in params.items() if value is not None})
        return f"{path}?{query}" if query else path

    def customers(self, **params) -> str:
        """The customer list filtered by `params` (acquired_from, churned_to, active_on …)."""
        return self._url("customers:list", {**params, **self._owner})

    def purchases(self, period: Period, **params) -> str:
        return self._url("customers:purchase_list", {
            "purchased_from": period.start, "purchased_to": period.end, **params,
            **self._owner})

    def rep_purchases(self, period: Period, rep_id: int) -> str:
        return self._url("customers:purchase_list", {
            "purchased_from": period.start, "purchased_to": period.end, "owner": rep_id})

    def customer(self, pk: int) -> str:
        return reverse("customers:detail", args=[pk])

    def selection(self, **params) -> str:
        return self._url("analytics:rfm_customers", {**self.scope.query(), **params})

    def dashboard(self, page: str, scope: Scope | None = None) -> str:
        return self._url(f"analytics:{page}", (scope or self.scope).query())


def link_downloads(tables, scope: Scope) -> dict[str, Table]:
    """The tables by name, each with the URL of its CSV download for `scope`."""
    for table in tables:
        table.csv_url = "?" + urlencode({**scope.query(), "format": "csv", "table": table.name})
    return {table.name: table for table in tables}


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    """The table (header, rows, footer) as a CSV download with a BOM, so that Excel reads
    the Chinese labels; text that a spreadsheet would run as a formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(column) for column in table.columns])
    for row in [*table.rows, *table.footer]:
        writer.writerow([cell.csv for cell in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
