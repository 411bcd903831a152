"""`crm.admin_rows`: changelist rows with the same HTML as Django's, or Django's own rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.templatetags import admin_list
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from crm.admin_rows import changelist_rows
from customers.admin import CustomerAdmin, ProductAdmin, PurchaseAdmin
from customers.models import Customer, Product, Purchase
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory


def _changelist(model_admin, user, query=""):
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + query
    request = RequestFactory().get(url)
    request.user = user
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None  # as `changelist_view` sets it without `list_editable`
    return cl


def _djangos_rows(cl) -> list[str]:
    return ["".join(items) for items in admin_list.results(cl)]


def _quick_rows(cl) -> list[str]:
    return ["".join(items) for items in changelist_rows(cl)]


@pytest.fixture
def varied_customers(rep):
    CustomerFactory(owner=rep, name='王芳 "<&>"', phone="", email="", company="A & B",
                    acquired_on=dt.date(2024, 3, 9), level="A")
    CustomerFactory(owner=None, name="No owner", city="  ", status="churned",
                    acquired_on=dt.date(2024, 1, 2), churned_on=dt.date(2025, 1, 2))
    CustomerFactory(owner=rep, name="Plain", kind="company", company="Acme Ltd.")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("query", ["", "?status__exact=active&o=3.-1", "?q=Plain"])
def test_customer_rows_match_djangos(manager, varied_customers, language, query):
    with translation.override(language):
        cl = _changelist(CustomerAdmin(Customer, django_admin.site), manager, query)
        assert cl.result_list
        assert _quick_rows(cl) == _djangos_rows(cl)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_purchase_and_product_rows_match_djangos(manager, rep, language):
    """Purchases (a foreign key, dates, decimals, choices) and products (a boolean)."""
    customer = CustomerFactory(owner=rep, name="<b>Bold</b>")
    PurchaseFactory(customer=customer, quantity=1200, unit_price=Decimal("1234.5"),
                    channel="")
    PurchaseFactory(customer=customer, channel="online")
    ProductFactory(is_active=False, list_price=Decimal("99999.99"), category="")
    with translation.override(language):
        for model_admin, query in ((PurchaseAdmin(Purchase, django_admin.site), ""),
                                   (PurchaseAdmin(Purchase, django_admin.site),
                                    "?channel__exact=online"),
                                   (ProductAdmin(Product, django_admin.site), "")):
            cl = _changelist(model_admin, manager, query)
            assert cl.result_list
            assert _quick_rows(cl) == _djangos_rows(cl)


def test_rows_django_must_build_are_left_to_django(manager, varied_customers):
    class WithMethod(CustomerAdmin):
        list_display = ["name", "shout"]

        @django_admin.display(description="Shout")
        def shout(self, obj):
            return obj.name.upper()

    assert changelist_rows(_changelist(WithMethod(Customer, django_admin.site), manager)) is None
    popup = _changelist(CustomerAdmin(Customer, django_admin.site), manager, "?_popup=1")
    assert popup.is_popup and changelist_rows(popup) is None


def test_the_changelist_page_shows_the_quick_rows(manager, varied_customers, client_for,
                                                  monkeypatch):
    from crm.templatetags import admin_rows as tag

    built = []

    def spy(cl):
        rows = changelist_rows(cl)
        built.append(rows)
        return rows

    monkeypatch.setattr(tag, "changelist_rows", spy)
    response = client_for(manager).get(reverse("admin:customers_customer_changelist"))
    body = response.content.decode()
    cl = response.context["cl"]
    assert len(built) == 1 and len(built[0]) == len(cl.result_list) == 3
    for row in _djangos_rows(cl):
        assert f"<tr>{row}</tr>" in body
    assert "王芳 &quot;&lt;&amp;&gt;&quot;" in body


def test_a_foreign_key_column_name_is_left_to_django(manager, varied_customers):
    class ByOwnerId(CustomerAdmin):
        list_display = ["name", "owner_id"]

    cl = _changelist(ByOwnerId(Customer, django_admin.site), manager)
    assert changelist_rows(cl) is None


def test_a_changelist_with_its_own_change_urls_is_left_to_django(manager, varied_customers):
    from django.contrib.admin.views.main import ChangeList

    class ElsewhereList(ChangeList):
        def url_for_result(self, result):
            return f"/elsewhere/{result.pk}/"

    class Elsewhere(CustomerAdmin):
        def get_changelist(self, request, **kwargs):
            return ElsewhereList

    cl = _changelist(Elsewhere(Customer, django_admin.site), manager)
    assert changelist_rows(cl) is None
    assert f'href="/elsewhere/{cl.result_list[0].pk}/"' in _djangos_rows(cl)[0]
