from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.http import QueryDict
from django.urls import reverse

from crm.pagination import COUNT_COLUMN
from customers.filters import SORT_KEYS
from customers.models import Customer, Purchase
from customers.models.querysets import ROW_FIELDS
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    PurchaseFactory,
    SalesRepFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("customers:list")


def detail(customer):
    return reverse("customers:detail", args=[customer.pk])


class TestAccess:
    """Each page rendered for every role that may see it, and refused to the others."""

    @pytest.fixture
    def users(self, rep, other_rep, support, manager, superuser):
        return {"rep": rep, "other_rep": other_rep, "support": support, "manager": manager,
                "superuser": superuser, "nobody": UserFactory(username="nobody")}

    @pytest.fixture
    def customer(self, rep):
        return CustomerFactory(owner=rep, name="访问测试")

    @pytest.mark.parametrize(
        ("page", "expected"),
        [
            ("list", {"rep": 200, "other_rep": 200, "support": 200, "manager": 200,
                      "superuser": 200, "nobody": 403}),
            ("detail", {"rep": 200, "other_rep": 404, "support": 200, "manager": 200,
                        "superuser": 200, "nobody": 403}),
            ("purchases", {"rep": 200, "other_rep": 404, "support": 200, "manager": 200,
                           "superuser": 200, "nobody": 403}),
            ("create", {"rep": 200, "other_rep": 200, "support": 403, "manager": 200,
                        "superuser": 200, "nobody": 403}),
            ("update", {"rep": 200, "other_rep": 404, "support": 403, "manager": 200,
                        "superuser": 200, "nobody": 403}),
            ("delete", {"rep": 200, "other_rep": 404, "support": 403, "manager": 200,
                        "superuser": 200, "nobody": 403}),
            ("purchase_create", {"rep": 200, "other_rep": 404, "support": 403,
                                 "manager": 200, "superuser": 200, "nobody": 403}),
            ("trash", {"rep": 403, "other_rep": 403, "support": 403, "manager": 200,
                       "superuser": 200, "nobody": 403}),
        ],
    )
    def test_page_access_by_role(self, users, customer, client_for, page, expected):
        url = {
            "list": LIST,
            "detail": detail(customer),
            "purchases": reverse("customers:purchase_panel", args=[customer.pk]),
            "create": reverse("customers:create"),
            "update": reverse("customers:update", args=[customer.pk]),
            "delete": reverse("customers:delete", args=[customer.pk]),
            "purchase_create": reverse("customers:purchase_create", args=[customer.pk]),
            "trash": reverse("customers:trash"),
        }[page]
        got = {name: client_for(user).get(url).status_code for name, user in users.items()}
        assert got == expected

    def test_anonymous_user_is_sent_to_login(self, client, customer):
        for url in (LIST, detail(customer), reverse("customers:create")):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_list_never_shows_another_reps_customer(self, rep, other_rep, client_for):
        CustomerFactory(owner=other_rep, name="别人的客户")
        mine = CustomerFactory(owner=rep, name="我的客户")
        body = client_for(rep).get(LIST).content.decode()
        assert mine.name in body
        assert "别人的客户" not in body

    def test_deleted_customer_answers_404(self, rep, client_for):
        customer = CustomerFactory(owner=rep, deleted_at="2025-01-01T00:00:00Z")
        assert client_for(rep).get(detail(customer)).status_code == 404


class TestList:
    def test_full_page_and_htmx_fragment(self, rep, client_for, htmx_headers):
        CustomerFactory(owner=rep, name="列表客户")
        page = client_for(rep).get(LIST)
        fragment = client_for(rep).get(LIST, headers=htmx_headers)
        assert page.status_code == fragment.status_code == 200
        assert "<html" in page.content.decode() and "列表客户" in page.content.decode()
        assert "<html" not in fragment.content.decode() and "列表客户" in fragment.content.decode()
        assert "HX-Request" in fragment["Vary"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"q": "王芳"}, {"王芳"}),
            ({"q": "8001"}, {"王芳"}),
            ({"status": "churned"}, {"Lost Co"}),
            ({"level": "A"}, {"王芳"}),
            ({"city": "Shenzhen"}, {"Lost Co"}),
            ({"source": "referral"}, {"李娜"}),
            ({"tag": "VIP"}, {"李娜"}),
        ],
    )
    def test_filters(self, rep, client_for, query, expected):
        vip = TagFactory(name="VIP")
        CustomerFactory(owner=rep, name="王芳", phone="13800138000", level="A")
        CustomerFactory(owner=rep, name="李娜", source="referral", tags=[vip])
        CustomerFactory(owner=rep, name="Lost Co", status="churned", churned_on=date.today(),
                        acquired_on=date(2020, 1, 1), city="Shenzhen")
        if query.get("tag"):
            query = {"tag": vip.pk}
        response = client_for(rep).get(LIST, query)
        names = {c["name"] for c in response.context["page"].object_list}
        assert names == expected

    def test_owner_filter_only_for_those_who_see_everyone(self, rep, manager, other_rep,
                                                          client_for):
        CustomerFactory(owner=rep, name="Mine")
        CustomerFactory(owner=other_rep, name="Theirs")
        assert "owner" not in client_for(rep).get(LIST).context["filter"].form.fields
        response = client_for(manager).get(LIST, {"owner": other_rep.pk})
        assert [c["name"] for c in response.context["page"].object_list] == ["Theirs"]

    def test_sorting_and_keyset_pages(self, rep, client_for, settings):
        settings.LIST_PAGE_SIZE = 2
        for name in ["Cara", "Abe", "Bea", "Dan", "Eve"]:
            CustomerFactory(owner=rep, name=name)
        client = client_for(rep)
        first = client.get(LIST, {"sort": "name"}).context["page"]
        assert [c["name"] for c in first] == ["Abe", "Bea"]
        second = client.get(LIST, {"sort": "name", "cursor": first.next_cursor}).context["page"]
        assert [c["name"] for c in second] == ["Cara", "Dan"]
        last = client.get(LIST, {"sort": "-name", "cursor": "last"}).context["page"]
        assert [c["name"] for c in last] == ["Bea", "Abe"]

    @pytest.mark.parametrize("sort", sorted(SORT_KEYS))
    def test_every_sort_pages_through_with_its_own_key_in_the_rows(
        self, rep, client_for, settings, sort,
    ):
        """A row holds the columns it shows and the keys of the list's order (which the
        cursors are made of), not every sort's."""
        settings.LIST_PAGE_SIZE = 2
        for n, name in enumerate(["Cara", "Abe", "Bea", "Dan", "Eve"]):
            CustomerFactory(owner=rep, name=name, level="ABCD"[n % 4], status="churned",
                            acquired_on=date(2024, 1, 1 + n), churned_on=date(2024, 6, 1 + n))
        client = client_for(rep)
        seen, cursor = [], None
        while True:
            page = client.get(LIST, {"sort": sort, **({"cursor": cursor} if cursor else {})}
                              ).context["page"]
            seen += [row["name"] for row in page]
            key = SORT_KEYS[sort].lstrip("-")
            for row in page:
                assert set(row) - {COUNT_COLUMN} == {*ROW_FIELDS, key, "tag_names", "url",
                                                      "level_label", "status_label",
                                                      "status_class", "owner_name"}
            if not page.has_next:
                break
            cursor = page.next_cursor
        back = client.get(LIST, {"sort": sort, "cursor": page.previous_cursor}).context["page"]

        assert sorted(seen) == ["Abe", "Bea", "Cara", "Dan", "Eve"]
        assert [row["name"] for row in back] == seen[-3:-1]

    @pytest.mark.parametrize(
        "query",
        [{"sort": "name,-created"}, {"sort": "bogus"}, {"owner": "abc"}, {"tag": "999999"},
         {"level": "Z"}, {"cursor": "garbage"}, {"cursor": "last", "sort": "-name,name"}],
    )
    def test_odd_query_strings_never_fail(self, manager, rep, client_for, query):
        CustomerFactory.create_batch(3, owner=rep)
        response = client_for(manager).get(LIST, query)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 3

    def test_count_is_capped(self, rep, client_for, settings):
        settings.LIST_COUNT_LIMIT = 3
        CustomerFactory.create_batch(5, owner=rep)
        response = client_for(rep).get(LIST)
        assert response.context["page"].count_is_capped
        assert "More than 3 results" in response.content.decode()

    def test_empty_states(self, rep, client_for):
        assert "No customers yet." in client_for(rep).get(LIST).content.decode()
        assert "No customers match" in client_for(rep).get(LIST, {"q": "zzz"}).content.decode()

    def test_query_count_is_bounded(self, manager, rep, client_for,
                                    django_assert_max_num_queries):
        tags = [TagFactory(name=f"t{i}") for i in range(3)]
        CustomerFactory.create_batch(60, owner=rep, tags=tags)
        client = client_for(manager)
        client.get(LIST)  # warm the session and the cached choice lists and permissions
        # Session, user, and the page's rows with their tags and the capped count.
        with django_assert_max_num_queries(3):
            response = client.get(LIST, {"sort": "name"})
        assert len(response.context["page"].object_list) == 25
        # A search's first page and its count come from one scan of its matches.
        with django_assert_max_num_queries(3):
            response = client.get(LIST, {"q": "example", "sort": "name"})
        assert response.context["page"].count == 60
        assert len(response.context["page"].object_list) == 25
        CustomerFactory(owner=rep, name="Zebulon Quartz")
        with django_assert_max_num_queries(3):
            response = client.get(LIST, {"q": "Zebulon"})
        assert response.context["page"].count == 1
        # A prefix (a one- or two-letter term) reads an index range: counted inline.
        CustomerFactory.create_batch(30, owner=rep, name="Zz Prefix")
        with django_assert_max_num_queries(3):
            response = client.get(LIST, {"q": "Zz"})
        assert response.context["page"].count == 30


    @pytest.mark.parametrize("term", ["Match", "Ma"])
    @pytest.mark.parametrize("sort", ["", "name", "-name", "-updated", "level", "created",
                                      "-acquired", "-churned"])
    def test_a_search_first_page_matches_the_ordered_read(self, manager, rep, other_rep,
                                                         settings, sort, term):
        """The one-scan first page of a search (`_search_first_page`) holds the rows (keys
        and values), order, count and next cursor of reading the list in its order, for a
        contains-search and for a prefix search, whose parts (names, companies) share no
        customer."""
        from crm.pagination import COUNT_COLUMN, KeysetPaginator
        from customers.filters import CustomerFilter
        from customers.selectors.customers import _search_first_page, customer_list

        settings.LIST_PAGE_SIZE = 4
        vip = TagFactory(name="VIP")
        for n, level in enumerate("ABCDABCDAB"):
            CustomerFactory(owner=rep if n % 3 else other_rep, name=f"Match {n % 4} {n}",
                            company="Match Ltd" if n % 5 == 0 else "",
                            level=level, tags=[vip] if n % 2 else [],
                            acquired_on=date(2024, 1, 1 + n % 3),
                            status="churned" if n % 4 else "active",
                            churned_on=date(2024, 6, 1 + n % 2) if n % 4 else None)
        CustomerFactory(owner=rep, name="Other")
        # Found by its company alone, by both searches.
        CustomerFactory(owner=rep, name="Zed", company="Match Holdings", level="C",
                        status="churned", acquired_on=date(2024, 1, 2),
                        churned_on=date(2024, 6, 3))
        query = QueryDict(mutable=True)
        query.update({"q": term, **({"sort": sort} if sort else {})})
        filterset = CustomerFilter(query, queryset=customer_list(user=manager), user=manager,
                                   owners=[], tags=[])
        customers = filterset.qs
        parts = ([customers] if term == "Match"
                 else filterset.unsearched.prefix_search_parts(filterset.search_term))

        keys = KeysetPaginator(customers)
        one_scan = _search_first_page(keys, parts)
        ordered = KeysetPaginator(customers.for_list(keys.fields)).page(None)

        # The ordered read's rows also hold its inline count column.
        assert one_scan.object_list == [
            {key: value for key, value in row.items() if key != COUNT_COLUMN}
            for row in ordered.object_list
        ]
        assert len(one_scan.object_list) == 4
        assert (one_scan.count, one_scan.count_is_capped, one_scan.has_next,
                one_scan.has_previous, one_scan.next_cursor) == (
            ordered.count, ordered.count_is_capped, ordered.has_next, ordered.has_previous,
            ordered.next_cursor)
        assert one_scan.count == (8 if sort == "-churned" else 11)

    def test_a_prefix_search_finds_names_and_companies_once(self, rep, other_rep, client_for,
                                                            django_assert_max_num_queries):
        """The first page of a prefix search reads names and companies apart
        (`prefix_search_parts`): a customer matching by both is listed and counted once, and
        the rep's own customers only."""
        both = CustomerFactory(owner=rep, name="Qx both", company="Qx Ltd")
        by_name = CustomerFactory(owner=rep, name="QX name", company="Other Ltd")
        by_company = CustomerFactory(owner=rep, name="Company only", company="qx Holdings")
        CustomerFactory(owner=other_rep, name="Qx theirs", company="Qx theirs")
        CustomerFactory(owner=rep, name="Not Qx", company="Neither")
        client = client_for(rep)
        client.get(LIST)  # the user's permissions and the list's choices, cached
        with django_assert_max_num_queries(3) as queries:
            page = client.get(LIST, {"q": "qx"}).context["page"]
        # The two parts, one index range each.
        assert sum(" UNION ALL " in query["sql"] for query in queries.captured_queries) == 1

        assert [row["id"] for row in page] == [by_company.pk, by_name.pk, both.pk]  # newest first
        assert page.count == 3 and not page.has_next

    def test_a_prefix_search_keeps_the_lists_filters(self, rep, client_for):
        active = CustomerFactory(owner=rep, name="Qx active", status="active")
        CustomerFactory(owner=rep, name="Qx potential", status="potential")
        by_company = CustomerFactory(owner=rep, name="Other", company="Qx Co", status="active")
        client = client_for(rep)

        page = client.get(LIST, {"q": "Qx", "status": "active"}).context["page"]
        assert {row["id"] for row in page} == {active.pk, by_company.pk} and page.count == 2
        # A sort the prefix indexes do not hold reads the matches as one search.
        page = client.get(LIST, {"q": "Qx", "status": "active", "sort": "level"}).context["page"]
        assert {row["id"] for row in page} == {active.pk, by_company.pk} and page.count == 2

    def test_a_prefix_search_only_parts_when_its_indexes_hold_the_sort(
            self, rep, client_for, django_assert_max_num_queries):
        CustomerFactory(owner=rep, name="Qx one")
        client = client_for(rep)
        client.get(LIST)
        for sort, parts in (("", 2), ("name", 2), ("-name", 2), ("level", 1), ("-updated", 1)):
            with django_assert_max_num_queries(3) as queries:
                page = client.get(LIST, {"q": "Qx", "sort": sort}).context["page"]
            assert page.count == 1
            unions = sum(" UNION ALL " in query["sql"] for query in queries.captured_queries)
            assert unions == (1 if parts == 2 else 0), sort

    def test_a_prefix_search_with_more_matches_than_the_cap(self, rep, client_for, settings):
        settings.LIST_COUNT_LIMIT = 5
        settings.LIST_PAGE_SIZE = 3
        for n in range(4):
            CustomerFactory(owner=rep, name=f"Qx {n}")
            CustomerFactory(owner=rep, name=f"Firm {n}", company=f"Qx firm {n}")
        page = client_for(rep).get(LIST, {"q": "Qx", "sort": "name"}).context["page"]

        assert [row["name"] for row in page] == ["Firm 0", "Firm 1", "Firm 2"]
        assert page.count_is_capped and page.count == 5 and page.has_next

    def test_a_prefix_search_with_an_invalid_filter(self, rep, client_for):
        """A filter the form refuses is ignored (and shown as an error); the search and the
        other filters still apply, the first page of the search as any other."""
        match = CustomerFactory(owner=rep, name="Qx valid")
        CustomerFactory(owner=rep, name="Other")
        response = client_for(rep).get(LIST, {"q": "Qx", "acquired_from": "not a date"})

        assert [row["id"] for row in response.context["page"]] == [match.pk]
        assert response.context["filter"].errors

    def test_prefix_search_parts_are_for_prefix_terms_only(self):
        with pytest.raises(ValueError):
            Customer.objects.prefix_search_parts("Qxy")

    def test_a_search_with_more_matches_than_the_cap(self, rep, client_for, settings):
        settings.LIST_COUNT_LIMIT = 5
        settings.LIST_PAGE_SIZE = 3
        for n in range(8):
            CustomerFactory(owner=rep, name=f"Many {n}")
        page = client_for(rep).get(LIST, {"q": "Many", "sort": "name"}).context["page"]

        assert [row["name"] for row in page] == ["Many 0", "Many 1", "Many 2"]
        assert page.count_is_capped and page.count == 5 and page.has_next

    def test_a_search_shows_a_rep_only_their_customers(self, rep, other_rep, client_for):
        CustomerFactory(owner=rep, name="Shared Name mine")
        CustomerFactory(owner=other_rep, name="Shared Name theirs")
        page = client_for(rep).get(LIST, {"q": "Shared Name"}).context["page"]

        assert [row["name"] for row in page] == ["Shared Name mine"] and page.count == 1

    def test_rows_show_owner_labels_and_links(self, manager, rep, client_for):
        departed = UserFactory(first_name="Gone", last_name="Rep", is_active=False)
        mine = CustomerFactory(owner=rep, name="Owned", status="churned",
                               churned_on=date.today(), acquired_on=date(2020, 1, 1))
        CustomerFactory(owner=departed, name="Orphan", level="B")
        body = client_for(manager).get(LIST).content.decode()
        assert f'href="{detail(mine)}"' in body
        assert str(rep) in body and "Gone Rep" in body  # a departed owner is still named
        assert "text-bg-secondary" in body and "Churned" in body

    def test_filter_choices_follow_new_tags_and_owners(self, manager, client_for):
        client = client_for(manager)
        client.get(LIST)  # caches the choice lists
        TagFactory(name="新标签")
        newcomer = SalesRepFactory(username="newcomer", first_name="New", last_name="Comer")
        form = client.get(LIST).context["filter"].form
        assert "新标签" in dict(form.fields["tag"].choices).values()
        assert (str(newcomer.pk), "New Comer") in form.fields["owner"].choices
        newcomer.groups.clear()
        form = client.get(LIST).context["filter"].form
        assert (str(newcomer.pk), "New Comer") not in form.fields["owner"].choices

    def test_the_filter_form_html_is_cached_and_follows_its_inputs(self, manager, rep,
                                                                   client_for):
        from crm.widgets import QuickSelect

        client = client_for(manager)
        first = client.get(LIST, {"status": "active"}).content.decode()
        with mock.patch.object(QuickSelect, "render", autospec=True,
                               side_effect=QuickSelect.render) as rendered:
            again = client.get(LIST, {"status": "active", "cursor": "x"}).content.decode()
            assert rendered.call_count == 0  # the same form, from the cache
            other = client.get(LIST, {"status": "churned"}).content.decode()
            assert rendered.call_count > 0
        form = '<form method="get"'
        assert again[again.index(form):again.index("</form>")] == first[
            first.index(form):first.index("</form>")]
        assert '<option value="churned" selected>' in other
        assert '<option value="active" selected>' in first
        # A new tag and a new owner show at once; so does another language.
        TagFactory(name="新标签")
        SalesRepFactory(username="newcomer", first_name="New", last_name="Comer")
        body = client.get(LIST, {"status": "active"}).content.decode()
        assert "新标签" in body and "New Comer" in body
        client.cookies["django_language"] = "zh-hans"
        assert "全部状态" in client.get(LIST, {"status": "active"}).content.decode()
        # A rep (no owner filter) does not get the manager's form.
        assert 'name="owner"' not in client_for(rep).get(
            LIST, {"status": "active"}).content.decode().split("</form>")[0]

    def test_the_reassign_owner_choices_are_cached_and_follow_new_owners(self, manager,
                                                                         client_for):
        def reassign_select(body: str) -> str:
            start = body.index('id="reassign-owner"')
            return body[start:body.index("</select>", start)]

        client = client_for(manager)
        before = reassign_select(client.get(LIST).content.decode())
        assert reassign_select(client.get(LIST, {"status": "active"}).content.decode()) == before
        newcomer = SalesRepFactory(username="newcomer", first_name="New", last_name="Comer")
        after = reassign_select(client.get(LIST).content.decode())
        assert "New Comer" not in before
        assert f'<option value="{newcomer.pk}">New Comer</option>' in after
        client.cookies["django_language"] = "zh-hans"
        chinese = reassign_select(client.get(LIST).content.decode())
        assert "选择负责人…" in chinese and "Choose an owner…" not in chinese


class TestDetail:
    def test_summary_is_exact_and_names_the_first_and_last_days(self, rep, client_for):
        customer = CustomerFactory(owner=rep)
        for day, price in ((date(2024, 3, 9), "0.10"), (date(2023, 1, 2), "0.20"),
                           (date(2024, 12, 31), "1234567.89")):
            PurchaseFactory(customer=customer, quantity=1, unit_price=Decimal(price),
                            purchased_on=day)
        PurchaseFactory(quantity=1, unit_price=Decimal("99.00"))  # someone else's
        summary = client_for(rep).get(detail(customer)).context["summary"]
        assert (summary.count, summary.revenue) == (3, Decimal("1234568.19"))
        assert (summary.first_on, summary.last_on) == (date(2023, 1, 2), date(2024, 12, 31))

    def test_a_customer_without_purchases_or_tags(self, rep, client_for):
        customer = CustomerFactory(owner=rep, tags=[])
        response = client_for(rep).get(detail(customer))
        summary = response.context["summary"]
        assert (summary.count, summary.revenue, summary.first_on, summary.last_on) == (
            0, Decimal("0.00"), None, None)
        assert list(response.context["customer"].tag_names) == []

    def test_shows_profile_summary_and_panels(self, rep, client_for):
        customer = CustomerFactory(owner=rep, name="详情客户", tags=["VIP"])
        PurchaseFactory(customer=customer, quantity=2, unit_price=Decimal("10.00"))
        PurchaseFactory(customer=customer, quantity=1, unit_price=Decimal("5.50"))
        response = client_for(rep).get(detail(customer))
        body = response.content.decode()
        assert response.context["summary"].revenue == Decimal("25.50")
        assert response.context["summary"].count == 2
        assert "VIP" in body
        assert reverse("customers:purchase_panel", args=[customer.pk]) in body
        assert 'hx-trigger="load"' in body

    def test_query_count_is_bounded(self, rep, client_for, django_assert_max_num_queries):
        customer = CustomerFactory(owner=rep, tags=["a", "b", "c"])
        PurchaseFactory.create_batch(40, customer=customer)
        client = client_for(rep)
        client.get(detail(customer))
        # Session, user, and the customer with its tags and purchase totals.
        with django_assert_max_num_queries(3):
            response = client.get(detail(customer))
        assert response.context["summary"].count == 40
        assert list(response.context["customer"].tag_names) == ["a", "b", "c"]

    def test_purchase_panel_fragment_and_page(self, rep, client_for, htmx_headers,
                                              django_assert_max_num_queries):
        customer = CustomerFactory(owner=rep)
        PurchaseFactory.create_batch(25, customer=customer)
        url = reverse("customers:purchase_panel", args=[customer.pk])
        client = client_for(rep)
        client.get(url)
        # Session, user, the customer with its purchase totals, the page of purchases.
        with django_assert_max_num_queries(4):
            fragment = client.get(url, headers=htmx_headers)
        body = fragment.content.decode()
        assert "<html" not in body
        # Ten purchase rows (a partial renders no sub-template, so the test client records
        # no context: the HTML is checked instead) and a link to the next ten.
        assert body.count("<tr><td>") == 10
        assert 'rel="next"' in body and 'hx-target="#panel-purchases"' in body
        page = client.get(url)
        assert "<html" in page.content.decode()

    def test_purchase_panel_empty_state(self, rep, client_for, htmx_headers):
        customer = CustomerFactory(owner=rep)
        response = client_for(rep).get(
            reverse("customers:purchase_panel", args=[customer.pk]), headers=htmx_headers
        )
        assert "No purchases yet." in response.content.decode()


def form_data(**overrides):
    data = {
        "kind": "person", "name": "新客户", "gender": "", "birth_date": "", "phone": "13700001111",
        "email": "new@example.com", "company": "", "industry": "", "province": "", "city": "北京",
        "address": "", "source": "website", "level": "B", "status": "potential",
        "acquired_on": "2025-05-01", "churned_on": "", "notes": "", "external_id": "",
        "tags": "VIP, 新客", "version": "",
    }
    data.update(overrides)
    return data


class TestCreateAndUpdate:
    def test_rep_creates_customer(self, rep, client_for):
        response = client_for(rep).post(reverse("customers:create"), form_data())
        customer = Customer.objects.get()
        assert response.status_code == 302 and response["Location"] == detail(customer)
        assert customer.owner == rep
        assert customer.phone_normalized == "8613700001111"
        assert sorted(t.name for t in customer.tags.all()) == ["VIP", "新客"]

    def test_invalid_input_shows_errors_and_writes_nothing(self, rep, client_for):
        response = client_for(rep).post(
            reverse("customers:create"), form_data(name="", phone="abc", email="not-an-email")
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert {"name", "phone", "email"} <= set(errors)
        assert "valid phone number" in response.content.decode()
        assert not Customer.objects.exists()

    def test_duplicate_phone_warns_then_saves_when_confirmed(self, rep, other_rep, client_for):
        CustomerFactory(owner=other_rep, name="Hidden Twin", phone="+86 137 0000 1111")
        client = client_for(rep)
        response = client.post(reverse("customers:create"), form_data())
        body = response.content.decode()
        assert response.status_code == 200
        assert "Possible duplicates" in body
        assert body.count("Another customer already has this phone number") == 1
        assert "Hidden Twin" not in body  # another rep's customer is counted, not named
        assert response.context["form"].duplicates.hidden_count == 1
        assert Customer.objects.count() == 1
        response = client.post(reverse("customers:create"), form_data(confirm_duplicates="on"))
        assert response.status_code == 302
        assert Customer.objects.count() == 2

    def test_duplicate_visible_to_user_is_linked(self, rep, client_for):
        twin = CustomerFactory(owner=rep, name="Visible Twin", email="new@example.com")
        response = client_for(rep).post(reverse("customers:create"), form_data(phone=""))
        assert twin.get_absolute_url() in response.content.decode()

    def test_churned_status_without_date_gets_today(self, rep, client_for):
        client_for(rep).post(reverse("customers:create"),
                             form_data(status="churned", acquired_on="2020-01-01"))
        assert Customer.objects.get().churned_on == date.today()

    def test_update_saves_changes(self, rep, client_for):
        customer = CustomerFactory(owner=rep, name="Old")
        response = client_for(rep).post(
            reverse("customers:update", args=[customer.pk]),
            form_data(name="New", version=customer.version, phone=customer.phone,
                      email=customer.email),
        )
        assert response.status_code == 302
        customer.refresh_from_db()
        assert customer.name == "New" and customer.version == 2

    def test_stale_edit_is_refused_with_a_message(self, rep, client_for):
        customer = CustomerFactory(owner=rep, name="Old")
        stale_version = customer.version
        Customer.objects.filter(pk=customer.pk).update(name="Someone else", version=5)
        response = client_for(rep).post(
            reverse("customers:update", args=[customer.pk]),
            form_data(name="Mine", version=stale_version, phone=customer.phone,
                      email=customer.email),
        )
        assert response.status_code == 200
        assert "Someone else changed this customer" in response.content.decode()
        customer.refresh_from_db()
        assert customer.name == "Someone else"

    def test_edit_without_version_is_refused(self, rep, client_for):
        customer = CustomerFactory(owner=rep, name="Old")
        response = client_for(rep).post(
            reverse("customers:update", args=[customer.pk]),
            form_data(name="New", version="", phone=customer.phone, email=customer.email),
        )
        assert response.status_code == 200
        assert "version" in response.context["form"].errors
        customer.refresh_from_db()
        assert customer.name == "Old"

    def test_stale_edit_can_be_saved_deliberately_after_the_warning(self, rep, client_for):
        customer = CustomerFactory(owner=rep, name="Old")
        Customer.objects.filter(pk=customer.pk).update(name="Theirs", version=3)
        client = client_for(rep)
        url = reverse("customers:update", args=[customer.pk])
        data = form_data(name="Mine", version=1, phone=customer.phone, email=customer.email)
        refused = client.post(url, data)
        assert refused.context["form"].data["version"] == 3
        assert Customer.objects.get(pk=customer.pk).name == "Theirs"
        saved = client.post(url, {**data, "version": refused.context["form"].data["version"]})
        assert saved.status_code == 302
        assert Customer.objects.get(pk=customer.pk).name == "Mine"

    def test_manager_sees_owner_field_rep_does_not(self, rep, manager, client_for):
        assert "owner" not in client_for(rep).get(reverse("customers:create")).context["form"].fields
        assert "owner" in client_for(manager).get(reverse("customers:create")).context["form"].fields

    def test_rep_cannot_post_to_another_reps_customer(self, rep, other_rep, client_for):
        customer = CustomerFactory(owner=other_rep, name="Theirs")
        response = client_for(rep).post(reverse("customers:update", args=[customer.pk]),
                                        form_data(name="Hijacked"))
        assert response.status_code == 404
        customer.refresh_from_db()
        assert customer.name == "Theirs"


class TestDeleteRestoreReassign:
    def test_delete_moves_to_trash_and_manager_restores(self, rep, manager, client_for):
        customer = CustomerFactory(owner=rep)
        response = client_for(rep).post(reverse("customers:delete", args=[customer.pk]))
        assert response.status_code == 302
        assert not Customer.objects.filter(pk=customer.pk).exists()
        trash = client_for(manager).get(reverse("customers:trash"))
        assert customer.name in trash.content.decode()
        response = client_for(manager).post(reverse("customers:restore", args=[customer.pk]))
        assert response.status_code == 302
        assert Customer.objects.filter(pk=customer.pk).exists()

    def test_get_does_not_delete(self, rep, client_for):
        customer = CustomerFactory(owner=rep)
        client_for(rep).get(reverse("customers:delete", args=[customer.pk]))
        assert Customer.objects.filter(pk=customer.pk).exists()

    def test_restore_refused_to_rep(self, rep, client_for):
        customer = CustomerFactory(owner=rep, deleted_at="2025-01-01T00:00:00Z")
        response = client_for(rep).post(reverse("customers:restore", args=[customer.pk]))
        assert response.status_code == 403
        assert not Customer.objects.filter(pk=customer.pk).exists()

    def test_trash_query_count(self, manager, rep, client_for, django_assert_max_num_queries):
        CustomerFactory.create_batch(40, owner=rep, deleted_at="2025-01-01T00:00:00Z",
                                     deleted_by=rep)
        client = client_for(manager)
        client.get(reverse("customers:trash"))
        with django_assert_max_num_queries(8):
            client.get(reverse("customers:trash"))

    def test_manager_reassigns_in_bulk(self, manager, rep, other_rep, client_for):
        chosen = CustomerFactory.create_batch(2, owner=rep)
        kept = CustomerFactory(owner=rep)
        response = client_for(manager).post(
            reverse("customers:reassign"),
            {"owner": other_rep.pk, "selected": [c.pk for c in chosen], "next": LIST + "?q=x"},
        )
        assert response.status_code == 302 and response["Location"] == LIST + "?q=x"
        assert set(Customer.objects.filter(owner=other_rep)) == set(chosen)
        kept.refresh_from_db()
        assert kept.owner == rep

    def test_reassign_returns_to_the_referring_list(self, manager, rep, other_rep,
                                                    client_for):
        customer = CustomerFactory(owner=rep)
        response = client_for(manager).post(
            reverse("customers:reassign"),
            {"owner": other_rep.pk, "selected": [customer.pk], "next": LIST},
            headers={"Referer": "http://testserver/customers/?status=active"},
        )
        assert response["Location"] == "http://testserver/customers/?status=active"

    def test_reassign_ignores_offsite_next(self, manager, rep, other_rep, client_for):
        customer = CustomerFactory(owner=rep)
        response = client_for(manager).post(
            reverse("customers:reassign"),
            {"owner": other_rep.pk, "selected": [customer.pk], "next": "https://evil.example/"},
        )
        assert response["Location"] == LIST

    def test_reassign_without_selection_explains(self, manager, other_rep, client_for):
        response = client_for(manager).post(reverse("customers:reassign"),
                                            {"owner": other_rep.pk})
        assert response.status_code == 200
        assert "Select at least one customer." in response.content.decode()

    def test_reassign_refused_to_rep(self, rep, other_rep, client_for):
        customer = CustomerFactory(owner=rep)
        response = client_for(rep).post(reverse("customers:reassign"),
                                        {"owner": other_rep.pk, "selected": [customer.pk]})
        assert response.status_code == 403
        customer.refresh_from_db()
        assert customer.owner == rep


class TestPurchaseCreate:
    def test_rep_records_purchase_with_list_price(self, rep, client_for):
        customer = CustomerFactory(owner=rep)
        product = ProductFactory(list_price=Decimal("8.80"))
        response = client_for(rep).post(
            reverse("customers:purchase_create", args=[customer.pk]),
            {"product": product.pk, "purchased_on": "2025-06-01", "quantity": "3",
             "unit_price": "", "channel": "store", "external_id": ""},
        )
        assert response.status_code == 302
        purchase = Purchase.objects.get()
        assert purchase.amount == Decimal("26.40")

    def test_amount_too_large_is_reported(self, rep, client_for):
        customer = CustomerFactory(owner=rep)
        response = client_for(rep).post(
            reverse("customers:purchase_create", args=[customer.pk]),
            {"product": ProductFactory().pk, "purchased_on": "2025-06-01", "quantity": "900000",
             "unit_price": "9999999999.99", "channel": "", "external_id": ""},
        )
        assert response.status_code == 200
        assert "too large" in response.content.decode()
        assert not Purchase.objects.exists()

    def test_bad_quantity_is_reported(self, rep, client_for):
        customer = CustomerFactory(owner=rep)
        response = client_for(rep).post(
            reverse("customers:purchase_create", args=[customer.pk]),
            {"product": ProductFactory().pk, "purchased_on": "2025-06-01", "quantity": "0",
             "unit_price": "1", "channel": "", "external_id": ""},
        )
        assert response.status_code == 200
        assert "quantity" in response.context["form"].errors
        assert not Purchase.objects.exists()


def test_manager_edits_customer_of_departed_rep(manager, rep, client_for):
    customer = CustomerFactory(owner=rep, name="Old")
    rep.is_active = False
    rep.save()
    response = client_for(manager).post(
        reverse("customers:update", args=[customer.pk]),
        form_data(name="New", owner=rep.pk, version=customer.version, phone=customer.phone,
                  email=customer.email),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "New" and customer.owner == rep


def test_duplicate_warning_counts_hidden_matches_exactly(manager, rep, other_rep, client_for):
    for _ in range(7):
        CustomerFactory(owner=rep, phone="13700001111")
    response = client_for(manager).post(reverse("customers:create"), form_data())
    report = response.context["form"].duplicates
    assert len(report.visible) == 5 and report.hidden_count == 0
    CustomerFactory(owner=other_rep, phone="13700001111")
    response = client_for(rep).post(reverse("customers:create"), form_data())
    report = response.context["form"].duplicates
    assert len(report.visible) == 5 and report.hidden_count == 1
