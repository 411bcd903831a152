"""`manage.py kpis` and `manage.py customer_metrics` (SPEC §5)."""

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from analytics.kpis import compute_kpis
from analytics.periods import Period
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

pytestmark = pytest.mark.django_db

D = dt.date
ROOT = Path(__file__).resolve().parent.parent.parent
COLUMNS = ["external_id", "customer_id", "recency_days", "frequency", "monetary", "r_score",
           "f_score", "m_score", "segment"]


@pytest.fixture
def buyers(rep, other_rep):
    product = ProductFactory()
    mine = CustomerFactory(owner=rep, external_id="=HYPERLINK(\"x\")", acquired_on=D(2024, 1, 1))
    theirs = CustomerFactory(owner=other_rep, external_id="T-2", acquired_on=D(2024, 1, 1))
    idle = CustomerFactory(owner=rep, external_id="T-3", acquired_on=D(2024, 1, 1))
    for customer, day, quantity, price in [
        (mine, D(2024, 2, 1), 2, "10.25"), (mine, D(2024, 2, 20), 1, "0.05"),
        (theirs, D(2024, 2, 29), 1, "1999.99"), (idle, D(2023, 5, 1), 1, "5.00"),
    ]:
        PurchaseFactory(customer=customer, product=product, purchased_on=day,
                        quantity=quantity, unit_price=Decimal(price))
    return mine, theirs, idle


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_kpis_prints_the_report_as_one_json_object(buyers):
    output = run("kpis", "--start", "2024-02-01", "--end", "2024-02-29", "--format", "json")
    report = json.loads(output)
    assert report == compute_kpis(period=Period(D(2024, 2, 1), D(2024, 2, 29)))
    assert set(report) >= {"customers", "sales", "rfm"}
    assert report["sales"]["revenue"] == 2020.54
    assert report["customers"]["churn_rate"] == 0.0
    assert '"average_order_value": 673.51' in output  # 2020.54 / 3, a plain JSON number
    assert output.count("\n") <= 1


def test_kpis_null_rates_are_json_null(buyers):
    # Before anyone was acquired: no customers at the start, no sales.
    output = run("kpis", "--start", "2020-01-01", "--end", "2020-01-31", "--format", "json")
    assert '"average_order_value": null' in output
    assert json.loads(output)["customers"]["churn_rate"] is None


def test_kpis_for_one_owner(buyers, other_rep):
    report = json.loads(run("kpis", "--start", "2024-02-01", "--end", "2024-02-29",
                            "--owner", "other_rep", "--format", "json"))
    assert report["sales"]["revenue"] == 1999.99
    assert report["customers"]["total"] == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--start", "2024-02-30", "--end", "2024-03-01"], "--start must be a date"),
    (["--start", "2024/02/01", "--end", "2024-03-01"], "--start must be a date"),
    (["--start", "2024-02-01", "--end", "tomorrow"], "--end must be a date"),
    (["--start", "2024-03-02", "--end", "2024-03-01"], "is after the end date"),
    (["--start", "2024-03-01", "--end", "2024-03-02", "--owner", "nobody"],
     "No user has the username “nobody”"),
])
@pytest.mark.parametrize("command", ["kpis", "customer_metrics"])
def test_bad_options_are_clear_errors(command, args, message, tmp_path):
    extra = ["--output", str(tmp_path / "out.csv")] if command == "customer_metrics" else []
    with pytest.raises(CommandError, match=message):
        call_command(command, *args, *extra, stdout=io.StringIO())
    assert not list(tmp_path.iterdir())


def test_kpis_exits_non_zero_from_the_command_line():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings_test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "kpis", "--start", "2024-05-02", "--end", "2024-05-01",
         "--format", "json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode != 0
    assert "is after the end date" in result.stderr
    assert result.stdout == ""


def test_customer_metrics_writes_one_row_per_buyer(buyers, tmp_path):
    mine, theirs, _idle = buyers
    path = tmp_path / "metrics.csv"
    output = run("customer_metrics", "--start", "2024-02-01", "--end", "2024-02-29",
                 "--output", str(path))
    assert "2" in output
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == COLUMNS
    assert rows[1:] == [
        # Recency 9 days; spend 20.50 + 0.05; the formula is neutralised.
        ["'=HYPERLINK(\"x\")", str(mine.pk), "9", "2", "20.55", "3", "5", "3", "loyal"],
        ["T-2", str(theirs.pk), "0", "1", "1999.99", "5", "3", "5", "potential_loyalists"],
    ]


def test_customer_metrics_for_one_owner_and_an_empty_period(buyers, tmp_path):
    path = tmp_path / "mine.csv"
    run("customer_metrics", "--start", "2024-02-01", "--end", "2024-02-29", "--owner", "rep",
        "--output", str(path))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == COLUMNS
    assert frame["customer_id"].tolist() == [str(buyers[0].pk)]
    empty = tmp_path / "empty.csv"
    run("customer_metrics", "--start", "2020-01-01", "--end", "2020-01-31",
        "--output", str(empty))
    assert empty.read_text(encoding="utf-8").splitlines() == [",".join(COLUMNS)]


def test_customer_metrics_leaves_no_half_written_file(buyers, tmp_path, monkeypatch):
    path = tmp_path / "metrics.csv"
    path.write_text("the previous file\n", encoding="utf-8")

    def crash(self, handle, **kwargs):
        handle.write("external_id,cust")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(OSError, match="disk full"):
        run("customer_metrics", "--start", "2024-02-01", "--end", "2024-02-29",
            "--output", str(path))
    assert path.read_text(encoding="utf-8") == "the previous file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.csv"]


def test_customer_metrics_needs_an_existing_folder(buyers, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("customer_metrics", "--start", "2024-02-01", "--end", "2024-02-29",
            "--output", str(tmp_path / "missing" / "metrics.csv"))
