"""`QuickFilterSet`: a django-filter `FilterSet` that costs little to build on every request.

django-filter builds everything a list's filters need afresh per request: it deep-copies
every filter (widgets and lazy labels included), makes a field for each, makes a new form
class out of them and then a form, before the list's query is even built. On the customer
list that took longer than the query. A `QuickFilterSet`:

- copies its filters shallowly (each copy gets its own `extra` and is bound to this set);
- makes its form class once per distinct `form_key()` (what a subclass varies per request,
  such as the choice lists it is given) and keeps the last few;
- styles the fields for Bootstrap on that class, once;
- lets that class's forms share its fields: a Django form deep-copies every field (widget,
  choices, error messages) into each new form, which took about as long as validating the
  form. So a filter form's fields belong to its class: change a field only when the class is
  made (`get_form_class`), never on a form;
- builds the form only when something asks for it: an unbound list filters nothing, and its
  form's HTML may come from a fragment cache.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Hashable

import django_filters
from django import forms
from django.http import QueryDict


class SharedFields(dict):
    """A form class's `base_fields` whose copy for each form (Django deep-copies them) is a
    new dict of the same fields: a form may add or drop fields, not change one."""

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


def bootstrap_classes(fields) -> None:
    """Bootstrap's classes on each field's widget: form-select or form-control."""
    for field in fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = css


class QuickFilterSet(django_filters.FilterSet):
    # Names of fields that stay optional even though their filter's field would require a
    # value (a choice filter without an empty choice, such as the sort order).
    optional_fields: tuple[str, ...] = ()
    # How many form classes (distinct `form_key()`s) each subclass keeps.
    form_classes_kept = 16

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        # What BaseFilterSet.__init__ does, with a shallow copy of the filters.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = OrderedDict(
            (name, self._copy_filter(base)) for name, base in self.base_filters.items()
        )

    def _copy_filter(self, base):
        clone = copy.copy(base)
        clone.__dict__.pop("_field", None)  # a field made on the class's filter stays there
        clone.extra = base.extra.copy()
        if base.method is not None:
            clone.method = base.method  # a FilterMethod bound to the copy, not the original
        clone.model = self.queryset.model
        clone.parent = self
        return clone

    def form_key(self) -> Hashable:
        """What the form class depends on beyond the filters' definitions: override when a
        subclass changes filters per request (choice lists, removed filters)."""
        return tuple(self.filters)

    def get_form_class(self):
        cls = type(self)
        cache = cls.__dict__.get("_form_class_cache")
        if cache is None:
            cache = OrderedDict()
            cls._form_class_cache = cache
        key = self.form_key()
        with _form_class_lock:
            form_class = cache.get(key)
            if form_class is not None:
                cache.move_to_end(key)
                return form_class
        form_class = super().get_form_class()
        bootstrap_classes(form_class.base_fields)
        for name in self.optional_fields:
            if name in form_class.base_fields:
                form_class.base_fields[name].required = False
        form_class.base_fields = SharedFields(form_class.base_fields)
        with _form_class_lock:
            cache[key] = form_class
            while len(cache) > self.form_classes_kept:
                cache.popitem(last=False)
        return form_class


_form_class_lock = threading.Lock()
