from unittest import mock

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix
from whitenoise.storage import CompressedManifestStaticFilesStorage

from crm.navigation import pk_url
from crm.storage import StaticFilesStorage


def test_static_urls_are_looked_up_once(tmp_path, settings):
    settings.DEBUG = False
    storage = StaticFilesStorage(location=tmp_path)
    with mock.patch.object(CompressedManifestStaticFilesStorage, "url",
                           return_value="/static/app.1234.css") as looked_up:
        assert storage.url("app.css") == "/static/app.1234.css"
        assert storage.url("app.css") == "/static/app.1234.css"
        assert looked_up.call_count == 1
        storage.url("other.css")
        assert looked_up.call_count == 2


def test_static_urls_are_not_remembered_in_debug(tmp_path, settings):
    settings.DEBUG = True
    storage = StaticFilesStorage(location=tmp_path)
    with mock.patch.object(CompressedManifestStaticFilesStorage, "url",
                           return_value="/static/app.css") as looked_up:
        storage.url("app.css")
        storage.url("app.css")
    assert looked_up.call_count == 2


def test_fixed_url_tag_reverses_like_url():
    html = engines["django"].from_string(
        "{% load site_urls %}{% fixed_url 'logout' %}|{% fixed_url 'set_language' %}").render({})
    assert html == f"{reverse('logout')}|{reverse('set_language')}"


@pytest.mark.parametrize("name", ["customers:detail", "customers:update", "customers:delete",
                                  "customers:purchase_create", "customers:purchase_panel",
                                  "customers:merge_detail"])
@pytest.mark.parametrize("pk", [1, 42, 2**63 - 1])
def test_pk_url_reverses_like_reverse(name, pk):
    assert pk_url(name, pk) == reverse(name, kwargs={"pk": pk})


def test_pk_url_tag_and_the_script_prefix():
    html = engines["django"].from_string(
        "{% load site_urls %}{% pk_url 'customers:update' 7 %}").render({})
    assert html == reverse("customers:update", kwargs={"pk": 7})
    set_script_prefix("/crm/")
    try:
        assert pk_url("customers:detail", 7) == "/crm/customers/7/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(("name", "pk"), [("customers:list", 1), ("customers:detail", None),
                                         ("customers:detail", "7")])
def test_pk_url_refuses_what_reverse_refuses(name, pk):
    # A URL without a pk in its path, an unsaved object's pk, a pk that is not a number.
    with pytest.raises(NoReverseMatch):
        pk_url(name, pk)
