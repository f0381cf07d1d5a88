"""A real worker process (``manage.py run_worker``: django-tasks-db's db_worker plus the
heartbeat) against the test database: a job a request queued runs exactly once, its e-mails go
out once through the queue, and its outcome shows on the requester's "Downloads and jobs" page.
"""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actions.models import ReminderSent
from core.models import AuditEvent, Job, WorkerHeartbeat
from tests import factories
from tests.actions.test_reminders import setup_plan
from tests.worker import DATABASE_QUEUE, run_worker_once

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_job_queued_by_a_request_runs_once_in_a_real_worker(client, settings, tmp_path):
    settings.TASKS = DATABASE_QUEUE
    setup_plan()
    admin = factories.admin_user()
    client.force_login(admin)
    assert client.post(reverse("jobs_start_reminders")).status_code == 302
    job = Job.objects.get(requester=admin)
    assert job.status == Job.Status.QUEUED  # the request did not run it
    assert "Queued" in client.get(reverse("jobs")).content.decode()

    outbox = tmp_path / "outbox"
    first = run_worker_once("worker-one", outbox)
    assert first.returncode == 0, first.stdout + first.stderr
    second = run_worker_once("worker-two", outbox)  # finds nothing left to do
    assert second.returncode == 0, second.stdout + second.stderr

    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == (Job.Status.SUCCEEDED, 1, 100)
    sent = ReminderSent.objects.count()
    assert sent >= 1 and job.outcome.startswith(f"{sent} reminder e-mail")
    runs = DBTaskResult.objects.filter(task_path="core.tasks.run_job")
    assert [(r.status, r.worker_ids) for r in runs] == [("SUCCESSFUL", ["worker-one"])]
    emails = DBTaskResult.objects.filter(task_path="core.tasks.send_email")
    assert emails.count() == sent and set(emails.values_list("status", flat=True)) == {"SUCCESSFUL"}
    written = list(outbox.iterdir())
    assert len(written) == sent  # one file per e-mail, each sent once
    assert "busy@example.org" in "".join(path.read_text() for path in written)
    started = AuditEvent.objects.filter(kind=AuditEvent.Kind.JOB_STARTED, detail__job=job.pk)
    assert started.count() == 1 and started.get().user == admin
    assert not WorkerHeartbeat.objects.exists()  # each worker removed its heartbeat on exit

    page = client.get(reverse("jobs")).content.decode()
    assert "Finished" in page and job.outcome in page
