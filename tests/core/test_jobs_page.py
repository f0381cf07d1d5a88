"""The "Downloads and jobs" page: each user sees only their own jobs, with status as a word,
progress, outcome and a download link; fixed query count; administrators start reminders."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.models import Job
from core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def job(user, **kw):
    kw.setdefault("kind", Job.Kind.REMINDERS)
    return Job.objects.create(requester=user, **kw)


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(reverse("jobs"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_lists_own_jobs_only_with_status_progress_outcome_and_download(client):
    me, other = factories.user(), factories.user()
    done = job(me, status=Job.Status.SUCCEEDED, progress=100, outcome="3 reminder e-mails queued")
    done.file.save("report.xlsx", ContentFile(b"xlsx bytes"))
    job(me, status=Job.Status.RETRYING, progress=40, attempts=2, outcome="Attempt 1 failed")
    job(other, outcome="Someone else's secret")
    client.force_login(me)
    response = client.get(reverse("jobs"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Downloads and jobs" in html
    assert "3 reminder e-mails queued" in html and "Finished" in html and "100%" in html
    assert "Waiting to retry" in html and "40%" in html and "(attempt 2)" in html
    assert "Someone else" not in html
    assert reverse("job_download", args=[done.pk]) in html
    assert "Refresh this page" in html
    assert 'class="govuk-table"' in html


def test_download_streams_own_file_and_refuses_others(client):
    me, other = factories.user(), factories.user()
    done = job(me, status=Job.Status.SUCCEEDED)
    done.file.save("report.xlsx", ContentFile(b"xlsx bytes"))
    client.force_login(me)
    response = client.get(reverse("job_download", args=[done.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"xlsx bytes"
    assert 'attachment; filename="report' in response["Content-Disposition"]
    client.force_login(other)
    assert client.get(reverse("job_download", args=[done.pk])).status_code == 404


def test_a_job_without_a_file_has_no_download(client):
    me = factories.user()
    plain = job(me, status=Job.Status.SUCCEEDED)
    client.force_login(me)
    assert client.get(reverse("job_download", args=[plain.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 60])
def test_query_count_is_fixed(client, django_assert_max_num_queries, count):
    me = factories.user()
    Job.objects.bulk_create([Job(requester=me, kind=Job.Kind.REMINDERS) for _ in range(count)])
    client.force_login(me)
    # session, user, jobs, and the session's activity stamp (savepoint, update, release)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("jobs"))
    assert response.content.decode().count("govuk-table__row") == count + 1


def test_administrator_starts_reminders_and_sees_the_outcome(
    client, django_capture_on_commit_callbacks
):
    admin = factories.admin_user()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs_start_reminders"))
    assert response.status_code == 302
    started = Job.objects.get(requester=admin)
    assert started.status == Job.Status.SUCCEEDED and started.outcome == "No reminders were due."
    page = client.get(reverse("jobs")).content.decode()
    assert "Send update reminders now" in page and "No reminders were due." in page


def test_others_cannot_start_reminders(client):
    # An organisation's own administrator may not: reminders go to every organisation.
    organisation_admin = factories.user(role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(organisation_admin)
    assert client.post(reverse("jobs_start_reminders")).status_code == 403
    client.force_login(factories.officer())
    assert client.post(reverse("jobs_start_reminders")).status_code == 403
    assert "Send update reminders now" not in client.get(reverse("jobs")).content.decode()
    assert not Job.objects.exists()


def test_a_jobs_own_page_while_waiting_when_failed_and_when_ready(client):
    me = factories.user()
    waiting = job(
        me,
        kind=Job.Kind.PLAN_EXPORT,
        status=Job.Status.RUNNING,
        progress=50,
        parameters={"back_url": "/plans/p/", "back_label": "Plan P"},
    )
    client.force_login(me)
    response = client.get(reverse("job_detail", args=[waiting.pk]))
    assert response["Refresh"] == "5"  # the browser checks again by itself, no script
    html = response.content.decode()
    assert "Your plan export is being prepared" in html and "50% done" in html
    assert f'href="{reverse("job_detail", args=[waiting.pk])}"' in html  # refresh, no script
    assert "Back to Plan P" in html and reverse("job_download", args=[waiting.pk]) not in html
    failed = job(me, status=Job.Status.FAILED, outcome="Refused: you may no longer see this.")
    response = client.get(reverse("job_detail", args=[failed.pk]))
    assert "Refresh" not in response  # finished: nothing more to wait for
    html = response.content.decode()
    assert "Update reminders failed" in html and "Refused: you may no longer see this." in html
    done = job(
        me,
        status=Job.Status.SUCCEEDED,
        outcome="3 actions",
        parameters={"label": "Self-evaluation PDF", "back_url": "//elsewhere.example/"},
    )
    done.file.save("report.pdf", ContentFile(b"%PDF-1.4"))
    response = client.get(reverse("job_detail", args=[done.pk]))
    assert "Refresh" not in response
    html = response.content.decode()
    assert "Self-evaluation PDF ready" in html and reverse("job_download", args=[done.pk]) in html
    assert "elsewhere.example" not in html  # only this site's own paths are linked back to
    listing = client.get(reverse("jobs")).content.decode()
    assert "Self-evaluation PDF" in listing and reverse("job_detail", args=[done.pk]) in listing
    client.force_login(factories.user())
    assert client.get(reverse("job_detail", args=[done.pk])).status_code == 404
