"""The page header's menus, rendered once per process for each distinct input.

`{% main_nav %}`: the navigation items the user may open (the context processor's
`nav_items`) and the admin link for staff. `{% language_options %}`: the language switcher's
options, each language named in itself. They are the same for every user with the same
items, staff flag and language, yet rendering them took a fifth of the header's time on
every page; what varies per request (the CSRF tokens, the current path) stays in base.html.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    items = tuple(
        (item["url"], str(item["label"]), item["icon"], bool(item["active"]))
        for item in context.get("nav_items", ())
    )
    user = context.get("user")
    return _main_nav(get_language(), bool(getattr(user, "is_staff", False)), items)


@lru_cache(maxsize=1024)
def _main_nav(language: str, is_staff: bool, items: tuple) -> SafeString:
    # `language` is only part of the key: the template renders in the active language.
    return mark_safe(get_template("components/_main_nav.html").render({
        "items": [dict(zip(("url", "label", "icon", "active"), item)) for item in items],
        "is_staff": is_staff,
    }))


@register.simple_tag
def language_options() -> SafeString:
    return _language_options(get_language())


@lru_cache(maxsize=16)
def _language_options(language: str) -> SafeString:
    languages = []
    for code, name in settings.LANGUAGES:
        with override(code):  # each language's name in that language
            languages.append((code, str(name)))
    return mark_safe(get_template("components/_language_options.html").render({
        "languages": languages, "current": language,
    }))
