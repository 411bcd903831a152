"""The drill-down list of a computed group of customers: its title, columns and rows, a page
at a time."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from analytics.dashboard.present.common import segment_label
from analytics.dashboard.present.customers import band_label
from analytics.dashboard.scope import Scope
from analytics.dashboard.tables import COUNT, DAYS, MONEY, PERCENT, Cell, Links
from analytics.rfm import SEGMENT_KEYS, segment_of


def selection_title(selection: tuple) -> str:
    kind = selection[0]
    if kind == "segment":
        return _("RFM segment “%(segment)s”") % {"segment": segment_label(selection[1])}
    if kind == "cell":
        return _("R×F cell R%(r)s F%(f)s (%(segment)s)") % {
            "r": selection[1], "f": selection[2],
            "segment": segment_label(segment_of(selection[1], selection[2]))}
    measure = _("historic value") if selection[1] == "historic" else _(
        "expected 12-month value")
    if kind == "decile":
        number = selection[2]
        label = _("top 10%") if number == 1 else f"{(number - 1) * 10}–{number * 10}%"
        return pgettext("decile of customers", "Decile %(decile)s by %(measure)s") % {
            "decile": label, "measure": measure}
    low, high = int(float(selection[2])), selection[3]
    band = band_label(low, int(float(high)) if high else None)
    return _("Customers with %(measure)s %(band)s") % {"measure": measure, "band": band}


def selection_columns(kind: str) -> list[tuple[str, str]]:
    """(column key, heading) of the drill-down list after the customer's name and owner."""
    if kind == "rfm":
        return [("recency_days", _("Days since last purchase")),
                ("frequency", _("Purchase days")), ("monetary", _("Spent")),
                ("scores", _("R · F · M")), ("segment", _("Segment"))]
    return [("historic", _("Historic value")), ("purchase_days", _("Purchase days")),
            ("expected", _("Expected 12-month value")),
            ("alive", _("Probability still a customer"))]


def selection_rows(kind: str, rows: dict, start: int, stop: int, customers: dict,
                   links: Links) -> list[dict]:
    """The page's rows of a drill-down list; customers the user may not see (or deleted
    since) are left out."""
    result = []
    for position in range(start, stop):
        customer = customers.get(int(rows["customer_id"][position]))
        if customer is None:
            continue
        if kind == "rfm":
            cells = [
                Cell(int(rows["recency_days"][position]), DAYS),
                Cell(int(rows["frequency"][position]), COUNT),
                Cell(int(rows["cents"][position]) / 100, MONEY),
                Cell(" · ".join(str(int(rows[name][position]))
                                for name in ("r_score", "f_score", "m_score"))),
                Cell(segment_label(SEGMENT_KEYS[int(rows["segment"][position])])),
            ]
        else:
            alive = float(rows["probability_alive"][position])
            cells = [
                Cell(int(rows["cents"][position]) / 100, MONEY),
                Cell(int(rows["purchase_days"][position]), COUNT),
                Cell(round(float(rows["expected_value"][position]), 2), MONEY),
                Cell(None if alive != alive else round(alive * 100, 2), PERCENT),
            ]
        result.append({"customer": customer, "url": links.customer(customer.pk),
                       "cells": cells})
    return result


def selection_list(figures: dict, scope: Scope, selection: tuple, selection_query: dict,
                   page_number, customers: QuerySet) -> dict:
    """One page of the group's customers among `customers` (those the user may see: the
    page's rows are looked up there, one query), with its title, columns and page links."""
    rows = figures["rows"]
    paginator = Paginator(range(len(rows["customer_id"])), settings.LIST_PAGE_SIZE)
    page = paginator.get_page(page_number)
    start, stop = max(page.start_index() - 1, 0), page.end_index()
    ids = [int(pk) for pk in rows["customer_id"][start:stop]]
    visible = ({customer.pk: customer for customer in
                customers.filter(pk__in=ids).select_related("owner")} if ids else {})
    links = Links(scope)
    query = {**scope.query(), **selection_query}

    def page_url(number: int) -> str:
        return "?" + urlencode({**query, "page": number})

    return {
        "title": selection_title(selection),
        "kind": figures["kind"],
        "fitted": figures.get("fitted", True),
        "columns": selection_columns(figures["kind"]),
        "rows": selection_rows(figures["kind"], rows, start, stop, visible, links),
        "page_obj": page,
        "count": paginator.count,
        "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": page_url(page.next_page_number()) if page.has_next() else "",
        "back_url": links.dashboard("customers"),
    }
