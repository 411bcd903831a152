"""Cached permissions and role names (`crm.access`) follow every change to groups and
permissions, and save the per-request permission queries."""

import pytest
from django.contrib.auth.models import Group, Permission

from crm.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def test_permissions_are_read_once_then_come_from_the_cache(rep, django_assert_num_queries):
    assert fresh(rep).has_perm("customers.view_customer")
    user = fresh(rep)
    with django_assert_num_queries(0):
        assert user.has_perm("customers.view_customer")
        assert user.role_names == {Role.SALES}


def test_joining_a_group_grants_its_permissions_on_the_next_request(db):
    user = UserFactory()
    assert not fresh(user).has_perm("customers.reassign_customer")
    assert fresh(user).role_names == frozenset()

    user.groups.add(Group.objects.get(name=Role.MANAGER))

    assert fresh(user).has_perm("customers.reassign_customer")
    assert fresh(user).role_names == {Role.MANAGER}


def test_leaving_a_group_revokes_its_permissions(manager):
    assert fresh(manager).has_perm("customers.reassign_customer")

    manager.groups.remove(Group.objects.get(name=Role.MANAGER))

    assert not fresh(manager).has_perm("customers.reassign_customer")
    assert fresh(manager).role_names == frozenset()


def test_removing_a_permission_from_a_group_applies_to_its_members(rep):
    assert fresh(rep).has_perm("customers.add_customer")

    Group.objects.get(name=Role.SALES).permissions.remove(
        Permission.objects.get(codename="add_customer", content_type__app_label="customers")
    )

    assert not fresh(rep).has_perm("customers.add_customer")


def test_a_direct_user_permission_applies_on_the_next_request(support):
    assert not fresh(support).has_perm("customers.reassign_customer")

    support.user_permissions.add(Permission.objects.get(codename="reassign_customer"))

    assert fresh(support).has_perm("customers.reassign_customer")


def test_deactivating_or_demoting_a_user_is_not_hidden_by_the_cache(superuser, manager):
    assert fresh(superuser).has_perm("customers.delete_customer")
    assert fresh(manager).has_perm("customers.view_customer")

    User.objects.filter(pk=superuser.pk).update(is_superuser=False)
    User.objects.filter(pk=manager.pk).update(is_active=False)

    assert not fresh(superuser).has_perm("customers.delete_customer")
    assert not fresh(manager).has_perm("customers.view_customer")
