"""URLs whose text is remembered per process (`crm.navigation`).

`{% fixed_url "name" %}`: `{% url "name" %}` for a URL without arguments; the page header shows
six of them on every page. `{% pk_url "name" pk %}`: `{% url "name" pk %}` for a URL whose
only argument is an integer primary key.
"""

from __future__ import annotations

from django import template

from crm.navigation import fixed_url as _fixed_url
from crm.navigation import pk_url as _pk_url

register = template.Library()


@register.simple_tag
def fixed_url(url_name: str) -> str:
    return _fixed_url(url_name)


@register.simple_tag
def pk_url(url_name: str, pk) -> str:
    return _pk_url(url_name, pk)
