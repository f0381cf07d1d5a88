"""Worker heartbeats (issue 16): how /readyz knows a worker is running the queue.

``manage.py run_worker`` beats once as it starts and then every TASK_WORKER_HEARTBEAT_SECONDS
from a background thread (its own database connection), whatever task the worker is running;
it removes its row when it stops cleanly. A worker that died leaves a row that goes stale."""

import logging
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from core.models import WorkerHeartbeat

logger = logging.getLogger("core.heartbeat")


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()[:255]},
    )


def recent_heartbeat_exists() -> bool:
    stale = getattr(settings, "TASK_WORKER_STALE_SECONDS", 60)
    return WorkerHeartbeat.objects.filter(
        last_seen__gte=timezone.now() - timedelta(seconds=stale)
    ).exists()


class HeartbeatThread(threading.Thread):
    def __init__(self, worker_id: str, interval: float) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.interval):
                try:
                    beat(self.worker_id)
                except DatabaseError:  # the database is away; /readyz will say so
                    logger.warning("Worker %s could not record its heartbeat", self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
