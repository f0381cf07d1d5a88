"""Health checks for a load balancer (issue 16; README, "Production topology").

- ``/healthz``: the process is up and answering. Touches nothing else, not even the database,
  so a database outage does not make every app server look dead.
- ``/readyz``: ready for traffic: the database answers and, when tasks go to the database queue,
  some worker has recorded a heartbeat within TASK_WORKER_STALE_SECONDS (core.heartbeat).
  503 with the failing check named otherwise.

Answered by the first middleware, before host validation (probes use the server's address),
the HTTPS redirect (probes use plain HTTP on the private network), sessions, sign-in and rate
limits. Plain text, never cached."""

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

from core.heartbeat import recent_heartbeat_exists

PATHS = {"/healthz", "/readyz"}


def uses_database_queue() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.startswith("django_tasks_db.")


def readiness() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False, "database: unreachable"
    if uses_database_queue():
        try:
            if not recent_heartbeat_exists():
                return False, "database: ok\nworker: no recent heartbeat"
        except DatabaseError:
            return False, "database: ok\nworker: heartbeat table unreadable"
        return True, "database: ok\nworker: ok"
    return True, "database: ok\nworker: not needed (tasks run in-process)"


def _plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/") or "/"
        if path not in PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if path == "/healthz":
            return _plain("ok", 200)
        ready, detail = readiness()
        return _plain(detail, 200 if ready else 503)
