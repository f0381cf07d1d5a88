"""A real worker process (``manage.py run_worker``) on the test database, for tests where the
queue is the point: requests only queue work, and a separate process does it, as in production.

The worker is given the test database (a file on SQLite) and this process's MEDIA_ROOT, so the
files it stores are the ones the live server and the test read back."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    """The test database (a file on SQLite), as the worker's DATABASE_URL."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        if name == ":memory:" or "test" not in name:
            raise RuntimeError(f"a worker needs the test database in a file, not {name!r}")
        return f"sqlite:///{name}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(outbox: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    if outbox is not None:
        env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        env["EMAIL_FILE_PATH"] = str(outbox)
    return env


def run_worker_once(worker_id: str, outbox: Path | None = None) -> subprocess.CompletedProcess:
    """Run the tasks waiting now, then exit (``--batch``)."""
    command = [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay"]
    return subprocess.run(  # noqa: S603 # nosec B603 - our own manage.py, fixed arguments
        [*command, "--no-reload", "--worker-id", worker_id],
        cwd=settings.BASE_DIR,
        env=worker_env(outbox),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Worker:
    """A worker that keeps taking tasks (polling every half second) until stopped."""

    def __init__(self, worker_id: str, log: Path) -> None:
        self.worker_id = worker_id
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        command = [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--no-reload"]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 # nosec B603 - our own manage.py
                [*command, "--interval", "0.5", "--worker-id", self.worker_id],
                cwd=settings.BASE_DIR,
                env=worker_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        """Stop it as a deployment would (SIGTERM: it finishes its task first)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
