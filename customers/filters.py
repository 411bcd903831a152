"""The customer and purchase lists' filters; free text goes through `CustomerQuerySet.search`.

The customer list's advanced filters are the drill-down targets of the dashboards, which link
to `customers:list` with these GET parameters (all optional, dates as YYYY-MM-DD):
`acquired_from`/`acquired_to`, `churned_from`/`churned_to`, `active_on` (SPEC §4's N₀ for a
period starting that day), `bought_from`/`bought_to` and `segment`. The purchase list takes
`purchased_from`/`purchased_to`, `owner`, `customer` and `product`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.filtering import QuickFilterSet
from crm.widgets import QuickDateInput, QuickSelect, QuickTextInput
from customers.models import Customer, Purchase

# The value of the segment filter that means "no segment" (no purchase in the last 12 months).
NO_SEGMENT = "none"
SEGMENT_CHOICES = [
    *Customer.ValueSegment.choices, (NO_SEGMENT, _("No purchase in the last 12 months")),
]


def fixed(choices):
    """`choices` behind a function: form fields deep-copy a choice list on every request
    (lazy labels and all), but only pass a function along."""
    return lambda: choices


def date_filter(label, **kwargs) -> django_filters.DateFilter:
    """A date filter rendered as the browser's date picker; its value travels as YYYY-MM-DD."""
    return django_filters.DateFilter(
        label=label, widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole number PostgreSQL's bigint holds (anything else is a field
    error, not a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class DateRangeForm(forms.Form):
    """Refuses a range whose end comes before its start, on the end field."""

    date_ranges: tuple[tuple[str, str], ...] = ()

    def clean(self):
        cleaned = super().clean()
        for start, end in self.date_ranges:
            if cleaned.get(start) and cleaned.get(end) and cleaned[start] > cleaned[end]:
                self.add_error(end, _("The end date must not be before the start date."))
        return cleaned


class CustomerFilterForm(DateRangeForm):
    date_ranges = (("acquired_from", "acquired_to"), ("churned_from", "churned_to"),
                   ("bought_from", "bought_to"))


class PurchaseFilterForm(DateRangeForm):
    date_ranges = (("purchased_from", "purchased_to"),)


SORT_KEYS = {
    "created": "created_at", "-created": "-created_at", "name": "name", "-name": "-name",
    "-acquired": "-acquired_on", "-churned": "-churned_on", "-updated": "-updated_at",
    "level": "level",
}

# The order a drill-down lists in when the request names none, the first that applies.
# Acquisition and churn dates run against the creation order ("newest first" would scan every
# customer created after the range before finding one), so those lists follow their own date
# (one index range each); buyers of a period are listed by name, an order that has nothing to
# do with dates, so the first page is found after a few dozen customers at any table size.
DRILLDOWN_SORTS = (
    (("churned_from", "churned_to"), "-churned"),
    (("acquired_from", "acquired_to", "active_on"), "-acquired"),
    (("bought_from", "bought_to"), "name"),
)


class CustomerFilter(QuickFilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=QuickTextInput(
            attrs={"type": "search", "placeholder": _("Name, phone, e-mail or company"),
                   "autocomplete": "off"}
        ),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=fixed(Customer.Status.choices),
                                         empty_label=_("Any status"), widget=QuickSelect)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=fixed(Customer.Level.choices),
                                        empty_label=_("Any level"), widget=QuickSelect)
    # Choices come from the view's (id, name) list of owners (shared with the reassign form).
    owner = django_filters.ChoiceFilter(label=_("Owner"), choices=[], empty_label=_("Any owner"),
                                        widget=QuickSelect)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=fixed(Customer.Source.choices),
                                         empty_label=_("Any source"), widget=QuickSelect)
    city = django_filters.CharFilter(label=_("City"), method="filter_city",
                                     widget=QuickTextInput)
    # Choices come from the view (`selectors.tag_choices`): a plain list renders without the
    # server-side cursor a ModelChoiceField iterates with.
    tag = django_filters.ChoiceFilter(
        label=_("Tag"), field_name="tags", choices=[], empty_label=_("Any tag"), widget=QuickSelect
    )
    # Advanced filters (ADVANCED below): the dashboards' drill-downs.
    acquired_from = date_filter(_("Acquired from"), field_name="acquired_on", lookup_expr="gte")
    acquired_to = date_filter(_("Acquired until"), field_name="acquired_on", lookup_expr="lte")
    churned_from = date_filter(_("Churned from"), field_name="churned_on", lookup_expr="gte")
    churned_to = date_filter(_("Churned until"), field_name="churned_on", lookup_expr="lte")
    active_on = date_filter(_("Customer at the start of"), method="filter_active_on")
    bought_from = date_filter(_("Bought from"), method="filter_bought")
    bought_to = date_filter(_("Bought until"), method="filter_bought")
    segment = django_filters.ChoiceFilter(
        label=_("Value segment"), choices=fixed(SEGMENT_CHOICES), empty_label=_("Any segment"),
        method="filter_segment", widget=QuickSelect,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_sort",
        empty_label=None,
        widget=QuickSelect,
        choices=fixed([
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("-acquired", _("Recently acquired")),
            ("-churned", _("Recently churned")),
            ("-updated", _("Recently updated")),
            ("level", _("Level A–D")),
        ]),
    )

    optional_fields = ("sort",)
    ADVANCED = ("acquired_from", "acquired_to", "churned_from", "churned_to", "active_on",
                "bought_from", "bought_to", "segment")

    class Meta:
        model = Customer
        fields: list[str] = []
        form = CustomerFilterForm

    def __init__(self, data=None, *args, user, owners=(), tags=(), **kwargs) -> None:
        if data is not None and not data.get("sort"):
            natural = next((sort for names, sort in DRILLDOWN_SORTS
                            if any(data.get(name) for name in names)), None)
            if natural is not None:
                data = data.copy()
                data["sort"] = natural
        super().__init__(data, *args, **kwargs)
        self.choices_key = (tuple(tags), tuple(owners) if user.sees_all_records else None)
        self.filters["tag"].extra["choices"] = fixed(list(tags))
        if user.sees_all_records:
            self.filters["owner"].extra["choices"] = fixed([(str(pk), name) for pk, name in owners])
        else:
            del self.filters["owner"]

    def form_key(self):
        return self.choices_key

    @property
    def main_fields(self) -> list:
        """The filter bar's fields, always shown."""
        return [self.form[name] for name in self.form.fields if name not in self.ADVANCED]

    @property
    def advanced_fields(self) -> list:
        """The fields under "More filters"."""
        return [self.form[name] for name in self.ADVANCED]

    def filter_queryset(self, queryset):
        """Every filter, the free-text search last, noting the list before it and the term."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        self._before_search = queryset, (data.get("q") or "").strip()
        return self.filters["q"].filter(queryset, data.get("q"))

    @property
    def unsearched(self) -> QuerySet[Customer]:
        """The list with every filter but the free-text search applied, from which the first
        page of a prefix search reads its name and company matches apart (`customer_page`)."""
        return self._split_search()[0]

    @property
    def search_term(self) -> str:
        """The free-text term the list is filtered by ("" when none, or it is invalid)."""
        return self._split_search()[1]

    def _split_search(self) -> tuple[QuerySet[Customer], str]:
        """(`unsearched`, `search_term`), which `filter_queryset` notes while `qs` filters
        (once); an unbound filter set filters nothing and has no term."""
        filtered = self.qs
        return getattr(self, "_before_search", (filtered, ""))

    @property
    def advanced_in_use(self) -> int:
        """How many advanced filters the request sets (the section opens when any is)."""
        return sum(1 for name in self.ADVANCED if (self.data or {}).get(name))

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sort(self, queryset, name, value):
        # One key per sort: the keyset paginator adds the primary key as tie-break.
        if value == "-churned":
            # Churned customers only: a keyset over a column with NULLs would skip rows.
            queryset = queryset.filter(churned_on__isnull=False)
        return queryset.order_by(SORT_KEYS[value])

    def filter_city(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(city=value) if value else queryset

    def filter_active_on(self, queryset, name, value):
        # SPEC §4's N₀ for a period starting on `value`: customers before that day who had
        # not churned before it.
        return queryset.exclude(status=Customer.Status.POTENTIAL).filter(
            Q(acquired_on__lt=value), Q(churned_on__isnull=True) | Q(churned_on__gte=value)
        )

    def filter_bought(self, queryset, name, value):
        # Both bounds go into one EXISTS (one purchase inside the range), applied once.
        start = self.form.cleaned_data.get("bought_from")
        end = self.form.cleaned_data.get("bought_to")
        if name == "bought_to" and start is not None:
            return queryset
        purchases = Purchase.objects.filter(customer=OuterRef("pk"))
        if start is not None:
            purchases = purchases.filter(purchased_on__gte=start)
        if end is not None:
            purchases = purchases.filter(purchased_on__lte=end)
        return queryset.filter(Exists(purchases))

    def filter_segment(self, queryset, name, value):
        return queryset.filter(value_segment="" if value == NO_SEGMENT else value)


class PurchaseFilter(QuickFilterSet):
    """The purchase list's filters (the drill-down of revenue and purchase counts)."""

    purchased_from = date_filter(_("From"), field_name="purchased_on", lookup_expr="gte")
    purchased_to = date_filter(_("Until"), field_name="purchased_on", lookup_expr="lte")
    # Choices come from the view's cached lists, as on the customer list.
    owner = django_filters.ChoiceFilter(label=_("Owner"), field_name="customer__owner",
                                        choices=[], empty_label=_("Any owner"),
                                        widget=QuickSelect)
    product = django_filters.ChoiceFilter(label=_("Product"), choices=[],
                                          empty_label=_("Any product"), widget=QuickSelect)
    customer = IdFilter(label=_("Customer"), field_name="customer", widget=forms.HiddenInput)

    class Meta:
        model = Purchase
        fields: list[str] = []
        form = PurchaseFilterForm

    def __init__(self, *args, user, owners=(), products=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choices_key = (tuple(products), tuple(owners) if user.sees_all_records else None)
        self.filters["product"].extra["choices"] = fixed(list(products))
        if user.sees_all_records:
            self.filters["owner"].extra["choices"] = fixed([(str(pk), name) for pk, name in owners])
        else:
            del self.filters["owner"]

    def form_key(self):
        return self.choices_key
