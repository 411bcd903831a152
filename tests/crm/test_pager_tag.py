from django.template import engines
from django.test import RequestFactory

from crm.pagination import KeysetPage

TEMPLATE = '{% load pager %}<top>{% pager page "#results" %}</top><bottom>{% pager page "#results" %}</bottom>'


def page(**kwargs) -> KeysetPage:
    values = {"object_list": [1], "has_next": True, "has_previous": False,
              "next_cursor": "abc", "previous_cursor": None, "count": 30,
              "count_is_capped": False, "per_page": 25}
    return KeysetPage(**{**values, **kwargs})


def render(current: KeysetPage, query: str = "?status=active") -> str:
    request = RequestFactory().get("/customers/" + query)
    return engines["django"].from_string(TEMPLATE).render({"page": current}, request)


def test_both_pagers_show_the_same_links_with_the_query_kept():
    html = render(page())
    top = html.split("<top>")[1].split("</top>")[0]
    bottom = html.split("<bottom>")[1].split("</bottom>")[0]
    assert top == bottom
    assert 'href="/customers/?status=active&amp;cursor=abc"' in top
    assert 'hx-target="#results"' in top


class CountingPage(KeysetPage):
    """A page that counts how often a pager asks whether there are other pages."""

    asked = 0

    @property
    def has_other_pages(self) -> bool:
        type(self).asked += 1
        return super().has_other_pages


def test_the_second_pager_reuses_the_first():
    current = CountingPage(**vars(page()))
    render(current)
    assert CountingPage.asked == 1


def test_a_single_page_has_no_pager():
    html = render(page(has_next=False, next_cursor=None))
    assert "pagination" not in html and "<a" not in html
