"""Work off the request path (issue 16; docs/adr/0018-background-tasks.md).

Two tasks run on django-tasks' queue (the database backend and ``manage.py run_worker`` in
production, in-process in development and tests):

- ``run_job``: a ``core.models.Job`` the user (or cron) asked for. The code that does the work
  registers a *runner* for the job's kind (``@runner(Job.Kind.REMINDERS)``, from a higher-layer
  app's ``ready()``), so this layer names no other app. A runner gets the job and a
  ``progress(done, total)`` callback and returns a one-line outcome; it may save a file on the
  job. Runners must be idempotent: a retried job runs again from the start.
- ``send_email``: one outgoing message, through whichever e-mail backend the settings choose.

Both retry a failure with exponential back-off, at most TASK_MAX_ATTEMPTS runs in all. With a
backend that can defer (the database one) the retry is a new task result due after the delay;
with the immediate backend it runs again at once.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from core import audit, files
from core.models import AuditEvent, Job

logger = logging.getLogger("core.tasks")

Progress = Callable[[int, int], None]
Runner = Callable[[Job, Progress], str]
_RUNNERS: dict[str, Runner] = {}
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.RETRYING)


class JobRefused(Exception):
    """Raised by a runner when the work must not be done at all, whatever the attempt: the
    requester may no longer see what they asked for, or it no longer exists. The job fails at
    once with the message as its outcome, and is not retried."""

    prefix = "Refused"


class JobCannotFinish(JobRefused):
    """Raised by a runner when trying again would fail the same way (a file that cannot be
    read, an import with problems to put right first): failed at once, not retried."""

    prefix = "Failed"


def runner(kind: str) -> Callable[[Runner], Runner]:
    """Register the function that does the work of jobs of ``kind``."""

    def register(function: Runner) -> Runner:
        _RUNNERS[kind] = function
        return function

    return register


def max_attempts() -> int:
    return max(1, int(getattr(settings, "TASK_MAX_ATTEMPTS", 4)))


def retry_delay(attempt: int) -> timedelta:
    """Seconds to wait after failed attempt ``attempt`` (1-based): base, 2 x base, 4 x base..."""
    base = int(getattr(settings, "TASK_RETRY_BASE_SECONDS", 30))
    return timedelta(seconds=base * 2 ** (attempt - 1))


def _enqueue_later(the_task: Any, delay: timedelta, *args: Any) -> str | None:
    """Enqueue ``the_task`` after ``delay`` where the backend can defer, else run it now."""
    if the_task.get_backend().supports_defer and delay:
        result = the_task.using(run_after=timezone.now() + delay).enqueue(*args)
    else:
        result = the_task.enqueue(*args)
    return str(result.id)


def attach_file(job: Job, filename: str, data: bytes) -> None:
    """Store the file a runner made (through Django's storage API, with its SHA-256) on ``job``;
    ``run_job`` saves the job when the runner returns. A retried job stores a fresh file."""
    stored = files.save(job.file.field.generate_filename(job, filename), data)
    job.file.name, job.sha256, job.size = stored.name, stored.sha256, stored.size


def start_job(kind: str, *, requester: Any = None, request: Any = None, **parameters: Any) -> Job:
    """Record a job and queue it once the current transaction commits."""
    if kind not in _RUNNERS:
        raise ValueError(f"No runner is registered for jobs of kind {kind!r}.")
    job = Job.objects.create(kind=kind, requester=requester, parameters=parameters)
    transaction.on_commit(lambda: _enqueue_job(job.pk))
    return job


def start_or_join_job(kind: str, *, requester: Any, **parameters: Any) -> tuple[Job, bool]:
    """The requester's unfinished job of ``kind`` with the same parameters (a second click, a
    reload), or a new one; and whether it is new."""
    for job in Job.objects.filter(requester=requester, kind=kind, status__in=UNFINISHED):
        if job.parameters == parameters:
            return job, False
    return start_job(kind, requester=requester, **parameters), True


def _enqueue_job(job_id: int, delay: timedelta = timedelta(0)) -> None:
    task_id = _enqueue_later(run_job, delay, job_id)
    Job.objects.filter(pk=job_id).exclude(status=Job.Status.RUNNING).update(task_id=task_id or "")


def _claim(job_id: int) -> Job | None:
    """Mark the job running, unless it is already running or finished (a duplicate delivery)."""
    claimed = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RETRYING]
    ).update(
        status=Job.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        progress=0,
    )
    return Job.objects.select_related("requester").get(pk=job_id) if claimed else None


@task()
def run_job(job_id: int) -> str:
    """Run one attempt of a job; on failure, queue the next attempt or give up."""
    job = _claim(job_id)
    if job is None:
        logger.info("Job %s is not waiting to run; nothing done.", job_id)
        return "skipped"
    audit.record(
        AuditEvent.Kind.JOB_STARTED,
        user=job.requester,
        summary=f"{job.get_kind_display()} started (attempt {job.attempts})",
        job=job.pk,
        job_kind=job.kind,
        attempt=job.attempts,
    )

    def progress(done: int, total: int) -> None:
        percent = min(100, max(0, round(100 * done / total))) if total else 100
        Job.objects.filter(pk=job.pk).update(progress=percent)

    try:
        outcome = _RUNNERS[job.kind](job, progress)
    except JobRefused as refused:
        logger.info("Job %s (%s) refused: %s", job.pk, job.kind, refused)
        return _give_up(job, f"{refused.prefix}: {refused}")
    except Exception as error:  # any failure is the job's outcome, and may be retried
        logger.exception("Job %s (%s) attempt %s failed", job.pk, job.kind, job.attempts)
        return _failed(job, error)
    job.status, job.outcome, job.progress = Job.Status.SUCCEEDED, str(outcome)[:500], 100
    job.finished_at = timezone.now()
    job.save(
        update_fields=["status", "outcome", "progress", "finished_at", "file", "sha256", "size"]
    )
    _record_finish(job)
    return job.status


def _failed(job: Job, error: Exception) -> str:
    message = f"{type(error).__name__}: {error}"[:400]
    if job.attempts < max_attempts():
        delay = retry_delay(job.attempts)
        job.status = Job.Status.RETRYING
        job.outcome = f"Attempt {job.attempts} failed ({message}); retrying."
        job.save(update_fields=["status", "outcome"])
        _record_finish(job)
        _enqueue_job(job.pk, delay)
        return job.status
    return _give_up(job, f"Failed after {job.attempts} attempts: {message}")


def _give_up(job: Job, outcome: str) -> str:
    job.status, job.outcome = Job.Status.FAILED, outcome[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "outcome", "finished_at"])
    _record_finish(job)
    return job.status


def _record_finish(job: Job) -> None:
    audit.record(
        AuditEvent.Kind.JOB_FINISHED,
        user=job.requester,
        summary=f"{job.get_kind_display()} {job.get_status_display().lower()}: {job.outcome}",
        job=job.pk,
        job_kind=job.kind,
        attempt=job.attempts,
        status=job.status,
    )


# Outgoing e-mail ------------------------------------------------------------------------------
def queue_email(subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    """Send one message through the queue, after the current transaction commits."""
    sender = from_email or getattr(settings, "DEFAULT_FROM_EMAIL", None)
    transaction.on_commit(lambda: send_email.enqueue(subject, body, list(to), sender, 1))


@task()
def send_email(subject: str, body: str, to: list[str], from_email: str | None, attempt: int) -> int:
    """Send one message with the configured e-mail backend; retry a failure with back-off."""
    try:
        return EmailMessage(subject, body, from_email, to).send()
    except Exception:
        if attempt >= max_attempts():
            logger.exception("E-mail %r to %s failed %s times; giving up", subject, to, attempt)
            raise
        logger.warning("E-mail %r to %s failed (attempt %s); retrying", subject, to, attempt)
        _enqueue_later(send_email, retry_delay(attempt), subject, body, to, from_email, attempt + 1)
        return 0
