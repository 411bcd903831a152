from django.template import engines
from django.utils import translation

from customers.templatetags.customer_tables import customer_rows


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
        "{% load customer_tables %}{% customer_rows rows selectable %}")
    for selectable, columns in ((True, 10), (False, 9)):
        html = template.render({"rows": [row(), row(id=8)], "selectable": selectable})
        assert html.count("<tr>") == 2
        assert html.count("<td") == 2 * columns


def test_purchase_rows_format_money_dates_and_escape(db):
    import datetime as dt
    from decimal import Decimal

    from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

    from customers.templatetags.customer_tables import purchase_rows

    customer = CustomerFactory(name="<i>Zhou</i>")
    product = ProductFactory(name="Tea & cups", sku="T-1")
    purchase = PurchaseFactory(customer=customer, product=product, quantity=1200,
                               unit_price=Decimal("1234.5"), purchased_on=dt.date(2024, 3, 9),
                               channel="")
    with translation.override("en"):
        alone = purchase_rows([purchase])
        listed = purchase_rows([purchase], True)
    assert "Tea &amp; cups" in alone and "T-1" in alone
    assert ">1,200<" in alone and ">1,234.50<" in alone and ">1,481,400.00<" in alone
    assert "<td>03/09/2024</td>" in alone and ">—<" in alone
    assert "Zhou" not in alone
    assert f'<a href="{customer.get_absolute_url()}">&lt;i&gt;Zhou&lt;/i&gt;</a>' in listed
    assert listed.count("<td") == alone.count("<td") + 1
