"""`{% load i18n %}` and `{% load static %}` load the CRM's versions of Django's libraries
(crm/templatetags/i18n_remembered.py, static_remembered.py): the same output as Django's
own tags, remembered per language or per file."""

import pytest
from django.template import Context, Engine, engines
from django.test import override_settings
from django.utils import translation

from crm.templatetags import i18n_remembered, static_remembered
from crm.templatetags.i18n_remembered import RememberedTranslateNode
from crm.templatetags.static_remembered import RememberedStaticNode


def ours(source: str):
    return engines["django"].from_string(source)


def djangos(source: str):
    """The same template compiled with Django's own `i18n` and `static` libraries."""
    return Engine(libraries={"i18n": "django.templatetags.i18n",
                             "static": "django.templatetags.static"}).from_string(source)


# Literals with percent signs, markup and quotes; with `as`, filters, `noop` and `context`
# (the last three left to Django's node); inside a translated catalogue entry and outside.
TRANSLATE_CASES = [
    '{% translate "Customers" %}',
    "{% trans 'Customers' %}",
    '{% translate "Select all on this page" %}',
    '{% translate "50% off" %}',
    '{% translate "100%% sure" %}',
    '{% translate "<b>bold</b> & \\"quoted\\"" %}',
    '{% translate "Customers" as title %}[{{ title }}]',
    '{% translate "Customers"|upper %}',
    '{% translate "Customers" noop %}',
    '{% translate "May" context "month name" %}',
    '{% translate "" %}',
    '{% autoescape off %}{% translate "<i>x</i>" %}{% endautoescape %}',
    '{% with word="Customers" %}{% translate word %}{% endwith %}',
    '{% get_current_language as L %}{{ L }}',
    '{% language "en" %}{% translate "Customers" %}{% endlanguage %}',
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("source", TRANSLATE_CASES)
def test_translate_renders_as_djangos(source, language):
    source = "{% load i18n %}" + source
    with translation.override(language):
        expected = djangos(source).render(Context({}))
        assert ours(source).render({}) == expected
        # Remembered: the second render too.
        assert ours(source).render({}) == expected


def test_a_literal_is_remembered_and_other_tags_are_djangos():
    nodes = engines["django"].from_string(
        '{% load i18n %}{% translate "Customers" %}{% translate "Customers"|upper %}'
        '{% translate "May" context "month name" %}'
    ).template.nodelist
    kinds = [type(node).__name__ for node in nodes if type(node).__name__ != "LoadNode"]

    assert kinds == ["RememberedTranslateNode", "TranslateNode", "TranslateNode"]


def test_each_language_gets_its_own_translation():
    i18n_remembered._remembered.clear()
    template = ours('{% load i18n %}{% translate "Customers" %}')

    with translation.override("zh-hans"):
        assert template.render({}) == "客户"
    with translation.override("en"):
        assert template.render({}) == "Customers"
    with translation.override("zh-hans"):
        assert template.render({}) == "客户"
    assert set(i18n_remembered._remembered) == {("zh-hans", "Customers"), ("en", "Customers")}


def test_a_changed_catalogue_is_forgotten(tmp_path):
    i18n_remembered._remembered[("en", "Customers")] = "stale"
    i18n_remembered._forget_on_catalogue_change(None, file_path=tmp_path / "django.po")
    assert ("en", "Customers") in i18n_remembered._remembered

    i18n_remembered._forget_on_catalogue_change(None, file_path=tmp_path / "django.mo")

    assert i18n_remembered._remembered == {}


def test_the_remembered_node_is_used_for_literals_only():
    node = RememberedTranslateNode("Customers", asvar=None)
    with translation.override("zh-hans"):
        assert node.render(Context({})) == "客户"


STATIC_CASES = [
    "{% static 'css/crm.css' %}",
    "{% static 'vendor/htmx/htmx.min.js' %}",
    "{% static 'css/crm.css' as url %}[{{ url }}]",
    "{% with path='css/crm.css' %}{% static path %}{% endwith %}",
    "{% static 'a b&c.css' %}",
    "{% get_static_prefix %}",
    "{% get_media_prefix %}",
]


@pytest.mark.parametrize("source", STATIC_CASES)
def test_static_renders_as_djangos(source):
    source = "{% load static %}" + source
    expected = djangos(source).render(Context({}))

    assert ours(source).render({}) == expected
    assert ours(source).render({}) == expected


def test_a_url_is_remembered_until_a_setting_changes():
    static_remembered._urls.clear()
    template = ours("{% load static %}{% static 'css/crm.css' %}")
    before = template.render({})
    assert static_remembered._urls == {"css/crm.css": before}

    with override_settings(STATIC_URL="/elsewhere/"):
        moved = template.render({})
    after = template.render({})

    assert moved.startswith("/elsewhere/css/crm") and not before.startswith("/elsewhere/")
    assert after == before


def test_static_nodes_are_the_remembering_kind():
    nodes = engines["django"].from_string(
        "{% load static %}{% static 'css/crm.css' %}").template.nodelist

    assert any(isinstance(node, RememberedStaticNode) for node in nodes)


def test_only_i18n_and_static_are_replaced():
    """The settings silence Django's warning of a library name used twice (templates.W003):
    the names used twice must be exactly the two replaced on purpose."""
    warnings = [w for w in engines["django"].check() if w.id == "templates.W003"]

    used_twice = "is used for multiple template tag modules"
    assert sorted(w.msg for w in warnings) == [
        f"'i18n' {used_twice}: 'crm.templatetags.i18n_remembered', 'django.templatetags.i18n'",
        f"'static' {used_twice}: "
        + "'crm.templatetags.static_remembered', 'django.templatetags.static'",
    ]
