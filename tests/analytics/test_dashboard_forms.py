"""The dashboards' filter and selection forms: presets, custom ranges and their errors, the
owner filter and whose customers a scope covers."""

import datetime as dt

import pytest

from analytics.forms import DashboardFilterForm, ExportForm, SelectionForm
from analytics.periods import Period

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2024, 8, 20)


def form_for(user, data, owners=()):
    return DashboardFilterForm(data, user=user, today=TODAY, owners=owners)


def test_an_empty_form_means_this_year_over_everyone(manager):
    form = form_for(manager, {})
    assert form.is_valid()
    scope = form.scope()
    assert scope.period == Period(D(2024, 1, 1), TODAY)
    assert scope.owner_id is None and scope.preset == "this_year"
    assert scope.query() == {"period": "this_year"}


@pytest.mark.parametrize(("key", "period"), [
    ("this_month", Period(D(2024, 8, 1), TODAY)),
    ("last_month", Period(D(2024, 7, 1), D(2024, 7, 31))),
    ("this_quarter", Period(D(2024, 7, 1), TODAY)),
    ("last_30_days", Period(D(2024, 7, 22), TODAY)),
    ("last_year", Period(D(2023, 1, 1), D(2023, 12, 31))),
])
def test_presets_resolve_against_today(manager, key, period):
    form = form_for(manager, {"period": key, "start": "2020-01-01", "end": "2020-01-31"})
    assert form.is_valid()
    assert form.scope().period == period  # a preset wins over leftover dates


def test_a_custom_range_includes_both_days(manager):
    form = form_for(manager, {"period": "custom", "start": "2024-02-29", "end": "2024-03-01"})
    assert form.is_valid()
    scope = form.scope()
    assert scope.period == Period(D(2024, 2, 29), D(2024, 3, 1)) and scope.preset is None
    assert scope.query() == {"period": "custom", "start": "2024-02-29", "end": "2024-03-01"}


def test_dates_without_a_period_mean_a_custom_range(manager):
    form = form_for(manager, {"start": "2024-01-01", "end": "2024-01-31"})
    assert form.is_valid()
    assert form.scope().period == Period(D(2024, 1, 1), D(2024, 1, 31))


def test_a_range_may_span_five_years_and_no_more(manager):
    assert form_for(manager, {"period": "custom", "start": "2019-01-01",
                              "end": "2023-12-31"}).is_valid()
    form = form_for(manager, {"period": "custom", "start": "2019-01-01", "end": "2024-01-01"})
    assert form.errors == {"end": ["A range may span at most 5 years."]}


@pytest.mark.parametrize(("data", "errors"), [
    ({"period": "custom", "start": "2024-03-02", "end": "2024-03-01"},
     {"end": ["The last day must not be before the first day."]}),
    ({"period": "custom"}, {"start": ["Enter the first day of the range."],
                            "end": ["Enter the last day of the range."]}),
    ({"end": "2024-03-01"}, {"start": ["Enter the first day of the range."]}),
    ({"period": "custom", "start": "1899-12-31", "end": "1900-01-31"},
     {"start": ["Enter a date between 1900-01-01 and 2999-12-31."]}),
    ({"period": "custom", "start": "yesterday", "end": "2024-03-01"},
     {"start": ["Enter a valid date."]}),
    ({"period": "someday"},
     {"period": ["Select a valid choice. someday is not one of the available choices."]}),
])
def test_bad_ranges_are_refused_with_a_reason(manager, data, errors):
    form = form_for(manager, data)
    assert not form.is_valid()
    assert form.errors == errors
    assert form.shown()["period"] == data.get("period", "")


def test_a_manager_may_choose_an_owner_from_the_choices(manager, rep):
    owners = [(rep.pk, str(rep))]
    form = form_for(manager, {"owner": str(rep.pk)}, owners)
    assert form.is_valid()
    scope = form.scope()
    assert scope.owner_id == rep.pk and scope.owner_chosen
    assert scope.query() == {"period": "this_year", "owner": str(rep.pk)}
    assert form.owner_name(scope) == str(rep)
    assert not form_for(manager, {"owner": "999999"}, owners).is_valid()


def test_a_rep_has_no_owner_filter_and_always_sees_their_own(rep, other_rep):
    form = form_for(rep, {"owner": str(other_rep.pk)}, [(other_rep.pk, str(other_rep))])
    assert "owner" not in form.fields
    assert form.is_valid()
    scope = form.scope()
    assert scope.owner_id == rep.pk and not scope.owner_chosen
    assert "owner" not in scope.query()
    assert form.owner_name(scope) == str(rep)


def test_a_preset_and_the_same_dates_share_their_cache_key(manager):
    preset = form_for(manager, {"period": "last_year"})
    custom = form_for(manager, {"start": "2023-01-01", "end": "2023-12-31"})
    assert preset.is_valid() and custom.is_valid()
    assert preset.scope().key == custom.scope().key


@pytest.mark.parametrize(("data", "selection"), [
    ({"segment": "champions"}, ("segment", "champions")),
    ({"r": "5", "f": "1"}, ("cell", 5, 1)),
    ({"measure": "expected", "decile": "10"}, ("decile", "expected", 10)),
    ({"measure": "historic", "low": "100", "high": "200"}, ("band", "historic", "100", "200")),
    ({"measure": "historic", "low": "5000"}, ("band", "historic", "5000", "")),
])
def test_selection_takes_one_kind_of_group(data, selection):
    form = SelectionForm(data)
    assert form.is_valid(), form.errors
    assert form.selection() == selection


@pytest.mark.parametrize("data", [
    {}, {"segment": "vip"}, {"r": "5"}, {"r": "0", "f": "1"}, {"measure": "historic"},
    {"segment": "lost", "decile": "1"}, {"measure": "expected", "decile": "11"},
    {"measure": "historic", "low": "200", "high": "100"}, {"decile": "1"},
])
def test_selection_refuses_anything_else(data):
    assert not SelectionForm(data).is_valid()


def test_export_takes_only_the_page_tables():
    assert ExportForm({"format": "csv", "table": "growth"}, tables=["growth"]).is_valid()
    assert not ExportForm({"format": "csv", "table": "users"}, tables=["growth"]).is_valid()
    assert not ExportForm({"format": "xls", "table": "growth"}, tables=["growth"]).is_valid()
