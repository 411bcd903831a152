from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.urls import reverse

from crm.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_reports_unreachable_database(client):
    with mock.patch("crm.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_ping_needs_login(client, rep, client_for):
    assert client.get(reverse("ping")).status_code == 302
    assert client_for(rep).get(reverse("ping")).status_code == 204


@pytest.mark.parametrize(
    ("role", "target"),
    [("rep", "/customers/"), ("support", "/customers/"), ("manager", "/customers/")],
)
def test_home_sends_each_role_to_its_area(request, client_for, role, target):
    user = request.getfixturevalue(role)
    response = client_for(user).get("/")
    assert response.status_code == 302 and response["Location"] == target


def test_home_sends_user_without_role_to_password_page(client_for):
    response = client_for(UserFactory()).get("/")
    assert response["Location"] == reverse("password_change")


def test_login_page_and_login(client, rep):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'id="login-form"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "rep", "password": "pw-123456"})
    assert response.status_code == 302
    assert client.get("/customers/").status_code == 200


def test_login_with_wrong_password_shows_error(client, rep):
    response = client.post(reverse("login"), {"username": "rep", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_logout_is_a_post(client_for, rep):
    client = client_for(rep)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/customers/").status_code == 302


def test_password_change_pages(client_for, rep):
    client = client_for(rep)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(reverse("password_change"), {
        "old_password": "pw-123456", "new_password1": "a-much-Better-pass-42",
        "new_password2": "a-much-Better-pass-42"})
    assert response.status_code == 302
    assert client.get(reverse("password_change_done")).status_code == 200


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("rep", ["/customers/"], ["/customers/trash/", "/admin/"]),
        ("support", ["/customers/", "/admin/"], ["/customers/trash/"]),
        ("manager", ["/customers/", "/customers/trash/", "/admin/"], []),
    ],
)
def test_navigation_shows_each_role_what_it_may_use(request, client_for, role, visible, hidden):
    body = client_for(request.getfixturevalue(role)).get("/customers/").content.decode()
    nav = body[body.index('id="main-nav"'):body.index("</nav>")]
    for url in visible:
        assert f'href="{url}"' in nav
    for url in hidden:
        assert f'href="{url}"' not in nav


def test_language_switch_renders_chinese(client_for, rep):
    client = client_for(rep)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/customers/"})
    body = client.get("/customers/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "新建客户" in body and "客户" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/customers/"})
    assert "New customer" in client.get("/customers/").content.decode()


def test_role_groups_exist_with_permissions():
    expected = {
        Role.SALES: {"view_customer", "add_customer", "change_customer", "add_purchase"},
        Role.SUPPORT: {"view_customer", "view_purchase"},
        Role.MANAGER: {"reassign_customer", "restore_customer", "add_product"},
    }
    for role, codenames in expected.items():
        granted = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert codenames <= granted
    support = set(Group.objects.get(name=Role.SUPPORT).permissions.values_list("codename", flat=True))
    assert not {c for c in support if not c.startswith("view_")}


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [("伟", "张", "张伟"), ("Alice", "Smith", "Alice Smith"), ("", "", "plain")],
)
def test_user_names_read_naturally(first, last, shown):
    user = UserFactory.build(username="plain", first_name=first, last_name=last)
    assert str(user) == shown
