"""Logging that an operator can follow one request through (docs/security.md, "Logs").

- ``RequestFieldsFilter`` puts ``request_id`` and ``user_id`` on every record logged while a
  request is served (``-`` outside requests), so every line of one request can be found by its
  id (also sent back to the browser as ``X-Request-ID``).
- ``DatabaseOutageFilter`` drops Django's "Internal Server Error" record (and its traceback) for
  an error that only says the database cannot be reached: ``config.middleware`` answers those
  with the 503 page and logs one warning per request (and one error when the outage starts).
- ``JsonFormatter`` writes one JSON object per line (``LOG_FORMAT=json``) for log collectors.
"""

from __future__ import annotations

import contextvars
import json
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
user_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("user_id", default="-")

PLAIN_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s user_id=%(user_id)s %(message)s"
)


class RequestFieldsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        return True


def _database_errors():
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


class DatabaseOutageFilter(logging.Filter):
    """Attached to the ``django.request`` logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        seen = set()
        while exc is not None and id(exc) not in seen:  # also one raised while handling it
            if isinstance(exc, _database_errors()):
                return False
            seen.add(id(exc))
            exc = exc.__cause__ or exc.__context__
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def safe_for_log(text: str, limit: int = 300) -> str:
    """Text from a request as it may go into a log line: control characters (a forged line
    break, say) escaped, and cut to ``limit`` characters."""
    escaped = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    return escaped if len(escaped) <= limit else escaped[:limit] + "..."
