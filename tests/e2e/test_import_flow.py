"""A manager imports a customer file in a real browser: upload, the check's report, confirm,
the progress bar while the task worker imports, and the import history."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from customers.models import Customer, ImportJob
from tests.factories import ManagerFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 3000
BASE_DIR = Path(settings.BASE_DIR)


def _database_url() -> str:
    """The test database as a DATABASE_URL, for a worker process of its own."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
    if not host or host.startswith("/"):
        return f"postgresql://{user}:{password}@/{db['NAME']}?host={quote(host, safe='/')}"
    return f"postgresql://{user}:{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker() -> subprocess.Popen:
    """`manage.py db_worker --batch`: runs the queued tasks, then exits. Small chunks make
    the import report its progress many times."""
    env = {
        **os.environ, "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "crm.settings_test", "IMPORT_CHUNK_ROWS": "250",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
         "--interval", "0.2"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _run_worker() -> None:
    worker = _start_worker()
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output


def _customers_file(tmp_path: Path) -> Path:
    lines = ["客户编号,姓名,电话,城市,等级"]
    lines += [f"E{i:05},客户{i},139{i:08},上海,B" for i in range(ROWS)]
    lines.append("E-BAD,坏行,not a phone,上海,Z")
    path = tmp_path / "客户名单.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    return path


def test_manager_uploads_checks_confirms_and_watches_an_import(
    page, log_in, browser_errors, screenshot, tmp_path
):
    manager = ManagerFactory(username="e2e_manager")
    log_in(manager)

    page.get_by_role("link", name="Imports").click()
    expect(page.locator("h1")).to_have_text("Imports")
    page.get_by_role("link", name="New import").first.click()
    page.get_by_label("Customers").check()
    page.locator("#id_file").set_input_files(str(_customers_file(tmp_path)))
    page.get_by_role("button", name="Upload and check").click()

    status = page.locator("#import-status")
    expect(status).to_have_attribute("data-status", "validating")
    expect(page.locator("#import-progress")).to_be_visible()
    screenshot("import-checking")

    _run_worker()  # the check
    # The page polls its status and shows the report without a reload.
    expect(status).to_have_attribute("data-status", "validated", timeout=15_000)
    expect(page.locator("#count-invalid")).to_have_text("1")
    expect(page.locator("#import-problems")).to_contain_text("not a phone")
    assert Customer.objects.count() == 0
    screenshot("import-report")

    # One bad row: confirming needs the skip choice.
    page.get_by_role("button", name=re.compile(r"Import the file")).click()
    expect(page.locator("#confirm-form")).to_contain_text("Tick “Skip invalid rows”")
    page.get_by_label("Skip invalid rows").check()
    page.get_by_role("button", name=re.compile(r"Import the file")).click()
    expect(status).to_have_attribute("data-status", "queued")
    expect(page.locator("#import-progress")).to_have_attribute("aria-valuenow", "0")

    seen = set()
    page.on("response", lambda r: seen.add(r.request.headers.get("hx-request")))
    worker = _start_worker()
    try:
        expect(status).to_have_attribute("data-status", "done", timeout=60_000)
    finally:
        output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    assert "true" in seen  # the status came by htmx polling, not a reload
    expect(page.locator("#count-created")).to_have_text(f"{ROWS:,}")
    screenshot("import-done")

    job = ImportJob.objects.get()
    assert (job.status, job.created, job.invalid, job.confirmed_by) == ("done", ROWS, 1, manager)
    assert Customer.objects.count() == ROWS
    assert Customer.objects.get(external_id="E00042").phone_normalized == "8613900000042"

    page.get_by_role("link", name="Imports").first.click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("客户名单.csv")
    expect(row).to_contain_text("Imported")
    browser_errors.assert_none()
