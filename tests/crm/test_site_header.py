"""The header's menus (`{% main_nav %}`, `{% language_options %}`): rendered once per
distinct input in a process, and still right for each page, role and language."""

import re

import pytest
from django.urls import reverse

from crm.templatetags import site_header

pytestmark = pytest.mark.django_db


def nav_of(body: str) -> str:
    return body[body.index('id="main-nav"'):body.index("</nav>")]


def active_links(body: str) -> list[str]:
    return re.findall(r'<a class="nav-link active" href="([^"]+)"', nav_of(body))


def test_the_item_of_the_current_page_is_active(client_for, manager):
    client = client_for(manager)

    assert active_links(client.get("/customers/").content.decode()) == ["/customers/"]
    assert active_links(client.get("/customers/trash/").content.decode()) == [
        "/customers/trash/"]


def test_same_inputs_render_once(client_for, manager, rep):
    site_header._main_nav.cache_clear()
    client_for(manager).get("/customers/")
    client_for(manager).get("/customers/")
    after_manager = site_header._main_nav.cache_info()
    client_for(rep).get("/customers/")

    assert (after_manager.misses, after_manager.hits) == (1, 1)
    # A rep sees other items: another entry.
    assert site_header._main_nav.cache_info().misses == 2


def test_the_menus_follow_the_language(client_for, rep):
    client = client_for(rep)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/customers/"})
    chinese = nav_of(client.get("/customers/").content.decode())
    client.post(reverse("set_language"), {"language": "en", "next": "/customers/"})
    english = nav_of(client.get("/customers/").content.decode())

    assert "> 客户</a>" in chinese and "> Customers</a>" in english
    assert '<option value="zh-hans" selected>' in chinese
    assert '<option value="en" selected>' in english
    # Each language is named in itself, whatever the page's language.
    for nav in (chinese, english):
        assert ">简体中文</option>" in nav and ">English</option>" in nav


def test_the_tokens_and_path_stay_per_request(client_for, rep):
    client = client_for(rep)
    first = client.get("/customers/?status=active").content.decode()
    second = client.get("/customers/?level=A").content.decode()

    assert 'name="next" type="hidden" value="/customers/?status=active"' in first
    assert 'name="next" type="hidden" value="/customers/?level=A"' in second
    tokens = [set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))
              for body in (first, second)]
    # The page's own token in each form of the header, another on the next page.
    assert all(len(found) == 1 for found in tokens) and tokens[0] != tokens[1]
