"""The dashboards' GET forms: the period and owner filter, the drill-down selection, the CSV
download and the refresh button. Every parameter a dashboard reads goes through one of them."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from analytics.dashboard.scope import Scope
from analytics.periods import PRESETS, Period, preset_period
from analytics.rfm import SEGMENTS

DEFAULT_PRESET = "this_year"
CUSTOM = "custom"
MAX_YEARS = 5
# Dates outside this range are typing mistakes, and the day before the earliest must still
# be a date (the comparison period ends there).
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 3, 1)


class DashboardFilterForm(forms.Form):
    """Period (a preset or a custom range) and, for users who see every customer, the owner.

    A rep has no owner field: their scope is always their own customers, whatever the URL
    says. Bind it to `request.GET` (or a refresh's POST); every field is optional, and an
    empty form means the default preset over every customer the user may see.
    """

    period = forms.ChoiceField(label=_("Period"), required=False)
    # Rendered by hand (components/_dashboard_header.html) as <input type="date">.
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int,
                                   empty_value=None)

    def __init__(self, *args, user, today: dt.date, owners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        self.fields["period"].choices = [
            *((key, preset.label) for key, preset in PRESETS.items()),
            (CUSTOM, _("Custom range")),
        ]
        self.fields["period"].initial = DEFAULT_PRESET
        if user.sees_all_records:
            self.fields["owner"].choices = [("", _("All owners")),
                                            *((str(pk), name) for pk, name in owners)]
            self._owner_names = {pk: name for pk, name in owners}
        else:
            del self.fields["owner"]
            self._owner_names = {}

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("period") or ""
        start, end = cleaned.get("start"), cleaned.get("end")
        if not key:
            key = CUSTOM if (start or end or self.has_error("start")
                             or self.has_error("end")) else DEFAULT_PRESET
        cleaned["period"] = key
        if key != CUSTOM:
            cleaned["range"] = preset_period(key, self.today)
            return cleaned
        if self.has_error("start") or self.has_error("end"):
            return cleaned
        if start is None:
            self.add_error("start", _("Enter the first day of the range."))
        if end is None:
            self.add_error("end", _("Enter the last day of the range."))
        if start is None or end is None:
            return cleaned
        for name, day in (("start", start), ("end", end)):
            if not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Enter a date between %(earliest)s and %(latest)s.") % {
                    "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()})
        if self.errors:
            return cleaned
        if end < start:
            self.add_error("end", _("The last day must not be before the first day."))
        elif end >= _years_after(start, MAX_YEARS):
            self.add_error("end", _("A range may span at most %(years)d years.")
                           % {"years": MAX_YEARS})
        else:
            cleaned["range"] = Period(start, end)
        return cleaned

    def scope(self) -> Scope:
        """The validated scope; a rep's is always their own customers."""
        if not self.is_valid():
            raise ValueError("The filter form has errors.")
        key = self.cleaned_data["period"]
        preset = None if key == CUSTOM else key
        period = self.cleaned_data["range"]
        if not self.user.sees_all_records:
            return Scope(period=period, owner_id=self.user.pk, preset=preset)
        owner = self.cleaned_data.get("owner")
        return Scope(period=period, owner_id=owner, preset=preset, owner_chosen=owner is not None)

    def shown(self) -> dict[str, str]:
        """What the filter's inputs show: the period in force (the default preset when none
        was asked for) with its dates, or what was typed when it is not valid."""
        if self.is_valid():
            period = self.cleaned_data["range"]
            owner = self.cleaned_data.get("owner")
            return {"period": self.cleaned_data["period"], "start": period.start.isoformat(),
                    "end": period.end.isoformat(), "owner": "" if owner is None else str(owner)}
        return {name: str(self.data.get(name) or "") for name in ("period", "start", "end",
                                                                   "owner")}

    def owner_name(self, scope: Scope) -> str:
        """Whose customers the figures cover, for the page heading ("" for everyone's)."""
        if scope.owner_id is None:
            return ""
        if not scope.owner_chosen:
            return str(self.user)
        return self._owner_names.get(scope.owner_id, "")


SELECTION_MEASURES = [("historic", _("Historic value")), ("expected", _("Expected value"))]


class SelectionForm(forms.Form):
    """Which computed group of customers the drill-down page lists: an RFM segment, a cell
    (r, f) of the R×F grid, a decile of customer value, or a band of customer value
    [low, high). Exactly one of them."""

    segment = forms.ChoiceField(required=False, choices=[
        ("", "—"), *((segment.key, segment.label) for segment in SEGMENTS)])
    r = forms.IntegerField(required=False, min_value=1, max_value=5)
    f = forms.IntegerField(required=False, min_value=1, max_value=5)
    measure = forms.ChoiceField(required=False, choices=[("", "—"), *SELECTION_MEASURES])
    decile = forms.IntegerField(required=False, min_value=1, max_value=10)
    low = forms.DecimalField(required=False, min_value=0, max_digits=20, decimal_places=2)
    high = forms.DecimalField(required=False, min_value=0, max_digits=20, decimal_places=2)
    page = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        given = {name for name in ("segment", "r", "f", "measure", "decile", "low", "high")
                 if cleaned.get(name) not in (None, "")}
        kinds = {
            "segment": {"segment"},
            "cell": {"r", "f"},
            "decile": {"measure", "decile"},
            "band": {"measure", "low", "high"},
            "open_band": {"measure", "low"},
        }
        kind = next((kind for kind, names in kinds.items() if given == names), None)
        if kind is None:
            raise ValidationError(_("Choose an RFM segment, a cell of the R×F grid, or a "
                                    "decile or band of customer value."))
        if kind == "band" and cleaned["high"] <= cleaned["low"]:
            raise ValidationError(_("The upper bound must be above the lower bound."))
        cleaned["kind"] = "band" if kind == "open_band" else kind
        return cleaned

    def selection(self) -> tuple:
        """A hashable description of the selection (part of its cache key)."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == "segment":
            return ("segment", data["segment"])
        if kind == "cell":
            return ("cell", data["r"], data["f"])
        if kind == "decile":
            return ("decile", data["measure"], data["decile"])
        high = data.get("high")
        return ("band", data["measure"], str(data["low"]), "" if high is None else str(high))

    def query(self) -> dict[str, str]:
        """The selection's GET parameters, for links back to the page."""
        return {name: str(self.cleaned_data[name]) for name in
                ("segment", "r", "f", "measure", "decile", "low", "high")
                if self.cleaned_data.get(name) not in (None, "")}


class ExportForm(forms.Form):
    """`?format=csv&table=<name>`: one of the page's tables as a CSV download."""

    format = forms.ChoiceField(choices=[("csv", "CSV")])
    table = forms.ChoiceField(choices=[])

    def __init__(self, *args, tables=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [(name, name) for name in tables]


class RefreshForm(forms.Form):
    """Which page's cached figures to forget (the scope comes from DashboardFilterForm)."""

    dashboard = forms.ChoiceField(choices=[])

    def __init__(self, *args, pages=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dashboard"].choices = [(page, page) for page in pages]
