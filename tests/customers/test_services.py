from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers import services
from customers.models import Customer, Purchase, Tag
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

pytestmark = pytest.mark.django_db


def test_customer_create_normalizes_phone_and_email(rep):
    customer = services.customer_create(
        actor=rep, name="  王芳 ", phone="+86 138-0013-8000", email=" Wang.Fang@Example.COM "
    )
    customer.refresh_from_db()
    assert customer.name == "王芳"
    assert customer.phone_normalized == "8613800138000"
    assert customer.email == "wang.fang@example.com"
    assert customer.email_normalized == "wang.fang@example.com"


def test_customer_create_by_rep_is_owned_by_the_rep(rep):
    customer = services.customer_create(actor=rep, name="Alice")
    assert customer.owner == rep


def test_rep_cannot_create_a_customer_for_another_rep(rep, other_rep):
    with pytest.raises(ValidationError) as excinfo:
        services.customer_create(actor=rep, name="Alice", owner=other_rep)
    assert "owner" in excinfo.value.message_dict
    assert not Customer.objects.exists()


def test_manager_can_assign_any_owner(manager, rep):
    customer = services.customer_create(actor=manager, name="Alice", owner=rep)
    assert customer.owner == rep


def test_customer_create_defaults_acquired_on_to_today(rep):
    customer = services.customer_create(actor=rep, name="Bob")
    assert customer.acquired_on == timezone.localdate()
    assert customer.status == Customer.Status.POTENTIAL


def test_customer_create_rejects_bad_phone_without_writing(rep):
    with pytest.raises(ValidationError) as excinfo:
        services.customer_create(actor=rep, name="Bob", phone="call me maybe")
    assert "phone" in excinfo.value.message_dict
    assert not Customer.all_objects.exists()


def test_customer_create_rejects_duplicate_external_id(rep):
    services.customer_create(actor=rep, name="A", external_id="C-1")
    with pytest.raises(ValidationError) as excinfo:
        services.customer_create(actor=rep, name="B", external_id="C-1")
    assert "external ID" in str(excinfo.value)
    assert Customer.objects.count() == 1


def test_blank_external_ids_do_not_collide(rep):
    services.customer_create(actor=rep, name="A")
    services.customer_create(actor=rep, name="B")
    assert Customer.objects.filter(external_id="").count() == 2


def test_customer_create_sets_tags_creating_missing_ones(rep):
    Tag.objects.create(name="VIP")
    customer = services.customer_create(actor=rep, name="A", tags=["VIP", " 老客户 ", "", "VIP"])
    assert sorted(t.name for t in customer.tags.all()) == ["VIP", "老客户"]
    assert Tag.objects.count() == 2


def test_churned_status_sets_churn_date_and_reactivation_clears_it(rep):
    customer = services.customer_create(
        actor=rep, name="A", status=Customer.Status.ACTIVE, acquired_on=date(2024, 1, 1)
    )
    churned = services.customer_update(customer=customer, actor=rep, status="churned")
    assert churned.churned_on == timezone.localdate()
    active = services.customer_update(customer=churned, actor=rep, status="active")
    assert active.churned_on is None


def test_churn_date_given_with_churned_status_is_kept(rep):
    customer = services.customer_create(
        actor=rep, name="A", status="churned", acquired_on=date(2024, 1, 1),
        churned_on=date(2024, 6, 1),
    )
    assert customer.churned_on == date(2024, 6, 1)


def test_churn_date_before_acquisition_is_rejected(rep):
    with pytest.raises(ValidationError):
        services.customer_create(
            actor=rep, name="A", status="churned", acquired_on=date(2024, 6, 1),
            churned_on=date(2024, 1, 1),
        )
    assert not Customer.objects.exists()


def test_database_rejects_churn_date_on_active_customer(rep):
    customer = CustomerFactory(owner=rep)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(churned_on=date(2024, 1, 1))


def test_customer_update_bumps_version_and_updated_at(rep):
    customer = services.customer_create(actor=rep, name="A")
    before = customer.updated_at
    updated = services.customer_update(
        customer=customer, actor=rep, expected_version=customer.version, name="B"
    )
    assert updated.version == customer.version + 1
    assert updated.updated_at >= before
    assert Customer.objects.get(pk=customer.pk).name == "B"


def test_stale_update_is_refused_and_keeps_the_other_edit(rep):
    customer = services.customer_create(actor=rep, name="Original")
    loaded_version = customer.version
    services.customer_update(customer=customer, actor=rep, expected_version=loaded_version,
                             name="First editor")
    with pytest.raises(services.ConcurrentUpdateError):
        services.customer_update(customer=customer, actor=rep, expected_version=loaded_version,
                                 name="Second editor")
    assert Customer.objects.get(pk=customer.pk).name == "First editor"


def test_rep_cannot_reassign_own_customer(rep, other_rep):
    customer = CustomerFactory(owner=rep)
    with pytest.raises(ValidationError):
        services.customer_update(customer=customer, actor=rep, owner=other_rep)
    customer.refresh_from_db()
    assert customer.owner == rep


def test_delete_is_soft_and_restore_brings_back(manager, rep):
    customer = CustomerFactory(owner=rep)
    PurchaseFactory(customer=customer)
    services.customer_delete(customer=customer, actor=rep)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    trashed = Customer.all_objects.get(pk=customer.pk)
    assert trashed.deleted_by == rep and trashed.deleted_at is not None
    assert Purchase.objects.filter(customer_id=customer.pk).count() == 1
    services.customer_restore(customer=trashed, actor=manager)
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_deleted_customer_cannot_be_updated(rep):
    customer = CustomerFactory(owner=rep)
    services.customer_delete(customer=customer, actor=rep)
    with pytest.raises(ValidationError):
        services.customer_update(customer=customer, actor=rep, name="X")


def test_external_id_of_deleted_customer_stays_reserved(rep):
    customer = services.customer_create(actor=rep, name="A", external_id="C-9")
    services.customer_delete(customer=customer, actor=rep)
    with pytest.raises(ValidationError):
        services.customer_create(actor=rep, name="B", external_id="C-9")


def test_reassign_moves_only_the_given_customers(manager, rep, other_rep):
    mine = CustomerFactory.create_batch(3, owner=rep)
    CustomerFactory(owner=rep)
    count = services.customers_reassign(
        actor=manager, customers=Customer.objects.filter(pk__in=[c.pk for c in mine]),
        owner=other_rep,
    )
    assert count == 3
    assert Customer.objects.filter(owner=other_rep).count() == 3
    assert Customer.objects.filter(owner=rep).count() == 1
    assert all(c.version == 2 for c in Customer.objects.filter(owner=other_rep))


def test_reassign_requires_manager(rep, other_rep):
    CustomerFactory(owner=rep)
    with pytest.raises(ValidationError):
        services.customers_reassign(actor=rep, customers=Customer.objects.all(), owner=other_rep)
    assert Customer.objects.filter(owner=rep).count() == 1


def test_reassign_to_inactive_user_is_refused(manager, rep, other_rep):
    CustomerFactory(owner=rep)
    other_rep.is_active = False
    other_rep.save()
    with pytest.raises(ValidationError):
        services.customers_reassign(actor=manager, customers=Customer.objects.all(),
                                    owner=other_rep)


def test_purchase_amount_is_quantity_times_unit_price(rep):
    customer = CustomerFactory(owner=rep)
    product = ProductFactory(list_price=Decimal("12.50"))
    purchase = services.purchase_create(actor=rep, customer=customer, product=product, quantity=3)
    purchase.refresh_from_db()
    assert purchase.unit_price == Decimal("12.50")
    assert purchase.amount == Decimal("37.50")
    assert purchase.created_by == rep


def test_purchase_with_explicit_price(rep):
    customer = CustomerFactory(owner=rep)
    purchase = services.purchase_create(
        actor=rep, customer=customer, product=ProductFactory(), quantity=2,
        unit_price=Decimal("0.01"), purchased_on=date(2025, 3, 1),
    )
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("0.02")
    assert purchase.purchased_on == date(2025, 3, 1)


def test_first_purchase_activates_a_potential_customer(rep):
    customer = CustomerFactory(owner=rep, status=Customer.Status.POTENTIAL)
    services.purchase_create(actor=rep, customer=customer, product=ProductFactory())
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_purchase_rejects_zero_quantity_and_writes_nothing(rep):
    customer = CustomerFactory(owner=rep)
    with pytest.raises(ValidationError):
        services.purchase_create(actor=rep, customer=customer, product=ProductFactory(),
                                 quantity=0)
    assert not Purchase.objects.exists()


def test_purchase_for_deleted_customer_is_refused(rep):
    customer = CustomerFactory(owner=rep)
    services.customer_delete(customer=customer, actor=rep)
    with pytest.raises(ValidationError):
        services.purchase_create(actor=rep, customer=customer, product=ProductFactory())



def test_customer_of_a_departed_owner_stays_editable(manager, rep):
    customer = CustomerFactory(owner=rep)
    rep.is_active = False
    rep.save()
    updated = services.customer_update(customer=customer, actor=manager, owner=rep, name="Kept")
    assert updated.name == "Kept" and updated.owner == rep


def test_new_owner_must_be_active(manager, rep, other_rep):
    customer = CustomerFactory(owner=rep)
    other_rep.is_active = False
    other_rep.save()
    with pytest.raises(ValidationError):
        services.customer_update(customer=customer, actor=manager, owner=other_rep)
