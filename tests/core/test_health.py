"""/healthz (process up, no database) and /readyz (database and worker heartbeat) for a load
balancer: answered before host checks, the HTTPS redirect and sign-in."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from core import heartbeat
from core.models import WorkerHeartbeat

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_healthz_needs_no_database(client):
    # No django_db mark: pytest-django raises on any database access.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_by_address_over_http_are_answered(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["tracker.example.gov.uk"]
    response = client.get(path, HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    # while every other page still gets the redirect, and unknown hosts are still refused
    assert client.get("/", HTTP_HOST="tracker.example.gov.uk").status_code == 301
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400


@pytest.mark.django_db
def test_readyz_with_tasks_in_process_needs_only_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert b"database: ok" in response.content and b"not needed" in response.content


@pytest.mark.django_db
def test_readyz_fails_without_a_worker_on_the_database_queue(client, settings):
    settings.TASKS = DATABASE_QUEUE
    response = client.get("/readyz")
    assert response.status_code == 503 and b"worker: no recent heartbeat" in response.content


@pytest.mark.django_db
def test_readyz_follows_the_worker_heartbeat(client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_WORKER_STALE_SECONDS = 60
    heartbeat.beat("worker-1")
    assert client.get("/readyz").status_code == 200
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(seconds=61))
    response = client.get("/readyz")
    assert response.status_code == 503 and b"no recent heartbeat" in response.content
    heartbeat.beat("worker-1")  # it beats again
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_fails_when_the_database_is_unreachable(client, monkeypatch):
    from config import health

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get("/readyz")
    assert response.status_code == 503 and b"database: unreachable" in response.content
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_beats_until_stopped():
    thread = heartbeat.HeartbeatThread("worker-2", interval=0.05)
    thread.start()
    try:
        for _ in range(100):
            if WorkerHeartbeat.objects.filter(worker_id="worker-2").exists():
                break
            thread.stopping.wait(0.05)
    finally:
        thread.stop()
        thread.join(5)
    assert not thread.is_alive()
    assert WorkerHeartbeat.objects.get(worker_id="worker-2").last_seen > timezone.now() - timedelta(
        seconds=10
    )
