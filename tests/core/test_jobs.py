"""Background jobs (core.tasks): run once, retried with back-off, given up after the last
attempt, recorded in the audit log; outgoing e-mail retried the same way."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import tasks
from core.models import AuditEvent, Job
from tests import factories

pytestmark = pytest.mark.django_db

KIND = "test-kind"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def calls(monkeypatch):
    """A runner for KIND that fails while ``calls["fail"]`` is positive, counting its runs."""
    state = {"runs": 0, "fail": 0}

    def work(job, progress):
        state["runs"] += 1
        progress(1, 2)
        assert Job.objects.get(pk=job.pk).progress == 50
        if state["fail"] > 0:
            state["fail"] -= 1
            raise ConnectionError("mail server away")
        return f"did {job.parameters['what']}"

    monkeypatch.setitem(tasks._RUNNERS, KIND, work)
    return state


def start(capture, **kw):
    user = kw.pop("requester", None) or factories.user()
    with capture(execute=True):
        job = tasks.start_job(KIND, requester=user, what="the work", **kw)
    job.refresh_from_db()
    return job


def test_a_job_runs_once_and_records_its_outcome_and_audit(
    calls, django_capture_on_commit_callbacks
):
    job = start(django_capture_on_commit_callbacks)
    assert calls["runs"] == 1
    assert (job.status, job.progress, job.outcome, job.attempts) == (
        Job.Status.SUCCEEDED,
        100,
        "did the work",
        1,
    )
    assert job.task_id and job.started_at and job.finished_at
    events = list(AuditEvent.objects.filter(detail__job=job.pk).order_by("pk"))
    assert [e.kind for e in events] == [AuditEvent.Kind.JOB_STARTED, AuditEvent.Kind.JOB_FINISHED]
    assert all(e.user == job.requester for e in events)
    assert "finished: did the work" in events[1].summary


def test_a_job_delivered_twice_runs_once(calls, django_capture_on_commit_callbacks):
    job = start(django_capture_on_commit_callbacks)
    assert tasks.run_job.call(job.pk) == "skipped"
    assert calls["runs"] == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.JOB_STARTED).count() == 1


def test_a_failed_attempt_is_retried(calls, django_capture_on_commit_callbacks):
    calls["fail"] = 1
    job = start(django_capture_on_commit_callbacks)
    assert calls["runs"] == 2
    assert (job.status, job.attempts, job.outcome) == (Job.Status.SUCCEEDED, 2, "did the work")
    finished = AuditEvent.objects.filter(kind=AuditEvent.Kind.JOB_FINISHED, detail__job=job.pk)
    assert sorted(e.detail["status"] for e in finished) == ["retrying", "succeeded"]


def test_retries_are_bounded(calls, settings, django_capture_on_commit_callbacks):
    settings.TASK_MAX_ATTEMPTS = 3
    calls["fail"] = 10
    job = start(django_capture_on_commit_callbacks)
    assert calls["runs"] == 3
    assert job.status == Job.Status.FAILED and job.attempts == 3
    assert job.outcome.startswith("Failed after 3 attempts: ConnectionError: mail server away")


def test_back_off_doubles_from_the_base(settings):
    settings.TASK_RETRY_BASE_SECONDS = 30
    assert [tasks.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]


def test_on_the_database_queue_a_retry_waits_for_its_back_off(calls, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_RETRY_BASE_SECONDS = 30
    calls["fail"] = 1
    job = Job.objects.create(kind=KIND, requester=factories.user(), parameters={"what": "x"})
    before = timezone.now()
    assert tasks.run_job.call(job.pk) == Job.Status.RETRYING
    job.refresh_from_db()
    assert job.status == Job.Status.RETRYING and calls["runs"] == 1
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [job.pk]
    assert str(retry.id) == job.task_id
    assert before + timedelta(seconds=29) < retry.run_after < timezone.now() + timedelta(seconds=31)
    assert not DBTaskResult.objects.ready().exists()  # not before its time


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="No runner"):
        tasks.start_job("no-such-kind")


def test_email_goes_through_the_queue_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.queue_email("Subject", "Body", ["a@example.org"])
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [(m.subject, m.to) for m in mail.outbox] == [("Subject", ["a@example.org"])]


def test_email_that_fails_is_retried_then_given_up(monkeypatch, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    real_send = EmailMessage.send
    failures = {"left": 1}

    def flaky(self, fail_silently=False):
        if failures["left"]:
            failures["left"] -= 1
            raise OSError("connection refused")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    tasks.send_email.enqueue("Hello", "Body", ["a@example.org"], "from@example.org", 1)
    assert len(mail.outbox) == 1  # the second attempt

    failures["left"] = 10
    result = tasks.send_email.enqueue("Hello", "Body", ["a@example.org"], "from@example.org", 1)
    assert failures["left"] == 7  # three attempts in all
    assert len(mail.outbox) == 1
    assert result.status == "SUCCESSFUL"  # the first attempt handed over to its retry


def test_email_backend_is_chosen_by_settings(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_email("Subject", "Body", ["a@example.org"])
    assert mail.outbox == []


def test_a_refused_job_fails_at_once_without_retrying(
    monkeypatch, django_capture_on_commit_callbacks
):
    runs = []

    def refuse(job, progress):
        runs.append(job.pk)
        raise tasks.JobRefused("you may no longer see this.")

    monkeypatch.setitem(tasks._RUNNERS, KIND, refuse)
    job = start(django_capture_on_commit_callbacks)
    assert len(runs) == 1
    assert (job.status, job.attempts, job.outcome) == (
        Job.Status.FAILED,
        1,
        "Refused: you may no longer see this.",
    )
    finished = AuditEvent.objects.get(kind=AuditEvent.Kind.JOB_FINISHED, detail__job=job.pk)
    assert "failed: Refused" in finished.summary


def test_the_same_request_joins_the_unfinished_job_and_a_finished_one_is_not_joined(calls):
    user = factories.user()
    first, new = tasks.start_or_join_job(KIND, requester=user, what="x")
    again, new_again = tasks.start_or_join_job(KIND, requester=user, what="x")
    other, other_new = tasks.start_or_join_job(KIND, requester=user, what="y")
    assert new and not new_again and again.pk == first.pk and other_new and other.pk != first.pk
    Job.objects.filter(pk=first.pk).update(status=Job.Status.SUCCEEDED)
    later, later_new = tasks.start_or_join_job(KIND, requester=user, what="x")
    assert later_new and later.pk != first.pk
    someone_else, theirs = tasks.start_or_join_job(KIND, requester=factories.user(), what="y")
    assert theirs and someone_else.pk != other.pk
