"""Django's `i18n` tag library, with `{% translate "literal" %}` remembered per language.

Settings register this module as the `i18n` library, so `{% load i18n %}` loads it, in the
CRM's templates and the admin's alike. Every tag and filter is Django's; only `translate`
(and its alias `trans`) differ, and only for a plain literal, maybe with `as var`: no
filters, `noop` or `context`. Such a tag's output depends on nothing but the literal and
the active language, yet Django makes a lazy string, translates it and runs it through
`render_value_in_context` on every render: about 27 µs here, for some 25 tags on a list
page. Here the result is remembered per (language, literal) and the tag costs a dictionary
look-up. Anything else is Django's own `TranslateNode`.

The output is the same string Django's tag gives (tests/crm/test_template_libraries.py
compares them). Catalogues do not change in a running process, except in development, where
Django reloads them when a `.mo` file changes: the remembered strings are forgotten then too.
"""

from __future__ import annotations

from django import template
from django.template import Node
from django.templatetags import i18n as django_i18n
from django.utils.autoreload import file_changed
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

# (language, literal) -> the tag's output.
_remembered: dict[tuple[str | None, str], str] = {}


def _forget_on_catalogue_change(sender, file_path, **kwargs) -> None:
    if file_path.suffix == ".mo":
        _remembered.clear()


file_changed.connect(_forget_on_catalogue_change, dispatch_uid="crm_i18n_remembered")


class RememberedTranslateNode(Node):
    """`{% translate "literal" [as var] %}`, remembered per language."""

    child_nodelists = ()

    def __init__(self, literal: str, asvar: str | None) -> None:
        self.literal = literal
        self.asvar = asvar

    def render(self, context) -> str:
        key = (get_language(), self.literal)
        try:
            value = _remembered[key]
        except KeyError:
            value = _remembered[key] = translate_literal(self.literal)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def translate_literal(literal: str) -> str:
    """What Django's `TranslateNode` renders for a template literal: the msgid has its percent
    signs doubled (as `makemessages` writes them), and the translation has them restored; a
    literal is safe, and so is its translation."""
    return mark_safe(gettext(mark_safe(literal.replace("%", "%%"))).replace("%%", "%"))


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token) -> Node:
    node = django_i18n.do_translate(parser, token)
    expression = node.filter_expression
    literal = getattr(expression.var, "literal", None)  # None for a variable
    if (node.noop or node.message_context is not None or expression.filters
            or not isinstance(literal, str)):
        return node
    return RememberedTranslateNode(literal, node.asvar)
