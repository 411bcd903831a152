"""Exports: formula neutralisation, the commands, the list's export, and the round trip
through the importer."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from customers.exports import neutralize
from customers.imports import import_file
from customers.models import Customer, Purchase
from tests.factories import CustomerFactory, TagFactory

pytestmark = pytest.mark.django_db

FIELDS = ("external_id", "name", "kind", "gender", "birth_date", "phone_normalized",
          "email_normalized", "company", "city", "source", "level", "status", "acquired_on",
          "churned_on", "owner_id")


@pytest.mark.parametrize("value", ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_neutralised(value):
    assert neutralize(value) == "'" + value


def test_ordinary_cells_are_left_alone():
    assert [neutralize(v) for v in ["张伟", "a=b", "", None, 12]] == ["张伟", "a=b", "", "", "12"]


@pytest.fixture
def book(rep):
    vip = TagFactory(name="VIP")
    customers = [
        CustomerFactory(external_id="R1", name='=HYPERLINK("http://x")', owner=rep,
                        phone="+1 415 555 0100", email="a@example.com", level="A"),
        CustomerFactory(external_id="R2", name="李娜", status="churned",
                        acquired_on="2020-01-01", churned_on="2022-02-02", owner=rep),
        CustomerFactory(external_id="R3", name="-minus", company="@corp", owner=None),
    ]
    customers[0].tags.add(vip)
    return customers


def snapshot():
    return sorted(
        (*row, tuple(sorted(Customer.objects.get(external_id=row[0]).tags.values_list(
            "name", flat=True))))
        for row in Customer.objects.values_list(*FIELDS)
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_export_reimports_to_the_same_data(book, tmp_path, suffix):
    path = tmp_path / f"customers.{suffix}"
    call_command("export_customers", str(path), stdout=io.StringIO())
    before = snapshot()

    again = import_file(path, "customers")
    assert (again.created, again.updated, again.unchanged, again.invalid) == (0, 0, 3, 0)

    Customer.all_objects.all().delete()
    fresh = import_file(path, "customers")
    assert fresh.created == 3 and snapshot() == before


def test_the_csv_export_neutralises_formulas_and_starts_with_a_bom(book, tmp_path):
    path = tmp_path / "customers.csv"
    call_command("export_customers", str(path), stdout=io.StringIO())

    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeffexternal_id,name,")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
    assert rows["R1"][1] == "'=HYPERLINK(\"http://x\")"
    assert rows["R1"][5] == "'+1 415 555 0100" and rows["R1"][18] == "VIP"
    assert rows["R3"][1] == "'-minus" and rows["R3"][7] == "'@corp"


def test_deleted_customers_are_not_exported(book, tmp_path):
    CustomerFactory(external_id="GONE", deleted_at="2024-01-01T00:00:00Z")
    path = tmp_path / "c.csv"
    call_command("export_customers", str(path), stdout=io.StringIO())

    assert "GONE" not in path.read_text(encoding="utf-8")


def test_the_list_export_has_exactly_the_filtered_visible_rows(client_for, rep, other_rep):
    CustomerFactory(owner=rep, name="Mine Active", status="active")
    CustomerFactory(owner=rep, name="Mine Potential", status="potential")
    CustomerFactory(owner=other_rep, name="Theirs Active", status="active")

    response = client_for(rep).get(reverse("customers:export"), {"status": "active",
                                                                 "export": "customers.csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    names = [row[1] for row in csv.reader(io.StringIO(body.lstrip("\ufeff")))][1:]
    assert names == ["Mine Active"]


def test_the_list_exports_purchases_and_xlsx(client_for, manager):
    from tests.factories import PurchaseFactory

    PurchaseFactory(customer=CustomerFactory(name="Buyer"), external_id="PX1")
    client = client_for(manager)

    response = client.get(reverse("customers:export"), {"export": "purchases.xlsx"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("external_id", "customer_external_id") and rows[1][0] == "PX1"
    assert Purchase.objects.count() == 1


def test_an_xlsx_export_over_the_limit_is_refused_with_a_message(client_for, manager, settings):
    settings.EXPORT_XLSX_MAX_ROWS = 1
    CustomerFactory.create_batch(2)

    response = client_for(manager).get(reverse("customers:export"), {"export": "customers.xlsx"},
                                       follow=True)

    assert b"export them as CSV" in response.content


def test_export_needs_a_login(client):
    response = client.get(reverse("customers:export"))

    assert response.status_code == 302 and "login" in response["Location"]


def test_a_rep_cannot_export_purchases_without_the_permission(client_for, support):
    from django.contrib.auth.models import Permission

    support.user_permissions.add(Permission.objects.get(codename="view_customer"))
    support.groups.clear()
    support.user_permissions.remove(*Permission.objects.filter(codename="view_purchase"))
    client = client_for(support)

    assert client.get(reverse("customers:export"), {"export": "purchases.csv"}).status_code == 403


def test_the_list_offers_the_export_as_buttons_of_the_filter_form(client_for, rep):
    response = client_for(rep).get(reverse("customers:list"))

    assert b'form="customer-filters" formaction="/customers/export/"' in response.content
    assert b'value="purchases.csv"' in response.content
