"""The customer list's advanced filters: the dashboards' drill-downs (GET parameters
acquired_from/_to, churned_from/_to, active_on, bought_from/_to, segment)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.kpis import compute_kpis
from analytics.periods import Period
from customers.models import Customer
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory, TagFactory

pytestmark = pytest.mark.django_db

D = dt.date
LIST = reverse("customers:list")
ACTIVE, CHURNED, POTENTIAL = (Customer.Status.ACTIVE, Customer.Status.CHURNED,
                              Customer.Status.POTENTIAL)


@pytest.fixture
def book(rep, other_rep):
    """Customers on and just outside the boundaries of 2024-03-01 … 2024-05-31."""

    def customer(name, acquired, status=ACTIVE, churned=None, owner=rep, **extra):
        return CustomerFactory(name=name, acquired_on=acquired, status=status,
                               churned_on=churned, owner=owner, **extra)

    c = {
        "A": customer("A", D(2024, 1, 10), value_segment="champions"),
        "B": customer("B", D(2024, 3, 1), value_segment="lost"),
        "C": customer("C", D(2024, 5, 31)),
        "D": customer("D", D(2024, 6, 1)),
        "E": customer("E", D(2023, 12, 1), CHURNED, D(2024, 3, 1)),
        "F": customer("F", D(2023, 11, 1), CHURNED, D(2024, 5, 31)),
        "G": customer("G", D(2023, 10, 1), CHURNED, D(2024, 2, 29)),
        "H": customer("H", D(2023, 10, 1), CHURNED, D(2024, 6, 1)),
        "I": customer("I", D(2024, 1, 1), POTENTIAL),
        "J": customer("J", D(2024, 2, 29)),
        "L": customer("L", D(2024, 2, 1), owner=other_rep, value_segment="champions"),
    }
    product = ProductFactory()
    for name, day in [("A", D(2024, 3, 1)), ("A", D(2024, 7, 1)), ("B", D(2024, 5, 31)),
                      ("E", D(2024, 2, 29)), ("H", D(2024, 6, 1)), ("L", D(2024, 4, 1))]:
        PurchaseFactory(customer=c[name], product=product, purchased_on=day,
                        unit_price=Decimal("10.00"))
    return c


def names(client, **query):
    response = client.get(LIST, query)
    assert response.status_code == 200
    return {row["name"] for row in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"acquired_from": "2024-03-01"}, {"B", "C", "D"}),
        ({"acquired_to": "2024-02-29"}, {"A", "E", "F", "G", "H", "I", "J"}),
        ({"acquired_from": "2024-03-01", "acquired_to": "2024-05-31"}, {"B", "C"}),
        ({"churned_from": "2024-03-01", "churned_to": "2024-05-31"}, {"E", "F"}),
        ({"churned_from": "2024-06-01"}, {"H"}),
        ({"churned_to": "2024-02-29"}, {"G"}),
        ({"bought_from": "2024-03-01", "bought_to": "2024-05-31"}, {"A", "B"}),
        ({"bought_from": "2024-06-01"}, {"A", "H"}),
        ({"bought_to": "2024-02-29"}, {"E"}),
        # One purchase inside the range, not one after the start and another before the end.
        ({"bought_from": "2024-06-02", "bought_to": "2024-06-30"}, set()),
        ({"segment": "champions"}, {"A"}),
        ({"segment": "lost"}, {"B"}),
        ({"segment": "none"}, {"C", "D", "E", "F", "G", "H", "I", "J"}),
        ({"active_on": "2024-03-01"}, {"A", "E", "F", "H", "J"}),
        ({"active_on": "2024-06-01"}, {"A", "B", "C", "H", "J"}),
        ({"active_on": "2024-03-01", "churned_from": "2024-03-01",
          "churned_to": "2024-05-31"}, {"E", "F"}),
    ],
)
def test_each_drilldown_parameter_with_boundary_dates(book, rep, client_for, query, expected):
    assert names(client_for(rep), **query) == expected


@pytest.mark.parametrize("start", [D(2024, 3, 1), D(2024, 6, 1), D(2023, 11, 1),
                                   D(2024, 2, 29), D(2030, 1, 1)])
def test_active_on_lists_the_customers_the_kpis_count_as_active_at_start(
        book, manager, rep, client_for, start):
    period = Period(start, start + dt.timedelta(days=30))
    for user, owner in ((manager, None), (rep, rep)):
        client = client_for(user)
        query = {"active_on": start.isoformat()}
        response = client.get(LIST, query)
        listed = response.context["page"].count
        assert listed == compute_kpis(period=period, owner=owner)["customers"]["active_at_start"]
    churned = names(client_for(manager), active_on=start.isoformat(),
                    churned_from=start.isoformat(), churned_to=period.end.isoformat())
    assert len(churned) == compute_kpis(period=period)["customers"]["churned"]


def test_segment_of_another_reps_customer_stays_hidden(book, rep, client_for):
    assert "L" not in names(client_for(rep), segment="champions")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"acquired_from": "2024-13-01"}, "acquired_from"),
        ({"active_on": "yesterday"}, "active_on"),
        ({"bought_to": "0000-00-00"}, "bought_to"),
        ({"churned_from": "99999-01-01"}, "churned_from"),
        ({"segment": "whales"}, "segment"),
        ({"acquired_from": "2024-06-01", "acquired_to": "2024-05-01"}, "acquired_to"),
        ({"bought_from": "2024-06-01", "bought_to": "2024-05-01"}, "bought_to"),
    ],
)
def test_invalid_values_are_field_errors_not_failures(book, rep, client_for, query, field):
    response = client_for(rep).get(LIST, query)
    assert response.status_code == 200
    form = response.context["filter"].form
    assert field in form.errors
    body = response.content.decode()
    assert 'class="invalid-feedback d-block"' in body
    assert '<details class="mt-2" id="more-filters" open>' in body


def test_more_filters_are_collapsed_until_one_is_used(rep, client_for):
    client = client_for(rep)
    body = client.get(LIST).content.decode()
    assert '<details class="mt-2" id="more-filters">' in body
    for name in ("acquired_from", "acquired_to", "churned_from", "churned_to", "active_on",
                 "bought_from", "bought_to", "segment"):
        assert f'name="{name}"' in body
    body = client.get(LIST, {"status": "active"}).content.decode()
    assert '<details class="mt-2" id="more-filters">' in body
    body = client.get(LIST, {"segment": "loyal", "active_on": "2024-01-01"}).content.decode()
    assert '<details class="mt-2" id="more-filters" open>' in body
    assert 'text-bg-primary">2</span>' in body


def test_dates_render_back_as_iso_dates(rep, client_for):
    body = client_for(rep).get(LIST, {"bought_from": "2024-03-01"}).content.decode()
    assert 'type="date" name="bought_from" value="2024-03-01"' in body


def test_the_export_takes_the_same_filters(book, manager, client_for):
    response = client_for(manager).get(reverse("customers:export"),
                                       {"segment": "champions", "export": "customers.csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3  # header, A and L


def test_query_count_stays_the_same_with_every_drilldown(manager, rep, client_for,
                                                         django_assert_max_num_queries):
    tags = [TagFactory(name=f"t{i}") for i in range(3)]
    customers = CustomerFactory.create_batch(60, owner=rep, tags=tags, acquired_on=D(2024, 1, 1),
                                             value_segment="loyal")
    product = ProductFactory()
    for customer in customers:
        PurchaseFactory(customer=customer, product=product, purchased_on=D(2024, 4, 1))
    client = client_for(manager)
    client.get(LIST)
    query = {"acquired_from": "2023-01-01", "acquired_to": "2024-12-31", "active_on": "2024-03-01",
             "bought_from": "2024-03-01", "bought_to": "2024-05-31", "segment": "loyal",
             "sort": "name"}
    # Session, user, the page's rows (tags and capped count included): as without them.
    with django_assert_max_num_queries(3):
        response = client.get(LIST, query)
    assert len(response.context["page"].object_list) == 25


@pytest.mark.parametrize(
    ("query", "sort"),
    [
        ({"churned_from": "2024-03-01", "active_on": "2024-03-01"}, "-churned"),
        ({"acquired_from": "2024-03-01", "bought_from": "2024-03-01"}, "-acquired"),
        ({"active_on": "2024-03-01"}, "-acquired"),
        ({"bought_to": "2024-05-31"}, "name"),
        ({"segment": "loyal"}, "-created"),
        ({"bought_to": "2024-05-31", "sort": "-updated"}, "-updated"),
    ],
)
def test_drilldowns_list_in_the_order_of_their_own_dates(rep, client_for, query, sort):
    form = client_for(rep).get(LIST, query).context["filter"].form
    assert (form.cleaned_data.get("sort") or "-created") == sort


def test_drilldown_orders_follow_the_dates(book, rep, client_for):
    client = client_for(rep)
    churned = client.get(LIST, {"churned_from": "2024-01-01"}).context["page"].object_list
    assert [row["name"] for row in churned] == ["H", "F", "E", "G"]
    acquired = client.get(LIST, {"acquired_from": "2024-02-01"}).context["page"].object_list
    assert [row["name"] for row in acquired] == ["D", "C", "B", "J"]
    bought = client.get(LIST, {"bought_from": "2024-01-01"}).context["page"].object_list
    assert [row["name"] for row in bought] == ["A", "B", "E", "H"]


def test_recently_churned_lists_churned_customers_in_keyset_pages(book, rep, client_for,
                                                                  settings):
    settings.LIST_PAGE_SIZE = 2
    client = client_for(rep)
    first = client.get(LIST, {"sort": "-churned"}).context["page"]
    assert [row["name"] for row in first] == ["H", "F"]
    second = client.get(LIST, {"sort": "-churned", "cursor": first.next_cursor}).context["page"]
    assert [row["name"] for row in second] == ["E", "G"]
    assert not second.has_next
