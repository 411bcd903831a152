import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

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
    one = engines["django"].from_string('{% load pager %}{% pager page "#results" %}')
    request = RequestFactory().get("/customers/")
    one.render({"page": CountingPage(**vars(page()))}, request)
    asked_by_one, CountingPage.asked = CountingPage.asked, 0

    render(CountingPage(**vars(page())))

    assert asked_by_one > 0 and CountingPage.asked == asked_by_one


def test_a_single_page_has_no_pager():
    html = render(page(has_next=False, next_cursor=None))
    assert "pagination" not in html and "<a" not in html


def test_the_links_replace_only_the_cursor():
    html = render(page(has_previous=True, previous_cursor="p1"), query="?q=%E7%8E%8B&cursor=zz")

    assert 'href="/customers/?q=%E7%8E%8B"' in html  # first: the cursor dropped
    assert 'href="/customers/?q=%E7%8E%8B&amp;cursor=p1"' in html
    assert 'href="/customers/?q=%E7%8E%8B&amp;cursor=abc"' in html
    assert 'href="/customers/?q=%E7%8E%8B&amp;cursor=last"' in html
    # Each link twice (href and hx-get), and no other cursor.
    assert html.count("cursor=") == 2 * 2 * 3 and "zz" not in html


def test_a_pager_without_a_target_has_no_htmx_attributes():
    html = engines["django"].from_string("{% load pager %}{% pager page %}").render(
        {"page": page()}, RequestFactory().get("/customers/"))

    assert 'href="/customers/?cursor=abc"' in html and "hx-get" not in html


def test_a_disabled_link_and_escaped_target():
    html = engines["django"].from_string(
        '{% load pager %}{% pager page "#a&b" %}').render({"page": page()},
                                                           RequestFactory().get("/x/"))

    assert '<li class="page-item disabled"><a class="page-link" href="/x/"' in html
    assert '<li class="page-item"><a class="page-link" rel="next" href="/x/?cursor=abc"' in html
    assert 'hx-target="#a&amp;b" hx-push-url="true"' in html


@pytest.mark.parametrize(("count", "capped", "language", "shown"), [
    (1, False, "en", "1 result"),
    (1234, False, "en", "1,234 results"),
    (1000, True, "en", "More than 1,000 results"),
    (0, False, "en", "0 results"),
    (1000, True, "zh-hans", "超过 1000 条结果"),
])
def test_result_count(count, capped, language, shown):
    template = engines["django"].from_string("{% load pager %}{% result_count page %}")
    with translation.override(language):
        html = template.render({"page": page(count=count, count_is_capped=capped)})

    assert html == f'<span class="text-body-secondary result-count">{shown}</span>'
