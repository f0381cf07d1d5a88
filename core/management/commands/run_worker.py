"""The production worker: django-tasks-db's ``db_worker`` plus a heartbeat (core.heartbeat).

Run M of these beside the app servers; each takes tasks from the database queue one at a time,
and no task is taken by two workers (the queue row is locked and claimed)."""

from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.heartbeat import HeartbeatThread, beat
from core.models import WorkerHeartbeat


class Command(DbWorkerCommand):
    help = (
        "Run background tasks from the database queue (django-tasks-db's db_worker), recording "
        "a heartbeat for /readyz."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        beat(worker_id)
        heartbeat = HeartbeatThread(worker_id, settings.TASK_WORKER_HEARTBEAT_SECONDS)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
