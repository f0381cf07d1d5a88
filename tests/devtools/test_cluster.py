"""Several app servers on one PostgreSQL (issue 16): a short run of ``manage.py bench_cluster``
with real gunicorn servers and real worker processes, every check passing.

PostgreSQL only (the harness creates its own database on the server of DATABASE_URL): on
SQLite the test is skipped. Drives the servers with a thread pool, so locust is not needed."""

import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

CHECKS = [
    "session made on A works on B",
    "evidence file uploaded via A downloads from B",
    "issued pack PDF identical from A and B",
    "queue drained",
    "no lost writes",
    "conflicts reported, never saved",
    "each job ran exactly once",
    "each task taken by one worker, once",
    "scheduled reminders fire once",
]


@pytest.mark.slow
def test_two_servers_two_workers_pass_every_check():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the two-server harness needs PostgreSQL (DATABASE_URL=postgres://...)")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    out = io.StringIO()
    try:
        call_command(
            "bench_cluster",
            "--quick",
            "--run-time",
            "12",
            "--postgres",
            server,
            "--database",
            f"improvement_plans_cluster_{os.getpid()}",
            stdout=out,
        )
    except CommandError:
        pytest.fail("the two-server run failed:\n" + out.getvalue())
    report = out.getvalue()
    for check in CHECKS:
        assert f"PASS  {check}:" in report, report
    assert "FAIL" not in report, report
    assert "ALL PASSED" in report
