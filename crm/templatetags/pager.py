"""`{% pager page target push_url %}`: a keyset page's pager (components/_pagination.html).

The four links (first, previous, next, last) are built here, once each, from the request's
query with the cursor replaced; the template shows each twice (href and hx-get). A list shows
the same pager above and below its rows; the second one on a page reuses the first's HTML.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import querystring
from django.utils.safestring import SafeString

register = template.Library()


def page_links(context, page) -> dict[str, str]:
    """The URLs of the first, previous, next and last pages of the list `page` belongs to."""
    path = context["request"].path
    return {
        "first": path + querystring(context, cursor=None),
        "previous": path + querystring(context, cursor=page.previous_cursor),
        "next": path + querystring(context, cursor=page.next_cursor),
        "last": path + querystring(context, cursor=page.last_cursor),
    }


@register.simple_tag(takes_context=True)
def pager(context, page, target: str = "", push_url: str = "true") -> SafeString:
    rendered = page.__dict__.setdefault("_pager_html", {})
    key = (target, push_url)
    if key not in rendered:
        pager_template = context.template.engine.get_template("components/_pagination.html")
        rendered[key] = pager_template.render(context.new({
            "page": page, "target": target, "push_url": push_url,
            "links": page_links(context, page) if page.has_other_pages else {},
        }))
    return rendered[key]
