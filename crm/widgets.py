"""Form widgets tuned for pages rendered on every request."""

from __future__ import annotations

import html

from django import forms
from django.utils.safestring import mark_safe


def _escape(value) -> str:
    """Django's `conditional_escape` without its lazy-argument wrapper, which costs more than
    the escaping itself when a select has a hundred options."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """Django's `flatatt`, with the same output: ` key="value"` pairs sorted by key, then
    the keys whose value is True; False and None left out."""
    pairs = sorted((key, value) for key, value in attrs.items()
                   if value is not None and not isinstance(value, bool))
    flags = sorted(key for key, value in attrs.items() if value is True)
    return "".join([*(f" {_escape(key)}=\"{_escape(value)}\"" for key, value in pairs),
                    *(f" {_escape(key)}" for key in flags)])


class QuickSelect(forms.Select):
    """A single-choice `<select>` built in Python.

    Django's `Select` renders every `<option>` through its own template include; on the
    customer filter bar (about 40 options) that took ~8 ms of each page. Flat choices only.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            option_value = str(option_value)
            selected = " selected" if option_value in chosen else ""
            options.append(f"<option value=\"{_escape(option_value)}\"{selected}>"
                           f"{_escape(label)}</option>")
        return mark_safe(f"<select name=\"{_escape(name)}\"{_attrs(final_attrs)}>"
                         f"{''.join(options)}</select>")


class QuickInputMixin:
    """An `<input>` built in Python, like QuickSelect: the form renderer's template include
    costs about 0.1 ms per field, and a filter bar shows a dozen on every page."""

    def render(self, name, value, attrs=None, renderer=None):
        formatted = self.format_value(value)
        # The same markup as Django's input.html: type, name, value, then the attributes.
        shown = "" if formatted is None else f" value=\"{_escape(formatted)}\""
        return mark_safe(f"<input type=\"{_escape(self.input_type)}\" name=\"{_escape(name)}\""
                         f"{shown}{_attrs(self.build_attrs(self.attrs, attrs))}>")


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickDateInput(QuickInputMixin, forms.DateInput):
    pass
