"""Customer and purchase imports (SPEC §5): validation, both modes, dry runs, idempotent
re-imports, encodings, XLSX, duplicates and crash safety."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import psycopg
import pytest
from django.db import connection
from django.core.management import CommandError, call_command

from customers.imports import import_file
from customers.imports import writes as import_writes
from customers.models import Customer, Product, Purchase, Tag
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = ("external_id,name,kind,gender,birth_date,phone,email,company,industry,province,city,"
          "address,source,level,status,acquired_on,churned_on,owner,tags")


@pytest.fixture
def write(tmp_path):
    def make(text: str, name: str = "customers.csv", encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return make


def customers_csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


GOOD = customers_csv(
    "C001,张伟,个人,男,1985/3/12,138 0013 8000,ZW@Example.com,,,,上海,,website,A,成交,"
    "2023-01-05,,rep,VIP;老客户",
    "C002,Acme Ltd,company,,,+1 415 555 0100,ops@acme.com,Acme,Manufacturing,,,,referral,b,"
    "active,20220301,,,wholesale",
    "C003,李娜,,女,,,,,,,北京,,,C,流失,2021年1月1日,2022-05-06,,",
)


def test_a_valid_file_creates_every_customer_with_normalized_values(write, rep):
    report = import_file(write(GOOD), "customers")

    assert (report.total, report.created, report.invalid, report.written) == (3, 3, 0, True)
    zhang = Customer.objects.get(external_id="C001")
    assert (zhang.kind, zhang.gender, zhang.level, zhang.status) == ("person", "male", "A", "active")
    assert zhang.birth_date == dt.date(1985, 3, 12)
    assert zhang.phone_normalized == "8613800138000"
    assert zhang.email_normalized == "zw@example.com"
    assert zhang.owner == rep
    assert sorted(zhang.tags.values_list("name", flat=True)) == ["VIP", "老客户"]
    acme = Customer.objects.get(external_id="C002")
    assert (acme.kind, acme.level, acme.acquired_on) == ("company", "B", dt.date(2022, 3, 1))
    assert acme.phone_normalized == "14155550100"
    li = Customer.objects.get(external_id="C003")
    assert (li.status, li.churned_on, li.acquired_on) == ("churned", dt.date(2022, 5, 6),
                                                           dt.date(2021, 1, 1))


def test_reimporting_the_same_file_creates_and_changes_nothing(write, rep):
    path = write(GOOD)
    import_file(path, "customers")
    before = {c.pk: (c.version, c.updated_at) for c in Customer.objects.all()}

    report = import_file(path, "customers")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert {c.pk: (c.version, c.updated_at) for c in Customer.objects.all()} == before
    assert Tag.objects.count() == 3


def test_a_changed_row_updates_its_customer_and_tags(write, rep):
    import_file(write(GOOD), "customers")
    changed = GOOD.replace("C002,Acme Ltd", "C002,Acme Group").replace(",wholesale", ",VIP")

    report = import_file(write(changed, "changed.csv"), "customers")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    acme = Customer.objects.get(external_id="C002")
    assert acme.name == "Acme Group" and acme.version == 2
    assert list(acme.tags.values_list("name", flat=True)) == ["VIP"]


def test_a_tag_change_alone_counts_as_an_update(write, rep):
    import_file(write(GOOD), "customers")

    report = import_file(write(GOOD.replace("VIP;老客户", "VIP"), "t.csv"), "customers")

    assert report.updated == 1
    zhang = Customer.objects.get(external_id="C001")
    assert zhang.version == 2 and list(zhang.tags.values_list("name", flat=True)) == ["VIP"]


BAD = customers_csv(
    "B001,,person,,,,,,,,,,,A,active,2023-01-01,,,",
    "B002,Good Row,,,,,,,,,,,,,,,,,",
    "B003,Bad Level,,,,,,,,,,,,Z,,,,,",
    "B004,Bad Date,,,31/12/2020,12ab,not-an-email,,,,,,,,,,,nobody,",
    "B005,Churn Without Date,,,,,,,,,,,,,churned,,,,",
    "B001,Same Id Again,,,,,,,,,,,,,,,,,",
)


def test_any_bad_row_means_nothing_is_written_and_every_bad_cell_is_reported(write):
    report = import_file(write(BAD), "customers")

    assert not report.written and Customer.all_objects.count() == 0
    found = {(p.line, p.column) for p in report.problems}
    assert found == {
        (2, "name"), (4, "level"), (5, "birth_date"), (5, "phone"), (5, "email"),
        (5, "owner"), (6, "churned_on"), (7, "external_id"),
    }
    assert report.invalid == 5
    messages = {(p.line, p.column): p.message for p in report.problems}
    assert "YYYY-MM-DD" in messages[(5, "birth_date")]
    assert "line 2" in messages[(7, "external_id")]


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(write):
    report = import_file(write(BAD), "customers", skip_invalid=True)

    assert report.written and report.created == 1 and report.invalid == 5
    assert list(Customer.objects.values_list("name", flat=True)) == ["Good Row"]


def test_a_dry_run_validates_and_writes_nothing(write, rep):
    report = import_file(write(GOOD), "customers", dry_run=True)

    assert report.total == 3 and report.invalid == 0 and not report.written
    assert Customer.all_objects.count() == 0 and Tag.objects.count() == 0


def test_gbk_files_and_chinese_headers_are_understood(write):
    text = "客户编号,姓名,电话,邮箱,等级,状态\nG001,陈静,13912345678,chen@example.cn,A,潜在\n"

    report = import_file(write(text, encoding="gbk"), "customers")

    assert report.created == 1
    chen = Customer.objects.get(external_id="G001")
    assert (chen.name, chen.phone_normalized, chen.level, chen.status) == (
        "陈静", "8613912345678", "A", "potential")


def test_a_utf8_file_with_a_byte_order_mark_is_read(write):
    report = import_file(write("\ufeffname,city\n周杰,台北\n"), "customers")

    assert report.created == 1 and Customer.objects.get().city == "台北"


def test_xlsx_with_dates_and_numeric_phones(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["external_id", "name", "phone", "acquired_on", "level"])
    sheet.append(["X1", "赵敏", 13800138001, dt.datetime(2024, 2, 29), "d"])
    sheet.append([None, None, None, None, None])
    sheet.append(["X2", "Zhou", "", "2024-03-01", ""])
    path = tmp_path / "customers.xlsx"
    book.save(path)

    report = import_file(path, "customers")

    assert (report.created, report.invalid) == (2, 0)
    zhao = Customer.objects.get(external_id="X1")
    assert (zhao.phone_normalized, zhao.acquired_on, zhao.level) == (
        "8613800138001", dt.date(2024, 2, 29), "D")
    assert Customer.objects.get(external_id="X2").level == "C"


def test_a_file_that_is_not_a_workbook_or_unpacks_too_far_is_refused(tmp_path, settings):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name\nnot a workbook\n")
    assert "not an Excel workbook" in import_file(fake, "customers").file_error

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", "0" * 2_000_000)
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 1_000_000
    assert "unpacks to more than" in import_file(bomb, "customers").file_error
    assert Customer.all_objects.count() == 0


def test_files_over_the_size_limit_and_unknown_formats_are_refused(write, settings):
    settings.IMPORT_MAX_BYTES = 10
    assert "limit" in import_file(write(GOOD), "customers").file_error
    settings.IMPORT_MAX_BYTES = 10_000
    assert ".xls" in import_file(write(GOOD, "old.xls"), "customers").file_error


def test_a_file_without_a_name_column_is_refused(write):
    report = import_file(write("phone\n13800138000\n"), "customers")

    assert "“name”" in report.file_error and not report.written


def test_rows_without_external_id_matching_a_known_phone_or_email_are_skipped(write):
    known = CustomerFactory(phone="13800138000", email="known@example.com")
    text = ("name,phone,email\nSame Phone,+86 138 0013 8000,\nSame Mail,,KNOWN@example.com\n"
            "New,13700137000,\nNew Twin,137-0013-7000,\n")

    report = import_file(write(text), "customers")

    assert report.created == 1 and report.skipped_duplicates == 3
    assert {n.line for n in report.notices} == {2, 3, 5}
    assert f"#{known.pk}" in report.notices[0].message
    assert Customer.objects.filter(name="New").exists()
    assert not Customer.objects.filter(name__startswith="Same").exists()


def test_an_external_id_of_a_deleted_customer_is_an_error(write):
    CustomerFactory(external_id="D1", deleted_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))

    report = import_file(write("external_id,name\nD1,Back Again\n"), "customers")

    assert report.invalid == 1 and "trash" in report.problems[0].message


def test_a_failure_in_the_middle_of_writing_leaves_no_rows(write, rep, monkeypatch):
    def explode(cursor, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(import_writes, "write_tags", explode)

    with pytest.raises(RuntimeError):
        import_file(write(GOOD), "customers")

    assert Customer.all_objects.count() == 0 and Tag.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_connection_killed_mid_write_leaves_no_rows(write, rep, monkeypatch):
    """Not a simulated error: the server ends the import's session after the customers are
    inserted, before the transaction commits."""
    write_tags = import_writes.write_tags

    def kill_own_session(cursor, **kwargs):
        assert Customer.all_objects.count() == 3  # written, not yet committed
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return write_tags(cursor, **kwargs)

    monkeypatch.setattr(import_writes, "write_tags", kill_own_session)

    report = import_file(write(GOOD), "customers")

    assert not report.written and "nothing was written" in report.file_error
    connection.close()
    assert Customer.all_objects.count() == 0 and Tag.objects.count() == 0


def test_the_command_prints_every_bad_row_and_exits_non_zero(write):
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_customers", write(BAD), stderr=err, stdout=io.StringIO())

    lines = err.getvalue().splitlines()
    assert len(lines) == 8
    assert lines[0].startswith("line 2, name")


def test_the_command_reports_counts(write, rep):
    out = io.StringIO()
    call_command("import_customers", write(GOOD), stdout=out, stderr=io.StringIO())

    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 invalid" in out.getvalue()


PURCHASES = (
    "external_id,customer_external_id,purchased_on,product_sku,product_name,quantity,"
    "unit_price,amount\n"
    "P1,C1,2024-05-01,SKU-1,Tea,2,12.50,25.00\n"
    "P2,C1,2024-05-02,SKU-NEW,Green Tea,3,,30\n"
    "P3,C2,2024/05/03,SKU-1,,1,¥1,234.00,\n"
)


@pytest.fixture
def buyers():
    Product.objects.create(sku="SKU-1", name="Tea", list_price=Decimal("12.50"))
    return (CustomerFactory(external_id="C1", status="potential"),
            CustomerFactory(external_id="C2", status="active"))


def test_purchases_are_created_with_new_products_and_buyers_become_active(write, buyers):
    report = import_file(write(PURCHASES.replace("¥1,234.00", '"¥1,234.00"')), "purchases")

    assert (report.created, report.invalid) == (3, 0)
    p2 = Purchase.objects.get(external_id="P2")
    assert (p2.product.name, p2.quantity, p2.unit_price) == ("Green Tea", 3, Decimal("10.00"))
    p3 = Purchase.objects.get(external_id="P3")
    assert (p3.unit_price, p3.purchased_on) == (Decimal("1234.00"), dt.date(2024, 5, 3))
    assert Product.objects.get(sku="SKU-NEW").list_price == Decimal("10.00")
    first = Customer.objects.get(external_id="C1")
    assert first.status == "active" and first.version == 2


def test_reimporting_purchases_changes_nothing_and_a_changed_line_updates(write, buyers):
    text = PURCHASES.replace("¥1,234.00", '"¥1,234.00"')
    import_file(write(text), "purchases")

    again = import_file(write(text, "again.csv"), "purchases")
    changed = import_file(write(text.replace("2,12.50,25.00", "4,12.50,50.00"), "c.csv"),
                          "purchases")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (changed.created, changed.updated) == (0, 1)
    assert Purchase.objects.get(external_id="P1").amount == Decimal("50.00")
    assert Purchase.objects.count() == 3


def test_purchases_without_external_id_are_not_recorded_twice(write, buyers):
    text = (
        "customer_external_id,purchased_on,product_sku,quantity,unit_price\n"
        "C1,2024-05-01,SKU-1,1,12.50\n"
        "C1,2024-05-01,SKU-1,1,12.50\n"
        "C2,2024-05-01,SKU-1,1,12.50\n"
    )
    first = import_file(write(text), "purchases")
    again = import_file(write(text, "again.csv"), "purchases")

    assert (first.created, again.created, again.unchanged) == (3, 0, 3)
    assert Purchase.objects.count() == 3


def test_purchase_rows_are_checked_against_customers_products_and_amounts(write, buyers):
    text = (
        "external_id,customer_external_id,purchased_on,product_sku,product_name,quantity,"
        "unit_price,amount\n"
        "Q1,NOPE,2024-05-01,SKU-1,,1,1,\n"
        "Q2,C1,2024-05-01,SKU-X,,1,1,\n"
        "Q3,C1,2024-05-01,SKU-1,,2,10,25\n"
        "Q4,C1,,SKU-1,,1,,\n"
        ",C1,2024-05-01,SKU-1,,0,1.234,\n"
        "Q1,C1,2099-01-01,SKU-1,,1,1,\n"
    )

    report = import_file(write(text), "purchases")

    found = {(p.line, p.column) for p in report.problems}
    assert found == {
        (2, "customer_external_id"), (3, "product_sku"), (4, "amount"), (5, "purchased_on"),
        (5, "unit_price"), (6, "quantity"), (6, "unit_price"),
        (7, "external_id"), (7, "purchased_on"),
    }
    assert Purchase.objects.count() == 0


@pytest.mark.parametrize("raw", [
    "13800138000", "+86 138 0013 8000", "008613800138000", "021-6234 5678", "+1 415 555 0100",
    "(0755) 8888 1234", "12ab", "123", "+44 20 7946 0958", "8613800138000",
])
def test_the_import_phone_rules_agree_with_the_form_rules(raw):
    import pandas as pd

    from customers.imports.validate import Problems, normalize_phones
    from customers.normalization import is_plausible_phone, normalize_phone

    problems = Problems()
    normalized = normalize_phones(pd.DataFrame({"line": [2], "phone": [raw]}), problems)

    assert (problems.frame().empty, normalized[0]) == (
        is_plausible_phone(raw), normalize_phone(raw) if is_plausible_phone(raw) else "")
