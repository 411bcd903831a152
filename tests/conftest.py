import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import Client

from tests.factories import ManagerFactory, SalesRepFactory, SupportFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached permissions included)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _restore_migration_data(django_db_setup, django_db_blocker):
    """Put the data migrations' rows (role groups and their permissions) back after the run.

    A transactional test (the e2e tests, a few others) empties every table when it ends;
    `serialized_rollback` reloads the migrations' rows before each such test, but the last
    flush would leave a `--reuse-db` database without role groups for the next run's tests.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                call_command(
                    "flush", database=connection.alias, interactive=False,
                    inhibit_post_migrate=True, verbosity=0,
                )
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def rep(db):
    return SalesRepFactory(username="rep")


@pytest.fixture
def other_rep(db):
    return SalesRepFactory(username="other_rep")


@pytest.fixture
def support(db):
    return SupportFactory(username="support")


@pytest.fixture
def manager(db):
    return ManagerFactory(username="manager")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def client_for():
    """A logged-in test client for a user: `client_for(rep).get(url)`."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}
