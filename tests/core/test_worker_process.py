"""A real worker process (``manage.py run_worker``: django-tasks-db's db_worker plus the
heartbeat) against the test database: a job a request queued runs exactly once, its e-mails go
out once through the queue, and its outcome shows on the requester's "Downloads and jobs" page.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actions.models import ReminderSent
from core.models import AuditEvent, Job, WorkerHeartbeat
from tests import factories
from tests.actions.test_reminders import setup_plan

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    """The test database (a file on SQLite), as the worker's DATABASE_URL."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        assert name != ":memory:" and "test" in name
        return f"sqlite:///{name}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def run_worker(outbox: Path, worker_id: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }
    command = [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay"]
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [*command, "--no-reload", "--worker-id", worker_id],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
    first = run_worker(outbox, "worker-one")
    assert first.returncode == 0, first.stdout + first.stderr
    second = run_worker(outbox, "worker-two")  # finds nothing left to do
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
