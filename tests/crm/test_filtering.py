"""`crm.filtering.QuickFilterSet`: shallow filter copies, form classes kept per key, the form
built only when asked for."""

import django_filters
import pytest
from django.http import QueryDict

from crm.filtering import QuickFilterSet
from customers.filters import CustomerFilter, fixed
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


class CityFilter(QuickFilterSet):
    """A test set: a plain filter, a method filter and a choice list given per instance."""

    city = django_filters.CharFilter(method="filter_city")
    level = django_filters.ChoiceFilter(choices=[], empty_label=None)
    optional_fields = ("level",)

    class Meta:
        model = Customer
        fields: list[str] = []

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = tuple(levels)
        self.filters["level"].extra["choices"] = fixed(list(levels))

    def form_key(self):
        return self.levels

    def filter_city(self, queryset, name, value):
        self.cities_seen = [*getattr(self, "cities_seen", []), value]
        return queryset.filter(city=value)


def test_each_set_filters_with_its_own_copies_bound_to_itself():
    first = CityFilter(QueryDict("city=Hangzhou"), queryset=Customer.objects.all())
    second = CityFilter(QueryDict("city=Suzhou"), queryset=Customer.objects.all())

    assert first.filters["city"] is not CityFilter.base_filters["city"]
    assert first.filters["city"].parent is first and second.filters["city"].parent is second
    first.filters["level"].extra["help_text"] = "first's"
    assert "help_text" not in second.filters["level"].extra
    assert "help_text" not in CityFilter.base_filters["level"].extra

    str(first.qs.query), str(second.qs.query)
    # The method filter ran on the set that was asked, with that set's value.
    assert first.cities_seen == ["Hangzhou"] and second.cities_seen == ["Suzhou"]


def test_filtering_gives_the_right_rows():
    CustomerFactory(city="Hangzhou", name="In")
    CustomerFactory(city="Suzhou", name="Out")

    found = CityFilter(QueryDict("city=Hangzhou"), queryset=Customer.objects.all()).qs

    assert [c.name for c in found] == ["In"]


def test_an_unbound_set_builds_no_form_until_asked():
    filterset = CityFilter(None, queryset=Customer.objects.all(), levels=[("A", "A")])
    list(filterset.qs)

    assert "_form" not in filterset.__dict__
    assert filterset.form is not None and "_form" in filterset.__dict__


def test_the_form_class_is_kept_per_key_and_its_forms_share_its_fields():
    a1 = CityFilter(QueryDict("level=A"), queryset=Customer.objects.all(), levels=[("A", "A")])
    a2 = CityFilter(QueryDict("level=Z"), queryset=Customer.objects.all(), levels=[("A", "A")])
    b = CityFilter(None, queryset=Customer.objects.all(), levels=[("A", "A"), ("B", "B")])

    assert type(a1.form) is type(a2.form)
    assert type(b.form) is not type(a1.form)
    assert [value for value, _ in b.form.fields["level"].choices] == ["A", "B"]
    # The fields are the class's, not copies (a form may drop one, not change one)…
    assert a1.form.fields["level"] is a2.form.fields["level"]
    assert a1.form.fields is not a2.form.fields
    del a1.form.fields["city"]
    assert "city" in a2.form.fields and "city" in type(a1.form).base_fields
    # …while each form keeps its own data, errors and HTML.
    assert a1.form.is_valid() and not a2.form.is_valid()
    assert "level" in a2.form.errors and not a1.form.errors
    assert 'value="A" selected' in str(a1.form["level"])
    assert "selected" not in str(a2.form["level"])


def test_fields_get_bootstrap_classes_and_named_ones_stay_optional():
    form = CityFilter(QueryDict(""), queryset=Customer.objects.all(), levels=[("A", "A")]).form

    assert form.fields["city"].widget.attrs["class"] == "form-control"
    assert form.fields["level"].widget.attrs["class"] == "form-select"
    assert form.fields["level"].required is False
    assert form.is_valid(), form.errors


def test_the_kept_form_classes_are_bounded():
    for n in range(CityFilter.form_classes_kept + 5):
        CityFilter(None, queryset=Customer.objects.all(), levels=[(str(n), str(n))]).form

    assert len(CityFilter._form_class_cache) == CityFilter.form_classes_kept


def test_customer_filter_shows_the_tags_and_owners_it_is_given(manager, rep):
    def tag_values(tags):
        filterset = CustomerFilter(None, queryset=Customer.objects.all(), user=manager,
                                   owners=[(rep.pk, "Rep")], tags=tags)
        return [value for value, _ in filterset.form.fields["tag"].choices]

    assert tag_values([("1", "VIP")]) == ["", "1"]
    # A new tag list (a tag was added) gets a form that shows it.
    assert tag_values([("1", "VIP"), ("2", "New")]) == ["", "1", "2"]


def test_customer_filter_hides_the_owner_filter_from_reps(rep, manager):
    as_rep = CustomerFilter(None, queryset=Customer.objects.all(), user=rep, owners=[], tags=[])
    as_manager = CustomerFilter(None, queryset=Customer.objects.all(), user=manager,
                                owners=[(rep.pk, "Rep")], tags=[])

    assert "owner" not in as_rep.form.fields
    assert [v for v, _ in as_manager.form.fields["owner"].choices] == ["", str(rep.pk)]
