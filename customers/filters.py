"""The customer list's filters; free text goes through `CustomerQuerySet.search`."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from crm.widgets import QuickSelect
from customers.models import Customer


SORT_KEYS = {
    "created": "created_at", "-created": "-created_at", "name": "name", "-name": "-name",
    "-acquired": "-acquired_on", "-updated": "-updated_at", "level": "level",
}


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, phone, e-mail or company"),
                   "autocomplete": "off"}
        ),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Customer.Status.choices,
                                         empty_label=_("Any status"), widget=QuickSelect)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Customer.Level.choices,
                                        empty_label=_("Any level"), widget=QuickSelect)
    # Choices come from the view's (id, name) list of owners (shared with the reassign form).
    owner = django_filters.ChoiceFilter(label=_("Owner"), choices=[], empty_label=_("Any owner"),
                                        widget=QuickSelect)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Customer.Source.choices,
                                         empty_label=_("Any source"), widget=QuickSelect)
    city = django_filters.CharFilter(label=_("City"), method="filter_city")
    # Choices come from the view (`selectors.tag_choices`): a plain list renders without the
    # server-side cursor a ModelChoiceField iterates with.
    tag = django_filters.ChoiceFilter(
        label=_("Tag"), field_name="tags", choices=[], empty_label=_("Any tag"), widget=QuickSelect
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_sort",
        empty_label=None,
        widget=QuickSelect,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("-acquired", _("Recently acquired")),
            ("-updated", _("Recently updated")),
            ("level", _("Level A–D")),
        ],
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def __init__(self, *args, user, owners=(), tags=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["tag"].extra["choices"] = list(tags)
        if user.sees_all_records:
            self.filters["owner"].extra["choices"] = [(str(pk), name) for pk, name in owners]
        else:
            del self.filters["owner"]
        form = self.form
        form.fields["sort"].required = False
        for field in form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sort(self, queryset, name, value):
        # One key per sort: the keyset paginator adds the primary key as tie-break.
        return queryset.order_by(SORT_KEYS[value])

    def filter_city(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(city=value) if value else queryset
