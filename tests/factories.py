"""factory_boy factories for every app's models. Factories build data; they never bypass a
rule a service enforces (the objects they make are ones a service could have made)."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from crm.models import Role, User
from customers.models import Customer, Product, Purchase, SalesTarget, Tag
from customers.normalization import normalize_email, normalize_phone


def _roles(*default):
    """Put the user in role groups: the factory's default, or `roles=[...]` when given."""

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        names = default if extracted is None else extracted
        if create and names:
            user.groups.add(*Group.objects.filter(name__in=names))

    return roles


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-123456")

    roles = _roles()


class SalesRepFactory(UserFactory):
    roles = _roles(Role.SALES)


class SupportFactory(UserFactory):
    is_staff = True
    roles = _roles(Role.SUPPORT)


class ManagerFactory(UserFactory):
    is_staff = True
    roles = _roles(Role.MANAGER)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    kind = Customer.Kind.PERSON
    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    phone_normalized = factory.LazyAttribute(lambda c: normalize_phone(c.phone))
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    email_normalized = factory.LazyAttribute(lambda c: normalize_email(c.email))
    city = "上海"
    level = Customer.Level.C
    status = Customer.Status.ACTIVE
    acquired_on = factory.LazyFunction(timezone.localdate)
    owner = factory.SubFactory(SalesRepFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*(TagFactory(name=name) if isinstance(name, str) else name
                            for name in extracted))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = "General"
    list_price = Decimal("99.00")


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purchase

    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    purchased_on = factory.LazyFunction(timezone.localdate)
    quantity = 1
    unit_price = Decimal("99.00")


class SalesTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesTarget

    rep = factory.SubFactory(SalesRepFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    amount = Decimal("10000.00")
