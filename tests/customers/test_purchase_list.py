"""The purchase list (`customers:purchase_list`): the drill-down behind revenue and purchase
counts, with GET parameters purchased_from/_to, owner, customer and product."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
URL = reverse("customers:purchase_list")


@pytest.fixture
def ledger(rep, other_rep):
    mine = CustomerFactory(owner=rep, name="Mine")
    theirs = CustomerFactory(owner=other_rep, name="Theirs")
    gone = CustomerFactory(owner=rep, name="Gone")
    tea, cup = ProductFactory(name="Tea", sku="TEA"), ProductFactory(name="Cup", sku="CUP")

    def buy(customer, product, day, quantity, price):
        return PurchaseFactory(customer=customer, product=product, purchased_on=day,
                               quantity=quantity, unit_price=Decimal(price))

    rows = {
        "m1": buy(mine, tea, D(2024, 3, 1), 2, "10.00"),     # 20.00, on the start date
        "m2": buy(mine, cup, D(2024, 5, 31), 1, "5.50"),     # on the end date
        "m3": buy(mine, tea, D(2024, 2, 29), 1, "100.00"),   # the day before
        "t1": buy(theirs, cup, D(2024, 4, 1), 3, "1.00"),
        "t2": buy(theirs, tea, D(2024, 6, 1), 1, "7.00"),    # the day after
        "g1": buy(gone, tea, D(2024, 4, 1), 1, "999.00"),
    }
    Customer.all_objects.filter(pk=gone.pk).update(deleted_at="2025-01-01T00:00:00Z")
    return {"mine": mine, "theirs": theirs, "tea": tea, "cup": cup, **rows}


def listed(response):
    return [purchase.pk for purchase in response.context["page"].object_list]


class TestAccess:
    @pytest.fixture
    def users(self, rep, other_rep, support, manager, superuser):
        return {"rep": rep, "support": support, "manager": manager, "superuser": superuser,
                "nobody": UserFactory(username="nobody")}

    def test_page_by_role(self, users, client_for, client):
        got = {name: client_for(user).get(URL).status_code for name, user in users.items()}
        assert got == {"rep": 200, "support": 200, "manager": 200, "superuser": 200,
                       "nobody": 403}
        response = client.get(URL)
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_a_rep_sees_only_their_customers_purchases(self, ledger, rep, client_for):
        response = client_for(rep).get(URL)
        assert set(listed(response)) == {ledger["m1"].pk, ledger["m2"].pk, ledger["m3"].pk}
        assert "Theirs" not in response.content.decode()

    def test_those_who_see_everyone_see_every_live_customers_purchases(
            self, ledger, support, manager, client_for):
        for user in (support, manager):
            ids = set(listed(client_for(user).get(URL)))
            assert ids == {ledger[k].pk for k in ("m1", "m2", "m3", "t1", "t2")}

    def test_another_reps_customer_gives_an_empty_list_not_their_name(
            self, ledger, rep, client_for):
        response = client_for(rep).get(URL, {"customer": ledger["theirs"].pk})
        assert response.status_code == 200
        assert listed(response) == []
        assert response.context["customer"] is None
        assert "Theirs" not in response.content.decode()

    def test_owner_filter_only_for_those_who_see_everyone(self, ledger, rep, other_rep, manager,
                                                          client_for):
        assert "owner" not in client_for(rep).get(URL).context["filter"].form.fields
        response = client_for(rep).get(URL, {"owner": other_rep.pk})
        assert set(listed(response)) == {ledger["m1"].pk, ledger["m2"].pk, ledger["m3"].pk}
        response = client_for(manager).get(URL, {"owner": other_rep.pk})
        assert set(listed(response)) == {ledger["t1"].pk, ledger["t2"].pk}


class TestFilters:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"purchased_from": "2024-03-01", "purchased_to": "2024-05-31"}, ["m2", "t1", "m1"]),
            ({"purchased_from": "2024-06-01"}, ["t2"]),
            ({"purchased_to": "2024-02-29"}, ["m3"]),
            ({"product": "cup"}, ["m2", "t1"]),
            ({"customer": "mine"}, ["m2", "m1", "m3"]),
            ({"customer": "mine", "purchased_from": "2024-03-01"}, ["m2", "m1"]),
        ],
    )
    def test_filters_newest_first(self, ledger, manager, client_for, query, expected):
        query = {key: (ledger[value].pk if key in ("product", "customer") else value)
                 for key, value in query.items()}
        response = client_for(manager).get(URL, query)
        assert listed(response) == [ledger[k].pk for k in expected]

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"purchased_from": "2024-02-30"}, "purchased_from"),
            ({"purchased_from": "2024-06-01", "purchased_to": "2024-05-01"}, "purchased_to"),
            ({"customer": "abc"}, "customer"),
            ({"customer": "99999999999999999999999"}, "customer"),
            ({"customer": "1.5"}, "customer"),
            ({"product": "999999"}, "product"),
            ({"owner": "abc"}, "owner"),
        ],
    )
    def test_bad_values_are_field_errors_not_failures(self, ledger, manager, client_for,
                                                      query, field):
        response = client_for(manager).get(URL, query)
        assert response.status_code == 200
        assert field in response.context["filter"].form.errors
        assert "invalid-feedback" in response.content.decode()

    def test_customer_filter_names_the_customer_and_can_be_removed(self, ledger, rep,
                                                                   client_for):
        mine = ledger["mine"]
        body = client_for(rep).get(URL, {"customer": mine.pk,
                                          "purchased_from": "2024-01-01"}).content.decode()
        assert "Purchases of Mine" in body
        assert 'id="customer-filter"' in body
        assert f'href="{URL}?purchased_from=2024-01-01"' in body
        assert f'type="hidden" name="customer" value="{mine.pk}"' in body


class TestTotals:
    def test_count_and_revenue_of_the_filtered_purchases(self, ledger, manager, client_for):
        response = client_for(manager).get(URL, {"purchased_from": "2024-03-01",
                                                 "purchased_to": "2024-05-31"})
        totals = response.context["totals"]
        assert (totals.count, totals.revenue, totals.capped) == (3, Decimal("28.50"), False)
        body = response.content.decode()
        assert "3 purchases, revenue 28.50" in body

    def test_more_than_the_limit_shows_no_total(self, manager, rep, client_for, settings):
        settings.LIST_COUNT_LIMIT = 3
        customer = CustomerFactory(owner=rep)
        PurchaseFactory.create_batch(4, customer=customer)
        response = client_for(manager).get(URL)
        totals = response.context["totals"]
        assert totals.capped and totals.revenue is None
        assert response.context["page"].count_is_capped
        body = response.content.decode()
        assert "More than 3 purchases: narrow the filters" in body
        assert "purchases, revenue" not in body

    def test_exactly_the_limit_still_shows_the_total(self, manager, rep, client_for, settings):
        settings.LIST_COUNT_LIMIT = 3
        PurchaseFactory.create_batch(3, customer=CustomerFactory(owner=rep),
                                     unit_price=Decimal("2.00"))
        totals = client_for(manager).get(URL).context["totals"]
        assert (totals.count, totals.revenue, totals.capped) == (3, Decimal("6.00"), False)


class TestPage:
    def test_full_page_and_htmx_fragment(self, ledger, rep, client_for, htmx_headers):
        client = client_for(rep)
        page = client.get(URL)
        fragment = client.get(URL, headers=htmx_headers)
        assert "<html" in page.content.decode() and 'id="purchase-filters"' in page.content.decode()
        body = fragment.content.decode()
        assert "<html" not in body and 'id="purchase-filters"' not in body
        assert "Tea" in body and ledger["mine"].get_absolute_url() in body
        assert "HX-Request" in fragment["Vary"]

    def test_rows_show_every_column(self, ledger, rep, client_for):
        body = client_for(rep).get(URL, {"product": ledger["cup"].pk}).content.decode()
        assert "Cup" in body and "CUP" in body and "5.50" in body
        assert f'href="{ledger["mine"].get_absolute_url()}"' in body

    def test_empty_states(self, rep, client_for):
        assert "No purchases yet." in client_for(rep).get(URL).content.decode()
        body = client_for(rep).get(URL, {"purchased_from": "2030-01-01"}).content.decode()
        assert "No purchases match these filters." in body

    def test_keyset_pages_newest_first(self, rep, client_for, settings):
        settings.LIST_PAGE_SIZE = 2
        customer = CustomerFactory(owner=rep)
        days = [D(2024, 1, d) for d in (5, 1, 3, 2, 4)]
        for day in days:
            PurchaseFactory(customer=customer, purchased_on=day)
        client = client_for(rep)
        first = client.get(URL).context["page"]
        assert [p.purchased_on.day for p in first] == [5, 4]
        second = client.get(URL, {"cursor": first.next_cursor}).context["page"]
        assert [p.purchased_on.day for p in second] == [3, 2]
        last = client.get(URL, {"cursor": "last"}).context["page"]
        assert [p.purchased_on.day for p in last] == [2, 1]

    @pytest.mark.parametrize("user_name", ["manager", "rep"])
    def test_query_count_is_bounded(self, request, user_name, rep, client_for,
                                    django_assert_max_num_queries):
        user = request.getfixturevalue(user_name)
        customers = CustomerFactory.create_batch(8, owner=rep)
        products = [ProductFactory() for _ in range(4)]
        for i in range(80):
            PurchaseFactory(customer=customers[i % 8], product=products[i % 4])
        client = client_for(user)
        client.get(URL)  # warm the session and the cached choices and permissions
        # Session, user, totals, the page's rows with customer and product.
        with django_assert_max_num_queries(4):
            response = client.get(URL, {"purchased_from": "2000-01-01",
                                        "product": products[0].pk})
        assert len(response.context["page"].object_list) == 20
        with django_assert_max_num_queries(5):  # and the customer named in the filter
            client.get(URL, {"customer": customers[0].pk})

    def test_the_customer_page_links_to_its_purchases(self, ledger, rep, client_for,
                                                      htmx_headers):
        mine = ledger["mine"]
        panel = client_for(rep).get(reverse("customers:purchase_panel", args=[mine.pk]),
                                    headers=htmx_headers).content.decode()
        assert f'href="{URL}?customer={mine.pk}"' in panel
        assert "All purchases" in panel

    def test_product_choices_follow_new_products(self, manager, client_for):
        client = client_for(manager)
        client.get(URL)
        ProductFactory(name="Brand new", sku="NEW-1")
        choices = client.get(URL).context["filter"].form.fields["product"].choices
        assert any(label == "Brand new (NEW-1)" for _value, label in choices)
