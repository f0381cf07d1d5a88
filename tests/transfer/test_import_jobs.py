"""Large imports as background jobs (issue 16): an upload over INLINE_IMPORT_MAX_BYTES is kept
unread and read by a job, the preview page saying "reading your file" with progress and a
refresh link until the same preview as for a small file is ready; its commit is a job too (all
or nothing, once), after which the preview page goes on to the plan. Access is checked again
when each job runs."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from actions.models import Action
from core.models import AuditEvent, Job
from core.roles import Role
from plans.models import Plan
from tests import factories
from tests.factories.transfer import csv_bytes, simple_rows
from tests.transfer.test_import_views import upload
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(settings):
    settings.INLINE_IMPORT_MAX_BYTES = 100  # every file in these tests is "large"
    organisation = factories.organisation(name="Stockton-on-Tees Borough Council")
    factories.person(name="Jane Smith", organisation=organisation)
    return organisation


def run(callbacks):
    for callback in callbacks:
        callback()


def test_a_large_file_is_read_by_a_job_while_the_page_says_so_then_previewed_and_committed(
    admin_client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as reading:
        response = upload(admin_client, csv_bytes(simple_rows(3)), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    preview = reverse("imports:preview", kwargs={"pk": plan_import.pk})
    assert response.status_code == 302 and response["Location"] == preview
    assert plan_import.status == PlanImport.Status.READING and plan_import.result == {}
    job = Job.objects.get(kind=Job.Kind.IMPORT_PREVIEW)
    assert job.parameters["upload"] == plan_import.pk
    html = admin_client.get(preview).content.decode()
    assert "Reading your file" in html and "0% done" in html
    assert f'href="{preview}"' in html and "Refresh to see progress" in html
    assert "Import the plan" not in html
    # the button cannot be used before the file has been read
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    assert not Plan.objects.exists() and not Job.objects.filter(kind=Job.Kind.IMPORT_COMMIT)

    run(reading)
    job.refresh_from_db()
    assert (
        job.status == Job.Status.SUCCEEDED
        and job.outcome == "plan.csv read: 5 rows, ready to import."
    )
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImport.Status.PREVIEWED
    assert plan_import.table and plan_import.options["sha256"]
    html = admin_client.get(preview).content.decode()
    assert "Check the import of plan.csv" in html and "Import the plan" in html
    assert "Action number 3" in html

    with django_capture_on_commit_callbacks(execute=False) as saving:
        response = admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    commit = Job.objects.get(kind=Job.Kind.IMPORT_COMMIT)
    assert response["Location"] == f"{preview}?job={commit.pk}"
    assert not Plan.objects.exists()  # nothing written in the request
    html = admin_client.get(response["Location"]).content.decode()
    assert "Importing plan.csv" in html and "all or nothing" in html
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))  # second click
    assert Job.objects.filter(kind=Job.Kind.IMPORT_COMMIT).count() == 1

    run(saving)
    plan = Plan.objects.get()
    assert Action.objects.filter(plan=plan).count() == 3
    response = admin_client.get(f"{preview}?job={commit.pk}", follow=True)
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "Imported plan.csv" in response.content.decode()
    commit.refresh_from_db()
    assert commit.status == Job.Status.SUCCEEDED and "3 actions created" in commit.outcome
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT, detail__upload=plan_import.pk)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.JOB_FINISHED, detail__job=commit.pk)


def test_a_large_file_that_cannot_be_read_says_why_and_keeps_nothing_importable(
    admin_client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, b"\x00\x01 not a spreadsheet" * 20, "plan.xlsx", organisation=org)
    plan_import = PlanImport.objects.get()
    assert plan_import.status == PlanImport.Status.FAILED and plan_import.result["file_error"]
    job = Job.objects.get(kind=Job.Kind.IMPORT_PREVIEW)
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert job.outcome.startswith("Failed: the file could not be read")
    html = admin_client.get(reverse("imports:preview", kwargs={"pk": plan_import.pk})).content
    html = html.decode()
    assert "could not be read" in html and "govuk-error-summary" in html
    assert "upload it again" in html and "Import the plan" not in html
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    assert not Plan.objects.exists() and not Job.objects.filter(kind=Job.Kind.IMPORT_COMMIT)


def test_a_large_import_that_fails_while_writing_is_blocked_in_its_job_and_writes_nothing(
    admin_client, org, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import IntegrityError

    from transfer.imports import plan_changes

    def failing(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, csv_bytes(simple_rows(3)), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    assert plan_import.status == PlanImport.Status.PREVIEWED
    monkeypatch.setattr(plan_changes, "bulk_create_with_history", failing)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    commit = Job.objects.get(kind=Job.Kind.IMPORT_COMMIT)
    assert commit.status == Job.Status.FAILED and commit.attempts == 1
    assert "nothing was imported: 1 problem(s)" in commit.outcome
    page = admin_client.get(response["Location"], follow=True).content.decode()
    assert "Nothing was imported" in page
    assert "The import could not be written, so nothing was imported" in page
    assert not Plan.objects.exists() and not Action.objects.exists()
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImport.Status.FAILED
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).exists()


def test_an_administrator_who_lost_the_role_before_the_job_ran_gets_a_refused_job(
    client, org, django_capture_on_commit_callbacks
):
    admin = factories.user(role=Role.ADMINISTRATOR, organisation=org, is_staff=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as reading:
        upload(client, csv_bytes(simple_rows(3)), "plan.csv", organisation=org)
    Membership.objects.filter(user=admin).delete()
    admin.groups.clear()
    run(reading)
    job = Job.objects.get(kind=Job.Kind.IMPORT_PREVIEW)
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert job.outcome == "Refused: you may no longer see this import."
    assert PlanImport.objects.get().status == PlanImport.Status.READING


def test_a_small_file_is_still_read_and_committed_in_the_request(admin_client, org, settings):
    settings.INLINE_IMPORT_MAX_BYTES = 1_000_000
    upload(admin_client, csv_bytes(simple_rows(3)), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    assert plan_import.status == PlanImport.Status.PREVIEWED and not Job.objects.exists()
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    assert Action.objects.count() == 3 and not Job.objects.exists()


def test_the_reading_page_takes_a_fixed_number_of_queries(
    admin_client, org, django_assert_max_num_queries
):
    upload(admin_client, csv_bytes(simple_rows(40)), "plan.csv", organisation=org)
    url = reverse("imports:preview", kwargs={"pk": PlanImport.objects.get().pk})
    with django_assert_max_num_queries(8):
        assert "Reading your file" in admin_client.get(url).content.decode()
