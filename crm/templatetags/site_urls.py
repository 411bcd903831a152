"""`{% fixed_url "name" %}`: `{% url "name" %}` for a URL without arguments, remembered per
process (`crm.navigation.fixed_url`). The page header shows six of them on every page."""

from __future__ import annotations

from django import template

from crm.navigation import fixed_url as _fixed_url

register = template.Library()


@register.simple_tag
def fixed_url(url_name: str) -> str:
    return _fixed_url(url_name)
