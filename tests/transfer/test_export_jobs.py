"""Large plan exports as background jobs (issue 16): over INLINE_EXPORT_MAX_ACTIONS the download
link offers to prepare the file; the POST starts one job (a second click joins it) and goes to
the job's page; the job makes the file for its requester alone, checks their access again when
it runs, and records the export and the job in the audit log."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import Membership
from core.models import AuditEvent, Job
from core.roles import Role
from plans.permissions import can_view_plan
from tests import factories
from tests.factories.jobs import download, job_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_plan(settings):
    settings.INLINE_EXPORT_MAX_ACTIONS = 2
    plan = factories.plan(title="Big plan")
    priority = factories.priority(plan)
    for n in range(3):
        factories.action(priority, number=f"1.{n + 1}", description=f"Big action {n + 1}")
    return plan


@pytest.fixture
def viewer(client):
    user = factories.user(role=Role.VIEWER)
    client.force_login(user)
    return user


def test_a_large_plan_is_offered_as_a_job_and_nothing_is_made_in_the_request(
    client, viewer, big_plan
):
    url = reverse("exports:plan_xlsx", kwargs={"slug": big_plan.slug})
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "This plan has 3 actions" in html and "Prepare the file" in html
    assert f'action="{url}"' in html and "csrfmiddlewaretoken" in html
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_a_small_plan_still_downloads_at_once(client, viewer, big_plan, settings):
    settings.INLINE_EXPORT_MAX_ACTIONS = 3
    response = client.get(reverse("exports:plan_csv", kwargs={"slug": big_plan.slug}))
    assert response["Content-Type"].startswith("text/csv") and not Job.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_job_makes_the_file_for_its_requester(
    client, viewer, big_plan, fmt, django_capture_on_commit_callbacks
):
    url = reverse(f"exports:plan_{fmt}", kwargs={"slug": big_plan.slug})
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    job = job_of(started)
    job.refresh_from_db()
    assert (job.kind, job.requester, job.status) == (
        Job.Kind.PLAN_EXPORT,
        viewer,
        Job.Status.SUCCEEDED,
    )
    assert job.outcome.startswith(f"Big plan: 3 actions as .{fmt}")
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Plan export ready" in page and "Back to Big plan" in page
    response = download(client, job)
    assert f'filename="{big_plan.slug}.{fmt}"' in response["Content-Disposition"]
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(response.body))
        text = " ".join(
            str(v) for row in workbook.worksheets[0].iter_rows(values_only=True) for v in row if v
        )
    else:
        assert response["Content-Type"].startswith("text/csv")
        text = " ".join(
            " ".join(r) for r in csv.reader(io.StringIO(response.body.decode("utf-8-sig")))
        )
    assert all(f"Big action {n}" in text for n in (1, 2, 3))
    export = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert export.user == viewer and export.detail["job"] == job.pk
    assert export.detail["format"] == fmt
    kinds = list(
        AuditEvent.objects.filter(detail__job=job.pk)
        .exclude(kind=AuditEvent.Kind.EXPORT)
        .values_list("kind", flat=True)
        .order_by("pk")
    )
    assert kinds == [AuditEvent.Kind.JOB_STARTED, AuditEvent.Kind.JOB_FINISHED]
    # nobody else downloads it, or sees its page
    client.force_login(factories.user(role=Role.VIEWER))
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404


def test_a_second_click_joins_the_job_already_on_its_way(client, viewer, big_plan):
    url = reverse("exports:plan_xlsx", kwargs={"slug": big_plan.slug})
    first = client.post(url)  # the job is queued, not run (no commit in this test)
    second = client.post(url, follow=True)
    assert Job.objects.count() == 1
    assert job_of(first).pk == Job.objects.get().pk
    html = second.content.decode()
    assert "already asked for this file" in html and "is being prepared" in html
    assert "Refresh to see progress" in html
    client.post(reverse("exports:plan_csv", kwargs={"slug": big_plan.slug}))
    assert Job.objects.count() == 2  # another format is another file


def test_someone_who_lost_access_before_the_job_ran_gets_a_refused_job_not_a_file(
    client, viewer, big_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(reverse("exports:plan_xlsx", kwargs={"slug": big_plan.slug}))
    Membership.objects.filter(user=viewer).delete()
    viewer.groups.clear()
    viewer = type(viewer).objects.get(pk=viewer.pk)
    assert not can_view_plan(viewer, big_plan)
    for callback in callbacks:
        callback()
    job = job_of(started)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1  # refused: never retried
    assert job.outcome == "Refused: you may no longer see this plan."
    assert not job.file and not job.sha256
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Plan export failed" in page and "you may no longer see this plan" in page
    assert reverse("job_download", args=[job.pk]) not in page
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_those_who_may_not_read_the_plan_start_no_job(client, big_plan):
    member = factories.user(role=Role.BOARD_MEMBER)
    factories.person(user=member)
    client.force_login(member)
    assert (
        client.post(reverse("exports:plan_xlsx", kwargs={"slug": big_plan.slug})).status_code == 403
    )
    assert not Job.objects.exists()


def test_the_offer_and_the_job_page_take_a_fixed_number_of_queries(
    client, viewer, big_plan, django_assert_max_num_queries
):
    url = reverse("exports:plan_xlsx", kwargs={"slug": big_plan.slug})
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    job = job_of(client.post(url))
    with django_assert_max_num_queries(6):  # session, user, the job, the session's stamp
        assert client.get(reverse("job_detail", args=[job.pk])).status_code == 200
