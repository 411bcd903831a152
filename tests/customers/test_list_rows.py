from django.template import engines
from django.utils import translation

from customers.templatetags.customer_rows import customer_rows


def row(**kwargs) -> dict:
    values = {"id": 7, "kind": "person", "name": "王<b>芳</b>", "phone": "138", "email": "a@b.cn",
              "company": "A & B", "city": "上海", "level": "A", "level_label": "A – key",
              "status": "active", "status_label": "Active", "status_class": "text-bg-success",
              "owner_name": "Li Lei", "tag_names": ["VIP", "<new>"], "url": "/customers/7/"}
    return {**values, **kwargs}


def test_a_row_escapes_every_value():
    html = customer_rows([row()], False)
    assert "王&lt;b&gt;芳&lt;/b&gt;" in html and "<b>" not in html
    assert "A &amp; B" in html
    assert '<span class="badge text-bg-light border me-1">&lt;new&gt;</span>' in html
    assert '<a href="/customers/7/" id="c7">' in html


def test_the_checkbox_column_only_when_rows_can_be_selected():
    assert 'name="selected" value="7"' in customer_rows([row()], True)
    assert 'name="selected"' not in customer_rows([row()], False)


def test_companies_get_an_icon_and_rows_without_owner_a_dash():
    with translation.override("zh-hans"):
        html = customer_rows([row(kind="company", owner_name="", tag_names=None)], False)
    assert 'title="公司"' in html
    assert '<td class="d-none d-lg-table-cell">—</td>' in html


def test_rows_and_header_have_the_same_columns():
    template = engines["django"].from_string(
        "{% load customer_rows %}{% customer_rows rows selectable %}")
    for selectable, columns in ((True, 10), (False, 9)):
        html = template.render({"rows": [row(), row(id=8)], "selectable": selectable})
        assert html.count("<tr>") == 2
        assert html.count("<td") == 2 * columns
