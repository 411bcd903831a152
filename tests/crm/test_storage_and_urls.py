from unittest import mock

from django.template import engines
from django.urls import reverse
from whitenoise.storage import CompressedManifestStaticFilesStorage

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
