"""`{% pager page target push_url %}`: a keyset page's pager (components/_pagination.html).

A list shows the same pager above and below its rows; the second one on a page reuses the
first's HTML instead of building its eight links again.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def pager(context, page, target: str = "", push_url: str = "true") -> SafeString:
    rendered = page.__dict__.setdefault("_pager_html", {})
    key = (target, push_url)
    if key not in rendered:
        # A context of the same kind (with the request) holding just the pager's arguments.
        pager_template = context.template.engine.get_template("components/_pagination.html")
        rendered[key] = pager_template.render(context.new(
            {"page": page, "target": target, "push_url": push_url, "request": context["request"]}
        ))
    return rendered[key]
