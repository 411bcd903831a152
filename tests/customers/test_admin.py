from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer, Purchase
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")


def test_support_browses_and_searches_customers_read_only(support, rep, client_for):
    customer = CustomerFactory(owner=rep, name="王芳", phone="13800138000")
    CustomerFactory(owner=rep, name="张伟")
    client = client_for(support)
    response = client.get(CHANGELIST, {"q": "138 0013"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [customer]
    change = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert change.status_code == 200
    assert 'name="name"' not in change.content.decode()  # rendered read-only
    response = client.post(reverse("admin:customers_customer_change", args=[customer.pk]),
                           {"name": "changed"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "王芳"


def test_rep_has_no_admin_access(rep, client_for):
    response = client_for(rep).get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_changelist_hides_deleted_customers(manager, rep, client_for):
    CustomerFactory(owner=rep, deleted_at="2025-01-01T00:00:00Z")
    alive = CustomerFactory(owner=rep)
    response = client_for(manager).get(CHANGELIST)
    assert list(response.context["cl"].result_list) == [alive]


def test_admin_changelist_query_count(manager, rep, client_for, django_assert_max_num_queries):
    CustomerFactory.create_batch(60, owner=rep)
    client = client_for(manager)
    client.get(CHANGELIST)
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST, {"status__exact": "active"})
    assert len(response.context["cl"].result_list) == 50


def admin_form(**overrides):
    data = {
        "kind": "person", "name": "Admin Made", "gender": "", "phone": "+86 137 0000 2222",
        "email": "ADMIN@EXAMPLE.COM", "company": "", "industry": "", "province": "", "city": "",
        "address": "", "source": "", "level": "C", "status": "potential",
        "acquired_on": "2025-01-01", "churned_on": "", "owner": "", "notes": "",
        "external_id": "",
        "purchases-TOTAL_FORMS": "0", "purchases-INITIAL_FORMS": "0",
        "purchases-MIN_NUM_FORMS": "0", "purchases-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_manager_adds_customer_through_the_service(manager, client_for):
    response = client_for(manager).post(reverse("admin:customers_customer_add"), admin_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer = Customer.objects.get()
    assert customer.phone_normalized == "8613700002222"
    assert customer.email == "admin@example.com"


def test_manager_edit_in_admin_bumps_version(manager, rep, client_for):
    customer = CustomerFactory(owner=rep, name="Before")
    response = client_for(manager).post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        admin_form(name="After", owner=rep.pk, status="active", phone=customer.phone,
                   email=customer.email, loaded_version=customer.version),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "After" and customer.version == 2


def test_admin_delete_is_soft(manager, rep, client_for):
    customer = CustomerFactory(owner=rep)
    response = client_for(manager).post(
        CHANGELIST, {"action": "move_to_trash", "_selected_action": [customer.pk]}
    )
    assert response.status_code == 302
    assert Customer.all_objects.get(pk=customer.pk).deleted_at is not None


def test_purchase_admin_adds_through_service(manager, rep, client_for):
    customer = CustomerFactory(owner=rep, status="potential")
    product = ProductFactory(list_price=Decimal("3.00"))
    response = client_for(manager).post(
        reverse("admin:customers_purchase_add"),
        {"customer": customer.pk, "product": product.pk, "purchased_on": "2025-02-02",
         "quantity": "4", "unit_price": "3.00", "channel": "", "external_id": ""},
    )
    assert response.status_code == 302
    assert Purchase.objects.get().amount == Decimal("12.00")
    customer.refresh_from_db()
    assert customer.status == "active"


def test_purchase_changelist_for_support(support, rep, client_for):
    PurchaseFactory.create_batch(3, customer=CustomerFactory(owner=rep))
    response = client_for(support).get(reverse("admin:customers_purchase_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3


def test_stale_admin_edit_is_refused(manager, rep, client_for):
    customer = CustomerFactory(owner=rep, name="Before")
    loaded_version = customer.version
    Customer.objects.filter(pk=customer.pk).update(name="Other edit", version=loaded_version + 1)
    response = client_for(manager).post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        admin_form(name="Mine", owner=rep.pk, status="active", phone=customer.phone,
                   email=customer.email, loaded_version=loaded_version),
    )
    assert response.status_code == 200
    assert "Someone else changed this customer" in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == "Other edit"


def test_admin_finds_customer_by_external_id(support, rep, client_for):
    customer = CustomerFactory(owner=rep, external_id="EXT-0042")
    CustomerFactory(owner=rep)
    response = client_for(support).get(CHANGELIST, {"q": "EXT-0042"})
    assert list(response.context["cl"].result_list) == [customer]


def test_admin_refuses_an_owner_who_cannot_own(manager, rep, support, client_for):
    customer = CustomerFactory(owner=rep, name="Kept")
    response = client_for(manager).post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        admin_form(name="Changed", owner=support.pk, status="active", phone=customer.phone,
                   email=customer.email, loaded_version=customer.version),
    )
    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.owner == rep and customer.name == "Kept"


def test_admin_edit_without_version_is_refused(manager, rep, client_for):
    customer = CustomerFactory(owner=rep, name="Kept")
    response = client_for(manager).post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        admin_form(name="Changed", owner=rep.pk, status="active", phone=customer.phone,
                   email=customer.email),
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.name == "Kept"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_row_checkboxes_match_djangos(language):
    from django.contrib import admin as django_admin
    from django.utils import translation

    from customers.admin import CustomerAdmin, PurchaseAdmin

    customer = CustomerFactory(name='王芳 "<&>"')
    purchase = PurchaseFactory(customer=customer)
    with translation.override(language):
        for model_admin, obj in ((CustomerAdmin(Customer, django_admin.site), customer),
                                 (PurchaseAdmin(Purchase, django_admin.site), purchase)):
            stock = django_admin.ModelAdmin.action_checkbox(model_admin, obj)
            assert model_admin.action_checkbox(obj) == stock
            assert f'value="{obj.pk}"' in stock
        assert "&lt;&amp;&gt;" in CustomerAdmin(Customer, django_admin.site).action_checkbox(
            customer)


def test_changelist_rows_can_be_selected_for_an_action(manager, rep, client_for):
    customers = CustomerFactory.create_batch(3, owner=rep)
    body = client_for(manager).get(reverse("admin:customers_customer_changelist")).content.decode()

    for customer in customers:
        assert f'name="_selected_action" value="{customer.pk}" class="action-select"' in body
