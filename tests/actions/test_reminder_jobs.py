"""Reminders as a queued job: running the job twice sends each reminder once; the command
queues it; e-mail goes through the queue."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from actions.models import ReminderSent
from core.models import AuditEvent, Job
from core.tasks import start_job
from tests.actions.test_reminders import TODAY, setup_plan

pytestmark = pytest.mark.django_db


def run_job(capture):
    with capture(execute=True):
        job = start_job(Job.Kind.REMINDERS, today=TODAY.isoformat())
    job.refresh_from_db()
    return job


def test_running_the_reminders_task_twice_sends_once(django_capture_on_commit_callbacks):
    setup_plan()
    first = run_job(django_capture_on_commit_callbacks)
    second = run_job(django_capture_on_commit_callbacks)
    assert first.status == second.status == Job.Status.SUCCEEDED
    assert first.outcome == "1 reminder e-mail queued: 1 to officers, 0 to plan owners."
    assert second.outcome == "No reminders were due."
    assert [m.to for m in mail.outbox] == [["busy@example.org"]]
    assert ReminderSent.objects.count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.JOB_FINISHED).count() == 2


def test_the_same_task_delivered_twice_sends_once(django_capture_on_commit_callbacks):
    from core.tasks import run_job as the_task

    setup_plan()
    job = run_job(django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)  # as if never marked done
    with django_capture_on_commit_callbacks(execute=True):
        the_task.call(job.pk)
    assert len(mail.outbox) == 1 and ReminderSent.objects.count() == 1


def test_a_failed_send_is_retried_without_sending_twice(
    monkeypatch, django_capture_on_commit_callbacks
):
    from actions import reminders

    setup_plan()
    real = reminders.escalations
    failures = {"left": 1}

    def flaky(today):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("database went away mid-run")
        return real(today)

    monkeypatch.setattr(reminders, "escalations", flaky)
    job = run_job(django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert len(mail.outbox) == 1 and ReminderSent.objects.count() == 1


def test_command_queues_the_job(monkeypatch, django_capture_on_commit_callbacks):
    from django.utils import timezone

    setup_plan()
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_update_reminders", stdout=out)
    job = Job.objects.get()
    assert job.requester is None and job.parameters == {"today": TODAY.isoformat()}
    assert job.status == Job.Status.SUCCEEDED
    assert out.getvalue().startswith(f"Job {job.pk}")  # queued inside the test's transaction
    assert len(mail.outbox) == 1
