"""Time limits on every wait for PostgreSQL, on the client side.

A database that accepts a connection and then never answers (a network partition, a hung
server) would otherwise hold a request for ever: ``statement_timeout`` is enforced by the server,
so it cannot help when the server is the thing not answering, and libpq's ``connect_timeout``
only covers a blocking connect. So every wait of psycopg2 goes through ``wait`` (psycopg2's
"wait callback", installed by ``install()`` from ``core.apps``), which waits on the socket
with a limit:

- while connecting: ``DATABASE_CONNECT_TIMEOUT`` seconds (and no later than the request's
  deadline);
- for a query: until the request's deadline (``request_deadline``, set by
  ``config.middleware.RequestDeadlineMiddleware`` to ``REQUEST_TIMEOUT`` seconds after the
  request arrived); outside a request (management commands), ``DATABASE_STATEMENT_TIMEOUT``
  plus ``DATABASE_WAIT_GRACE`` seconds, since the server cancels a statement itself after
  ``DATABASE_STATEMENT_TIMEOUT`` and only a server that is not answering makes us wait longer.

When a limit passes, the wait raises ``DatabaseTimeout`` (an ``OperationalError``, so Django
turns it into ``django.db.OperationalError`` and the 503 page follows) and psycopg2 marks the
connection broken, so Django discards it. The server notices the closed socket and ends the
session (and ``statement_timeout`` ends the statement in any case).

This runs in whatever thread serves the request, so it covers gunicorn's sync and gthread
workers alike.
"""

from __future__ import annotations

import contextvars
import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "database_deadline", default=None
)
_started: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "request_started", default=None
)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@contextmanager
def request_deadline(seconds: float | None) -> Iterator[None]:
    """Waits for the database inside the block end ``seconds`` from now at the latest."""
    now = time.monotonic()
    token = _deadline.set(None if seconds is None else now + seconds)
    started = _started.set(now)
    try:
        yield
    finally:
        _deadline.reset(token)
        _started.reset(started)


def extend_deadline(seconds: float) -> None:
    """Move the current request's deadline to ``seconds`` after it started (for the few views
    allowed longer); never earlier than it was. Restored when ``request_deadline`` ends."""
    deadline, started = _deadline.get(), _started.get()
    if deadline is not None and started is not None:
        _deadline.set(max(deadline, started + seconds))


def current_deadline() -> float | None:
    """The ``time.monotonic()`` by which the current request must be answered, if any."""
    return _deadline.get()


def _limit_for(connecting: bool, now: float) -> float | None:
    """The moment (monotonic) after which this wait gives up, or None for no limit."""
    deadline = _deadline.get()
    own: float | None
    if connecting:
        own = now + _setting("DATABASE_CONNECT_TIMEOUT", 5)
    elif deadline is None:
        statement = _setting("DATABASE_STATEMENT_TIMEOUT", 0)
        own = now + statement + _setting("DATABASE_WAIT_GRACE", 10) if statement > 0 else None
    else:
        own = None
    limits = [t for t in (deadline, own) if t is not None]
    return min(limits) if limits else None


def wait(conn: Any) -> None:
    """psycopg2's wait callback: ``wait_select`` with a time limit."""
    import psycopg2
    from psycopg2 import extensions

    connecting = conn.status == extensions.STATUS_SETUP
    limit = _limit_for(connecting, time.monotonic())
    poller = select.poll()
    registered = None
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        if state == extensions.POLL_READ:
            events = select.POLLIN
        elif state == extensions.POLL_WRITE:
            events = select.POLLOUT
        else:  # pragma: no cover - psycopg2 documents no other state
            raise psycopg2.OperationalError(f"unexpected poll state {state}")
        fd = conn.fileno()
        if registered != (fd, events):
            if registered is not None:
                poller.unregister(registered[0])
            poller.register(fd, events | select.POLLERR | select.POLLHUP)
            registered = (fd, events)
        remaining = None if limit is None else limit - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise DatabaseTimeout(connecting)
        ready = poller.poll(None if remaining is None else max(1, int(remaining * 1000) + 1))
        if not ready and limit is not None and time.monotonic() >= limit:
            raise DatabaseTimeout(connecting)


def _timeout_class() -> Any:
    import psycopg2

    class DatabaseTimeout(psycopg2.OperationalError):
        """The database did not answer in time (see the module's docstring)."""

        def __init__(self, connecting: bool = False):
            what = "connecting to" if connecting else "waiting for"
            super().__init__(f"gave up {what} the database: no answer in time")

    return DatabaseTimeout


try:
    DatabaseTimeout = _timeout_class()
except ImportError:  # pragma: no cover - SQLite-only installations
    DatabaseTimeout = None


def install() -> None:
    """Make every psycopg2 wait go through ``wait`` (process-wide; idempotent)."""
    from psycopg2 import extensions

    extensions.set_wait_callback(wait)


def uses_postgresql() -> bool:
    return any(
        db.get("ENGINE") == "django.db.backends.postgresql" for db in settings.DATABASES.values()
    )
