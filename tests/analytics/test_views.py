"""The dashboards: who may open them, what they show and link to, their CSV downloads, the
cache and its refresh, and their query budgets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from analytics.kpis import compute_kpis
from analytics.periods import Period
from customers.models import Customer
from tests.factories import (
    CustomerFactory, ManagerFactory, ProductFactory, PurchaseFactory, SalesRepFactory,
    SalesTargetFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
PERIOD = Period(D(2024, 1, 1), D(2024, 6, 30))
RANGE = {"period": "custom", "start": "2024-01-01", "end": "2024-06-30"}
PAGES = ["overview", "sales", "customers"]
ALL_PAGES = [*PAGES, "rfm_customers"]


def url(name: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(f"analytics:{name}") + (f"?{query}" if query else "")


def page_params(name: str) -> dict:
    return {**RANGE, "segment": "champions"} if name == "rfm_customers" else dict(RANGE)


@pytest.fixture
def shop(rep, other_rep):
    """Two reps' customers with purchases from 2023 to mid-2024, and targets for 2024."""
    product = ProductFactory()
    customers = {}

    def customer(name, owner, acquired, **extra):
        customers[name] = CustomerFactory(name=name, owner=owner, acquired_on=acquired,
                                          **extra)
        return customers[name]

    def buy(name, day, price, quantity=1):
        PurchaseFactory(customer=customers[name], product=product, purchased_on=day,
                        quantity=quantity, unit_price=Decimal(price))

    customer("Alice", rep, D(2023, 5, 1))
    customer("Bob", rep, D(2024, 2, 10))
    customer("Carol", other_rep, D(2023, 8, 1))
    customer("Dan", other_rep, D(2023, 9, 1), status=Customer.Status.CHURNED,
             churned_on=D(2024, 3, 5))
    customer("Eve", rep, D(2024, 4, 2), status=Customer.Status.POTENTIAL)
    buy("Alice", D(2023, 6, 1), "50.00")
    buy("Alice", D(2024, 1, 15), "100.00")
    buy("Alice", D(2024, 3, 15), "100.00", quantity=2)
    buy("Bob", D(2024, 2, 20), "30.00")
    buy("Carol", D(2023, 12, 1), "70.00")
    buy("Carol", D(2024, 5, 5), "400.00")
    buy("Dan", D(2024, 1, 5), "10.00")
    SalesTargetFactory(rep=rep, month=D(2024, 1, 1), amount=Decimal("200.00"))
    SalesTargetFactory(rep=rep, month=D(2024, 3, 1), amount=Decimal("100.00"))
    SalesTargetFactory(rep=other_rep, month=D(2024, 5, 1), amount=Decimal("500.00"))
    return customers


# Access -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_PAGES)
def test_anonymous_user_is_sent_to_log_in(client, name):
    response = client.get(url(name, **page_params(name)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ALL_PAGES)
def test_support_staff_get_no_dashboards(client_for, support, name):
    assert client_for(support).get(url(name, **page_params(name))).status_code == 403


@pytest.mark.parametrize("role", ["manager", "rep", "superuser"])
@pytest.mark.parametrize("name", ALL_PAGES)
def test_managers_and_reps_open_every_page(request, client_for, shop, role, name):
    user = request.getfixturevalue(role)
    response = client_for(user).get(url(name, **page_params(name)))
    assert response.status_code == 200
    assert f"analytics/{name}.html" in {template.name for template in response.templates}


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_with_the_default_period_and_no_data(client_for, manager, name):
    response = client_for(manager).get(url(name))
    assert response.status_code == 200
    content = response.content.decode()
    assert "This year" in content
    assert "No purchases in this period" in content or name == "customers"


def test_dashboards_are_in_the_navigation_of_managers_and_reps_only(client_for, manager, rep,
                                                                   support):
    overview = reverse("analytics:overview")
    for user in (manager, rep):
        page = client_for(user).get(reverse("customers:list")).content.decode()
        assert f'href="{overview}"' in page
    assert f'href="{overview}"' not in client_for(support).get(
        reverse("customers:list")).content.decode()


def test_refresh_needs_a_post_and_the_permission(client, client_for, manager, support):
    refresh = reverse("analytics:refresh")
    assert client_for(manager).get(refresh).status_code == 405
    assert client.post(refresh, {"dashboard": "overview"}).status_code == 302
    assert client.post(refresh, {"dashboard": "overview"})["Location"].startswith(reverse("login"))
    assert client_for(support).post(refresh, {"dashboard": "overview"}).status_code == 403


def test_pages_work_without_htmx(client_for, manager, shop, htmx_headers):
    client = client_for(manager)
    plain = client.get(url("overview", **RANGE)).content.decode()
    assert '<form method="get"' in plain and "hx-get" not in plain
    # An htmx request (a boosted link, say) gets the same whole page.
    fragment = client.get(url("overview", **RANGE), **htmx_headers).content.decode()
    assert "<!doctype html>" in fragment


# What the pages show and link to ----------------------------------------------------------

def page_html(response) -> str:
    """The page without its CSRF tokens, which differ on every request."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def as_of(response) -> str:
    return re.search(r'id="figures-as-of">(.*?)</span>', response.content.decode(),
                     re.S).group(1).strip()


def card_values(response) -> dict:
    return {card.key: card.value.value for card in response.context["cards"]}


def hrefs(response) -> set[str]:
    content = response.content.decode().replace("&amp;", "&")
    return {part.split('"', 1)[0] for part in content.split('href="')[1:]}


def test_overview_shows_the_period_kpis_against_the_previous_period(client_for, manager, shop):
    response = client_for(manager).get(url("overview", **RANGE))
    kpis = compute_kpis(period=PERIOD)
    previous = compute_kpis(period=PERIOD.previous())
    assert card_values(response) == {
        "total": kpis["customers"]["total"], "new": kpis["customers"]["new"],
        "churn_rate": kpis["customers"]["churn_rate"], "revenue": kpis["sales"]["revenue"],
        "purchases": kpis["sales"]["purchases"], "buyers": kpis["sales"]["buyers"],
        "average_order_value": kpis["sales"]["average_order_value"],
        "repeat_purchase_rate": kpis["sales"]["repeat_purchase_rate"],
    }
    assert kpis["sales"]["revenue"] == 740.0
    cards = {card.key: card for card in response.context["cards"]}
    assert cards["revenue"].previous.value == previous["sales"]["revenue"] == 70.0
    assert cards["revenue"].change == "+957.14%" and cards["revenue"].tone == "success"
    # Rates change in percentage points; a rising churn rate is bad news.
    assert cards["churn_rate"].change == "+33.33 pp" and cards["churn_rate"].tone == "danger"


def test_overview_numbers_link_to_the_records_behind_them(client_for, manager, shop):
    links = hrefs(client_for(manager).get(url("overview", **RANGE)))
    customers, purchases = reverse("customers:list"), reverse("customers:purchase_list")
    assert f"{customers}?acquired_to=2024-06-30" in links
    assert f"{customers}?acquired_from=2024-01-01&acquired_to=2024-06-30" in links
    assert f"{customers}?churned_from=2024-01-01&churned_to=2024-06-30&active_on=2024-01-01" \
        in links
    assert f"{customers}?active_on=2024-01-01" in links
    assert f"{customers}?bought_from=2024-01-01&bought_to=2024-06-30" in links
    assert f"{purchases}?purchased_from=2024-01-01&purchased_to=2024-06-30" in links
    # Each month of the revenue chart, and the previous period's figures.
    assert f"{purchases}?purchased_from=2024-03-01&purchased_to=2024-03-31" in links
    assert f"{purchases}?purchased_from=2023-07-03&purchased_to=2023-12-31" in links
    # Computed RFM segments go to the drill-down page of the same scope.
    assert (f"{reverse('analytics:rfm_customers')}?period=custom&start=2024-01-01"
            "&end=2024-06-30&segment=champions") in links


def test_manager_filters_by_owner_and_the_links_keep_the_filter(client_for, manager, rep, shop):
    response = client_for(manager).get(url("overview", **RANGE, owner=rep.pk))
    kpis = compute_kpis(period=PERIOD, owner=rep)
    assert card_values(response)["revenue"] == kpis["sales"]["revenue"] == 330.0
    assert card_values(response)["total"] == kpis["customers"]["total"]
    links = hrefs(response)
    assert (f"{reverse('customers:list')}?acquired_from=2024-01-01&acquired_to=2024-06-30"
            f"&owner={rep.pk}") in links
    assert (f"{reverse('customers:purchase_list')}?purchased_from=2024-01-01"
            f"&purchased_to=2024-06-30&owner={rep.pk}") in links
    assert f"{reverse('analytics:sales')}?period=custom&start=2024-01-01&end=2024-06-30" \
           f"&owner={rep.pk}" in links
    assert f"customers of {rep}" in response.content.decode()


def test_rep_sees_only_their_own_customers_whatever_the_url_asks(client_for, rep, other_rep,
                                                                 manager, shop):
    everyone = card_values(client_for(manager).get(url("overview", **RANGE)))
    response = client_for(rep).get(url("overview", **RANGE, owner=other_rep.pk))
    assert response.status_code == 200
    own = card_values(response)
    assert own["revenue"] == compute_kpis(period=PERIOD, owner=rep)["sales"]["revenue"] == 330.0
    assert own != everyone
    assert "owner" not in response.context["form"].fields
    assert f"customers of {rep}" in response.content.decode()
    # A rep's links need no owner: their lists hold only their own customers.
    assert not any("owner=" in link for link in hrefs(response))


def test_sales_page_compares_targets_with_actuals_per_rep(client_for, manager, rep, other_rep,
                                                          shop):
    response = client_for(manager).get(url("sales", **RANGE))
    reps = {row["name"]: row for row in response.context["targets"]["reps"]}
    assert set(reps) == {str(rep), str(other_rep)}
    january, march = reps[str(rep)]["months"][0], reps[str(rep)]["months"][2]
    assert (january["target"].value, january["actual"].value, january["attainment"].value) \
        == (200.0, 100.0, 50.0)
    assert (march["target"].value, march["actual"].value, march["attainment"].value) \
        == (100.0, 200.0, 200.0)
    assert reps[str(rep)]["months"][1]["target"].value is None  # no target in February
    assert reps[str(rep)]["total"]["actual"].value == 330.0
    may = reps[str(other_rep)]["months"][4]
    assert (may["target"].value, may["actual"].value, may["attainment"].value) \
        == (500.0, 400.0, 80.0)
    assert may["actual"].url == (f"{reverse('customers:purchase_list')}?purchased_from="
                                 f"2024-05-01&purchased_to=2024-05-31&owner={other_rep.pk}")


def test_rep_sees_only_their_own_target_row(client_for, rep, other_rep, shop):
    response = client_for(rep).get(url("sales", **RANGE, owner=other_rep.pk))
    assert [row["name"] for row in response.context["targets"]["reps"]] == [str(rep)]
    assert str(other_rep) not in response.content.decode()


def test_sales_page_lists_top_customers_with_links(client_for, manager, shop):
    response = client_for(manager).get(url("sales", **RANGE))
    top = response.context["top_customers"]
    assert [row[0].value for row in top.rows] == ["Carol", "Alice", "Bob", "Dan"]
    carol = top.rows[0]
    assert carol[0].url == reverse("customers:detail", args=[shop["Carol"].pk])
    assert carol[2].value == 400.0
    assert carol[2].url == (f"{reverse('customers:purchase_list')}?purchased_from=2024-01-01"
                            f"&purchased_to=2024-06-30&customer={shop['Carol'].pk}")
    assert carol[-1].value == 54.05  # 400 of 740
    assert response.context["cards"][3].value.value == 148.0  # average order value


def test_customers_page_months_follow_the_kpi_definitions(client_for, manager, shop):
    response = client_for(manager).get(url("customers", **RANGE))
    churn = response.context["churn"].table.rows
    growth = response.context["growth"].table.rows
    for index, (first, last) in enumerate(
            [(D(2024, month, 1), D(2024, month + 1, 1) - dt.timedelta(days=1))
             for month in range(1, 6)] + [(D(2024, 6, 1), D(2024, 6, 30))]):
        kpis = compute_kpis(period=Period(first, last))["customers"]
        assert growth[index][1].value == kpis["new"]
        assert growth[index][2].value == kpis["total"]
        assert churn[index][1].value == kpis["active_at_start"]
        assert churn[index][2].value == kpis["churned"]
        assert churn[index][3].value == kpis["churn_rate"]
    march = churn[2]
    assert march[2].value == 1  # Dan
    assert march[2].url == (f"{reverse('customers:list')}?churned_from=2024-03-01"
                            "&churned_to=2024-03-31&active_on=2024-03-01")


def test_customers_page_shows_rfm_segments_grid_and_value(client_for, manager, shop):
    response = client_for(manager).get(url("customers", **RANGE))
    content = response.content.decode()
    segments = {row[0].value: row[2].value for row in response.context["segments"].table.rows}
    assert sum(segments.values()) == 4
    assert "Bought recently and most often" in content  # the segment descriptions
    grid = response.context["grid"]
    assert sum(item["cell"].value for row in grid["rows"] for item in row["cells"]) == 4
    assert grid["rows"][0]["cells"][4]["cell"].url.endswith("&r=5&f=5")
    assert "BG/NBD" in content and "Gamma-Gamma" in content
    assert "Expected 12-month value" in content
    value = response.context["value"]
    assert sum(row[1].value for row in value["histogram"].table.rows) == 4
    stored = {row[0].value: row[1].url for row in response.context["stored_segments"].rows}
    assert stored["Champions"] == f"{reverse('customers:list')}?segment=champions"


def test_drill_down_lists_the_customers_of_a_segment(client_for, manager, rep, shop):
    client = client_for(manager)
    response = client.get(url("customers", **RANGE))
    segment_links = {row[0].value: row[2].url for row in response.context["segments"].table.rows
                     if row[2].value}
    names = set()
    for link in segment_links.values():
        page = client.get(link)
        assert page.status_code == 200
        names |= {row["customer"].name for row in page.context["rows"]}
    assert names == {"Alice", "Bob", "Carol", "Dan"}
    # A rep's drill-down holds their own customers only.
    rep_names = set()
    for key in ("champions", "loyal", "potential_loyalists", "new", "promising",
                "need_attention", "about_to_sleep", "at_risk", "cannot_lose", "hibernating",
                "lost"):
        page = client_for(rep).get(url("rfm_customers", **RANGE, segment=key))
        rep_names |= {row["customer"].name for row in page.context["rows"]}
    assert rep_names == {"Alice", "Bob"}


def test_drill_down_by_grid_cell_decile_and_value_band(client_for, manager, shop):
    client = client_for(manager)
    cell = client.get(url("rfm_customers", **RANGE, r=5, f=5))
    assert cell.status_code == 200 and "R×F cell R5 F5" in cell.content.decode()
    top = client.get(url("rfm_customers", **RANGE, measure="historic", decile=1))
    # Historic value as of 2024-06-30: Carol 470, Alice 350, Bob 30, Dan 10.
    assert [row["customer"].name for row in top.context["rows"]] == ["Carol"]
    band = client.get(url("rfm_customers", **RANGE, measure="historic", low=20, high=500))
    assert [row["customer"].name for row in band.context["rows"]] == ["Carol", "Alice", "Bob"]
    open_band = client.get(url("rfm_customers", **RANGE, measure="historic", low=400))
    assert [row["customer"].name for row in open_band.context["rows"]] == ["Carol"]


@pytest.mark.parametrize("params", [{}, {"segment": "nonsense"}, {"r": 5},
                                    {"r": 9, "f": 1}, {"segment": "lost", "r": 1, "f": 1},
                                    {"measure": "historic", "low": 10, "high": 5}])
def test_drill_down_explains_a_bad_selection(client_for, manager, params):
    response = client_for(manager).get(url("rfm_customers", **RANGE, **params))
    assert response.status_code == 200
    assert response.context["selection_form"].errors
    assert 'class="alert alert-danger"' in response.content.decode()


def test_drill_down_pages_through_a_large_group(client_for, manager, rep, settings):
    settings.LIST_PAGE_SIZE = 5
    product = ProductFactory()
    for number in range(12):
        customer = CustomerFactory(owner=rep, acquired_on=D(2023, 1, 1))
        PurchaseFactory(customer=customer, product=product, purchased_on=D(2024, 6, 30),
                        unit_price=Decimal(10 + number))
    client = client_for(manager)
    first = client.get(url("rfm_customers", **RANGE, measure="historic", low=0))
    assert first.context["count"] == 12 and len(first.context["rows"]) == 5
    third = client.get(url("rfm_customers", **RANGE, measure="historic", low=0, page=3))
    assert len(third.context["rows"]) == 2
    assert "page=2" in third.content.decode()


# CSV downloads -----------------------------------------------------------------------------

def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_each_chart_table_downloads_as_csv(client_for, manager, shop):
    response = client_for(manager).get(url("overview", **RANGE, format="csv",
                                           table="revenue_by_month"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="overview-revenue_by_month-2024-01-01-2024-06-30.csv"')
    assert read_csv(response) == [
        ["Month", "Revenue"], ["2024-01", "110.00"], ["2024-02", "30.00"],
        ["2024-03", "200.00"], ["2024-04", "0.00"], ["2024-05", "400.00"], ["2024-06", "0.00"],
    ]


@pytest.mark.parametrize(("name", "tables"), [
    ("overview", ["headline", "revenue_by_month", "segments"]),
    ("sales", ["headline", "revenue_by_month", "targets", "targets_by_month",
               "top_customers"]),
    ("customers", ["headline", "growth", "churn", "segments", "rfm_grid", "value_histogram",
                   "value_deciles", "stored_segments"]),
])
def test_every_table_of_a_page_downloads(client_for, manager, shop, name, tables):
    client = client_for(manager)
    page = client.get(url(name, **RANGE)).content.decode()
    for table in tables:
        assert f"table={table}" in page
        rows = read_csv(client.get(url(name, **RANGE, format="csv", table=table)))
        assert len(rows) >= 2, table


def test_csv_neutralises_text_a_spreadsheet_would_run(client_for, manager, rep):
    customer = CustomerFactory(owner=rep, name="=HYPERLINK(\"http://x\")",
                               acquired_on=D(2023, 1, 1))
    PurchaseFactory(customer=customer, purchased_on=D(2024, 2, 2))
    rows = read_csv(client_for(manager).get(url("sales", **RANGE, format="csv",
                                                table="top_customers")))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][2] == "99.00"


def test_unknown_csv_table_is_not_found(client_for, manager):
    assert client_for(manager).get(url("overview", format="csv", table="nope")).status_code \
        == 404


def test_rep_csv_holds_only_their_figures(client_for, rep, other_rep, shop):
    rows = read_csv(client_for(rep).get(url("sales", **RANGE, owner=other_rep.pk,
                                            format="csv", table="top_customers")))
    assert [row[0] for row in rows[1:]] == ["Alice", "Bob"]


# The period filter --------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "field", "message"), [
    ({"period": "custom", "start": "2024-05-01", "end": "2024-04-01"}, "end",
     "The last day must not be before the first day."),
    ({"period": "custom", "start": "2015-01-01", "end": "2024-01-01"}, "end",
     "A range may span at most 5 years."),
    ({"period": "custom", "start": "2024-05-01"}, "end", "Enter the last day of the range."),
    ({"period": "custom", "start": "2024-13-01", "end": "2024-12-01"}, "start",
     "Enter a valid date."),
    ({"period": "forever"}, "period", "Select a valid choice."),
])
@pytest.mark.parametrize("name", PAGES)
def test_bad_ranges_are_explained_next_to_the_field(client_for, manager, name, params, field,
                                                    message):
    response = client_for(manager).get(url(name, **params))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content.replace("&#x27;", "'")
    assert f'id="id_{field}-error"' in content
    assert "figures-as-of" not in content  # no figures for a range that is not one


def test_a_preset_gives_a_shareable_url(client_for, manager, shop):
    response = client_for(manager).get(url("overview", period="last_year"))
    assert response.status_code == 200
    assert "Last year" in response.content.decode()
    assert response.context["scope"].query() == {"period": "last_year"}


# The cache ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PAGES)
def test_a_second_visit_reads_the_cached_figures(client_for, manager, shop, name,
                                                 django_assert_max_num_queries):
    client = client_for(manager)
    first = client.get(url(name, **RANGE))
    with django_assert_max_num_queries(2):  # the session and the user, nothing else
        second = client.get(url(name, **RANGE))
    assert page_html(second) == page_html(first)
    assert "Figures as of" in as_of(second)
    assert second.content.count(b'name="csrfmiddlewaretoken"') >= 1  # this request's own


def test_a_second_visit_does_not_build_the_filter_form_again(client_for, manager, rep, shop):
    from analytics.forms import DashboardFilterForm

    client = client_for(manager)
    first = client.get(url("sales", **RANGE))
    with mock.patch.object(DashboardFilterForm, "__init__", autospec=True,
                           side_effect=DashboardFilterForm.__init__) as built:
        second = client.get(url("sales", **RANGE))
        assert built.call_count == 0
        assert page_html(second) == page_html(first)
        # Another query, another user (a rep sees their own customers), another language:
        # each resolves its own scope.
        client.get(url("sales", **RANGE, owner=rep.pk))
        assert built.call_count == 1
        client_for(rep).get(url("sales", **RANGE))
        assert built.call_count == 2
    client.cookies["django_language"] = "zh-hans"
    assert '<html lang="zh-hans">' in client.get(url("sales", **RANGE)).content.decode()


def csrf_tokens(html: str) -> set[str]:
    return (set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
            | set(re.findall(r'"X-CSRFToken": "([^"]+)"', html)))


def test_a_cached_page_is_served_whole_with_this_responses_token(client_for, manager, shop):
    from analytics.views import PAGE_TOKEN

    client = client_for(manager)
    client.get(url("overview", **RANGE))
    second = client.get(url("overview", **RANGE))
    third = client.get(url("overview", **RANGE))
    assert third.templates == []  # nothing rendered: the page came from the cache
    html = third.content.decode()
    assert PAGE_TOKEN not in html
    assert len(csrf_tokens(html)) == 1 and len(csrf_tokens(second.content.decode())) == 1
    assert page_html(third) == page_html(second)


def test_cached_pages_are_per_user_and_leave_messages_to_the_page(client_for, manager, shop):
    from tests.customers.test_views import form_data

    other = ManagerFactory(username="boss2", first_name="Other", last_name="Boss")
    first = client_for(manager)
    first.get(url("overview", **RANGE))
    first.get(url("overview", **RANGE))
    menu = re.compile(r'bi-person-circle"></i>\s*([^<]+?)\s*</button>')
    page = client_for(other).get(url("overview", **RANGE)).content.decode()
    assert menu.search(page).group(1) == "Other Boss"
    # A message waiting for the next page is shown on the cached dashboard, then gone.
    first.post(reverse("customers:create"), form_data(name="Message Test Co"))
    with_message = first.get(url("overview", **RANGE)).content.decode()
    assert "Message Test Co" in with_message and 'class="alert' in with_message
    assert 'class="alert' not in first.get(url("overview", **RANGE)).content.decode()


def test_a_cached_page_carries_this_sessions_csrf_token(client_for, manager, shop):
    client = client_for(manager)
    client.get(url("overview", **RANGE))
    cached = client.get(url("overview", **RANGE))
    token = re.search(r'id="refresh-form">.*?name="csrfmiddlewaretoken" value="([^"]+)"',
                      cached.content.decode(), re.S).group(1)
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = client.cookies
    response = checked.post(reverse("analytics:refresh"),
                            {"dashboard": "overview", "csrfmiddlewaretoken": token, **RANGE})
    assert response.status_code == 302


def test_cached_figures_serve_every_language(client_for, manager, shop,
                                             django_assert_max_num_queries):
    client = client_for(manager)
    client.get(url("overview", **RANGE))
    client.cookies["django_language"] = "zh-hans"
    with django_assert_max_num_queries(2):
        response = client.get(url("overview", **RANGE))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_refresh_recomputes_the_figures_of_that_page_and_scope(client_for, manager, rep, shop):
    client = client_for(manager)
    first = client.get(url("overview", **RANGE))
    before = card_values(first)
    others = page_html(client.get(url("overview", **RANGE, owner=rep.pk)))
    PurchaseFactory(customer=shop["Carol"], purchased_on=D(2024, 6, 1),
                    unit_price=Decimal("60.00"))
    assert page_html(client.get(url("overview", **RANGE))) == page_html(first)  # still cached

    response = client.post(reverse("analytics:refresh"), {"dashboard": "overview", **RANGE})

    assert response.status_code == 302
    assert response["Location"] == url("overview", **RANGE)
    after = card_values(client.get(response["Location"]))
    assert after["revenue"] == before["revenue"] + 60
    # Other scopes keep their cached figures until they expire.
    assert page_html(client.get(url("overview", **RANGE, owner=rep.pk))) == others


def test_refresh_of_a_drill_down_keeps_the_selection(client_for, manager, shop):
    client = client_for(manager)
    client.get(url("rfm_customers", **RANGE, segment="champions"))
    response = client.post(reverse("analytics:refresh"),
                           {"dashboard": "rfm_customers", **RANGE, "segment": "champions"})
    assert response["Location"] == url("rfm_customers", **RANGE, segment="champions")


def test_figures_expire_after_the_configured_time(client_for, manager, shop, settings):
    settings.ANALYTICS_CACHE_SECONDS = 120
    response = client_for(manager).get(url("overview", **RANGE))
    assert "refreshed every 2 minutes" in response.content.decode()


# Query budgets -----------------------------------------------------------------------------

@pytest.fixture
def big_shop(rep, other_rep, manager):
    product = ProductFactory()
    reps = [rep, other_rep, SalesRepFactory()]
    customers = [CustomerFactory(owner=reps[number % 3], acquired_on=D(2023, 1 + number % 12, 1))
                 for number in range(60)]
    for number, customer in enumerate(customers):
        for month in (1, 3, 5):
            PurchaseFactory(customer=customer, product=product,
                            purchased_on=D(2024, month, 1 + number % 28),
                            unit_price=Decimal(10 + number))
    for each in reps:
        SalesTargetFactory(rep=each, month=D(2024, 1, 1))
    return customers


@pytest.mark.parametrize(("name", "cold_budget"), [
    ("overview", 14), ("sales", 14), ("customers", 16), ("rfm_customers", 10)])
def test_query_budget_does_not_grow_with_the_rows(client_for, manager, big_shop, name,
                                                  cold_budget, django_assert_max_num_queries):
    client = client_for(manager)
    params = {**page_params(name), "segment": "lost"} if name == "rfm_customers" \
        else page_params(name)
    with django_assert_max_num_queries(cold_budget):
        assert client.get(url(name, **params)).status_code == 200
    with django_assert_max_num_queries(3 if name == "rfm_customers" else 2):
        assert client.get(url(name, **params)).status_code == 200


@pytest.mark.parametrize("name", ALL_PAGES)
def test_pages_render_in_chinese(client_for, manager, shop, name):
    client = client_for(manager)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(url(name, **page_params(name)))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_refresh_needs_the_csrf_token(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(reverse("analytics:refresh"), {"dashboard": "overview", **RANGE})
    assert response.status_code == 403
