"""Import pages: upload → check (a background dry run) → report → confirm → background import
with progress → history. The tasks' bodies are run here directly; the browser test runs the
real worker."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from customers import tasks
from customers.models import Customer, ImportJob
from customers.services import imports as import_services
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = "external_id,name,phone,email,city,level,status,owner"
GOOD_ROWS = [
    "P001,张伟,13800138001,zw@example.com,上海,A,active,manager",
    "P002,Acme Ltd,13800138002,ops@acme.com,北京,B,potential,",
    "P003,李娜,13800138003,,杭州,C,,",
]
BAD_ROW = "P004,王芳,call me,not-an-email,广州,Z,,nobody"


def csv_upload(*rows: str, name: str = "customers.csv", encoding: str = "utf-8"):
    return SimpleUploadedFile(name, ("\n".join([HEADER, *rows]) + "\n").encode(encoding),
                              content_type="text/csv")


@pytest.fixture
def upload(manager, client_for, django_capture_on_commit_callbacks):
    """Upload rows as the manager through the page; the job, with its check queued."""

    def make(*rows: str, skip_invalid: bool = False, **kwargs) -> ImportJob:
        client = client_for(manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("customers:import_create"), {
                "kind": "customers", "file": csv_upload(*rows, **kwargs),
                "skip_invalid": "on" if skip_invalid else "",
            })
        job = ImportJob.objects.latest("pk")
        assert response.status_code == 302
        assert response["Location"] == job.get_absolute_url()
        return job

    return make


def checked(job: ImportJob) -> ImportJob:
    import_services.import_job_check(job_id=job.pk)
    job.refresh_from_db()
    return job


def confirm(client, job, *, skip_invalid=False, capture=None):
    return client.post(reverse("customers:import_confirm", args=[job.pk]),
                       {"skip_invalid": "on" if skip_invalid else ""})


# --- access -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["customers:import_list", "customers:import_create"])
def test_import_pages_are_for_managers_only(url_name, rep, support, manager, client_for, client):
    url = reverse(url_name)
    assert client_for(rep).get(url).status_code == 403
    assert client_for(support).get(url).status_code == 403
    assert client_for(manager).get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_job_page_is_hidden_from_other_roles(upload, rep, support, client_for):
    job = upload(*GOOD_ROWS)
    for user in (rep, support):
        client = client_for(user)
        assert client.get(job.get_absolute_url()).status_code == 403
        assert client.post(reverse("customers:import_confirm", args=[job.pk])).status_code == 403
        assert client.post(reverse("customers:import_cancel", args=[job.pk])).status_code == 403


def test_imports_appear_in_the_managers_navigation(rep, manager, client_for):
    assert reverse("customers:import_list") in client_for(manager).get(reverse("customers:list")).content.decode()
    assert reverse("customers:import_list") not in client_for(rep).get(reverse("customers:list")).content.decode()


# --- upload and check -------------------------------------------------------------------------

def test_upload_queues_a_check_and_writes_no_customer(upload):
    job = upload(*GOOD_ROWS)

    assert job.status == ImportJob.Status.VALIDATING
    assert job.file_name == "customers.csv" and job.file_size > 0
    task = DBTaskResult.objects.get()
    assert task.task_path == "customers.tasks.check_import"
    assert task.args_kwargs["args"] == [job.pk]
    assert Customer.objects.count() == 0


def test_the_check_reports_counts_and_writes_nothing(upload, manager, client_for):
    job = checked(upload(*GOOD_ROWS))

    assert job.status == ImportJob.Status.VALIDATED
    assert (job.rows_total, job.invalid, job.problem_count) == (3, 0, 0)
    assert job.rows_done == 3
    assert Customer.objects.count() == 0
    page = client_for(manager).get(job.get_absolute_url()).content.decode()
    assert 'id="confirm-form"' in page
    assert "hx-trigger" not in page  # nothing running, so no polling


def test_the_report_lists_bad_rows_and_offers_every_problem_as_a_file(upload, manager, client_for):
    job = checked(upload(*GOOD_ROWS, BAD_ROW))

    assert job.status == ImportJob.Status.VALIDATED
    assert (job.rows_total, job.invalid) == (4, 1)
    assert job.problem_count >= 4  # phone, e-mail, level and owner of line 5
    assert {p["line"] for p in job.problems} == {5}
    client = client_for(manager)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "not-an-email" in page and 'id="import-problems"' in page
    response = client.get(reverse("customers:import_problems", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["line", "column", "value", "problem"]
    assert len(rows) - 1 == job.problem_count
    assert {row[1] for row in rows[1:]} >= {"phone", "email", "level", "owner"}


def test_a_file_with_no_valid_row_is_rejected(upload, manager, client_for):
    job = checked(upload(BAD_ROW))

    assert job.status == ImportJob.Status.REJECTED
    assert not job.can_confirm
    response = confirm(client_for(manager), job, skip_invalid=True)
    assert response.status_code == 400
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.REJECTED


def test_a_file_that_cannot_be_read_fails_with_its_reason(manager, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(reverse("customers:import_create"), {
            "kind": "customers",
            "file": SimpleUploadedFile("people.csv", b"nom,telephone\nx,y\n"),
        })
    job = checked(ImportJob.objects.get())

    assert job.status == ImportJob.Status.FAILED
    assert "name" in job.error
    assert job.finished_at is not None


@pytest.mark.parametrize("name, content, message", [
    ("customers.txt", b"name\nx\n", "Upload a .csv or .xlsx file"),
    ("customers.csv", b"", "The submitted file is empty"),
])
def test_the_upload_form_refuses_unsupported_files(name, content, message, manager, client_for):
    response = client_for(manager).post(reverse("customers:import_create"), {
        "kind": "customers", "file": SimpleUploadedFile(name, content),
    })
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_MAX_BYTES=10)
def test_the_upload_form_refuses_a_file_over_the_size_limit(manager, client_for):
    response = client_for(manager).post(reverse("customers:import_create"), {
        "kind": "customers", "file": csv_upload(*GOOD_ROWS),
    })
    assert "the largest accepted is 10" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_gbk_file_is_checked_in_the_uploaders_language(manager, client_for, django_capture_on_commit_callbacks):
    client = client_for(manager)
    client.cookies["django_language"] = "zh-hans"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customers:import_create"), {
            "kind": "customers", "file": csv_upload(GOOD_ROWS[0], BAD_ROW, encoding="gbk"),
        }, headers={"accept-language": "zh-hans"})
    job = checked(ImportJob.objects.get())

    assert job.language == "zh-hans"
    assert job.rows_total == 2 and job.invalid == 1
    messages = " ".join(p["message"] for p in job.problems)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages), messages


# --- confirm and import ----------------------------------------------------------------------

def test_confirming_queues_the_import_and_the_worker_writes_every_row(upload, manager, client_for, django_capture_on_commit_callbacks):
    job = checked(upload(*GOOD_ROWS))
    client = client_for(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.confirmed_by == manager
    assert DBTaskResult.objects.filter(task_path="customers.tasks.run_import").count() == 1
    assert Customer.objects.count() == 0

    tasks.run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created, job.updated, job.unchanged, job.percent) == (3, 0, 0, 100)
    assert job.finished_at is not None and job.phase == ImportJob.Phase.FINISHED
    assert Customer.objects.get(external_id="P001").owner == manager
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="count-created">3<' in page


def test_bad_rows_need_the_skip_choice_before_the_valid_ones_are_imported(upload, manager, client_for, django_capture_on_commit_callbacks):
    job = checked(upload(*GOOD_ROWS, BAD_ROW))
    client = client_for(manager)

    response = confirm(client, job)
    assert response.status_code == 400
    assert "Skip invalid rows" in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.VALIDATED

    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, job, skip_invalid=True).status_code == 302
    tasks.run_import.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, job.invalid) == (ImportJob.Status.DONE, 3, 1)
    assert not Customer.objects.filter(external_id="P004").exists()


def test_a_job_cannot_be_confirmed_twice(upload, manager, client_for, django_capture_on_commit_callbacks):
    job = checked(upload(*GOOD_ROWS))
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    response = confirm(client, job)
    assert response.status_code == 400
    assert DBTaskResult.objects.filter(task_path="customers.tasks.run_import").count() == 1


def test_rows_that_turned_bad_since_the_check_stop_the_import(upload, manager, client_for, django_capture_on_commit_callbacks):
    job = checked(upload(*GOOD_ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client_for(manager), job)
    manager.is_active = False  # the file's owner is no longer assignable
    manager.save()

    import_services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REJECTED
    assert job.invalid == 1
    assert Customer.objects.count() == 0


@override_settings(IMPORT_CHUNK_ROWS=2)
def test_progress_is_recorded_chunk_by_chunk_and_phase_by_phase(upload, manager, client_for, monkeypatch, django_capture_on_commit_callbacks):
    rows = [f"Q{i:03},客户{i},1380013{i:04},,上海,C,," for i in range(7)]
    job = checked(upload(*rows))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client_for(manager), job)
    seen = []
    record = import_services.import_job_progress

    def spy(*, job_id, rows, phase):
        record(job_id=job_id, rows=rows, phase=phase)
        stored = ImportJob.objects.get(pk=job_id)
        seen.append((stored.rows_done, stored.phase, stored.percent))

    monkeypatch.setattr(import_services, "import_job_progress", spy)
    import_services.import_job_run(job_id=job.pk)

    assert [s[:2] for s in seen] == [
        (2, "reading"), (4, "reading"), (6, "reading"), (7, "reading"), (7, "checking"),
        (7, "writing"), (7, "finished"),
    ]
    percents = [s[2] for s in seen]
    assert percents == sorted(percents) and percents[0] < 50 and percents[-1] == 100


def test_a_crash_in_the_worker_marks_the_job_failed_and_writes_nothing(upload, manager, client_for, monkeypatch, django_capture_on_commit_callbacks):
    job = checked(upload(*GOOD_ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client_for(manager), job)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_services, "import_file", explode)
    with pytest.raises(RuntimeError):
        tasks.run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "disk on fire" in job.error
    assert Customer.objects.count() == 0


# --- cancel ----------------------------------------------------------------------------------

def test_cancelling_deletes_the_file_and_the_queued_task_then_does_nothing(upload, manager, client_for, django_capture_on_commit_callbacks):
    job = checked(upload(*GOOD_ROWS))
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    stored = job.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("customers:import_cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED

    import os
    assert not os.path.exists(stored)
    assert import_services.import_job_run(job_id=job.pk) is None
    assert Customer.objects.count() == 0


def test_a_finished_import_cannot_be_cancelled(upload, manager, client_for, django_capture_on_commit_callbacks):
    job = checked(upload(*GOOD_ROWS))
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    tasks.run_import.call(job.pk)
    response = client.post(reverse("customers:import_cancel", args=[job.pk]), follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE


# --- progress page and history -----------------------------------------------------------------

def test_a_running_job_page_polls_its_status_fragment(upload, manager, client_for, htmx_headers):
    job = upload(*GOOD_ROWS)
    client = client_for(manager)
    import_services.import_job_progress(job_id=job.pk, rows=2, phase="reading")

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and "2 rows read" in page
    fragment = client.get(job.get_absolute_url(), headers=htmx_headers)
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="import-status"')
    assert "<html" not in body and "every 1s" in body
    assert "HX-Request" in fragment["Vary"]

    checked(job)
    body = client.get(job.get_absolute_url(), headers=htmx_headers).content.decode()
    assert "every 1s" not in body  # finished: polling stops


def test_history_lists_imports_with_bounded_queries(manager, client_for, django_assert_max_num_queries, htmx_headers):
    jobs = [
        ImportJob(kind="customers", file=f"imports/f{i}.csv", file_name=f"file-{i}.csv",
                  created_by=manager, status=ImportJob.Status.DONE, rows_total=i, created=i)
        for i in range(40)
    ]
    ImportJob.objects.bulk_create(jobs)
    client = client_for(manager)
    client.get(reverse("customers:import_list"))  # warm the session and permission cache
    with django_assert_max_num_queries(8):
        page = client.get(reverse("customers:import_list")).content.decode()
    assert page.count("file-") == 25
    with django_assert_max_num_queries(8):
        fragment = client.get(reverse("customers:import_list"), headers=htmx_headers)
    assert "<html" not in fragment.content.decode()


def test_history_is_empty_with_a_way_to_start(manager, client_for):
    page = client_for(manager).get(reverse("customers:import_list")).content.decode()
    assert "No imports yet." in page and reverse("customers:import_create") in page


def test_a_job_page_uses_a_bounded_number_of_queries(upload, manager, client_for, django_assert_max_num_queries):
    job = checked(upload(*GOOD_ROWS, BAD_ROW))
    client = client_for(manager)
    client.get(job.get_absolute_url())
    with django_assert_max_num_queries(8):
        assert client.get(job.get_absolute_url()).status_code == 200


def test_duplicates_of_known_customers_are_shown_in_the_report(upload):
    CustomerFactory(phone="13800138003", name="李娜")
    job = checked(upload("," + GOOD_ROWS[2].split(",", 1)[1]))

    assert job.status == ImportJob.Status.REJECTED  # the only row is a possible duplicate
    assert job.skipped_duplicates == 1
    assert job.notices[0]["column"] == "phone"


def test_the_admin_shows_import_history_read_only_to_managers(upload, manager, support, client_for):
    job = checked(upload(*GOOD_ROWS))
    url = reverse("admin:customers_importjob_changelist")
    client = client_for(manager)
    page = client.get(url)
    assert page.status_code == 200 and "customers.csv" in page.content.decode()
    detail = client.get(reverse("admin:customers_importjob_change", args=[job.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:customers_importjob_add")).status_code == 403
    assert client_for(support).get(url).status_code == 403


@pytest.mark.parametrize("url_name, args, label", [
    ("customers:import_create", [], "Imports"),
    ("customers:merge_list", [], "Duplicates"),
    ("customers:trash", [], "Trash"),
    ("customers:create", [], "Customers"),
])
def test_the_navigation_marks_the_section_a_page_belongs_to(url_name, args, label, manager, client_for):
    from crm.navigation import nav_items_for

    items = nav_items_for(manager, url_name)
    assert [item["label"] for item in items if item["active"]] == [label]
