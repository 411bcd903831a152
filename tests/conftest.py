import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import ManagerFactory, SalesRepFactory, SupportFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached permissions included)."""
    cache.clear()
    yield
    cache.clear()


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
