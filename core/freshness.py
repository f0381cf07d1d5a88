"""Page parts cached until the data they show changes (issue 16).

A board pack or a plan document takes tens of milliseconds of queries and rendering to build,
and is read far more often than its data changes (updates come monthly; boards read packs
daily). Such a part is kept in Django's cache under the **data version** it was built at.

The data version is one number (``core.DataVersion``), raised after every committed
transaction that wrote to a table a page may show. Every SQL statement Django runs passes
``watch_writes`` (a database execute wrapper installed on each new connection), so saves, bulk
inserts, ``QuerySet.update()``, deletes and raw SQL are all seen, whichever code ran them: a
model, the admin, an import, a task, a management command. Writes to the tables that hold no
page data (sessions, rate limits, jobs, the audit log...) are left out: ``IGNORED_TABLES``.

Why this cannot serve stale data:
- the number is raised only once the writing transaction has committed (in autocommit, at
  once), and a reader reads the number *before* it reads any of the data (a view reads it
  before its object); so a part stored under a number was built from data at least as new as
  that number's;
- a connection with uncommitted writes of its own reads no version (``None``): its parts are
  built fresh and not stored (a request that writes, or a test inside one transaction);
- a database with no version recorded yet (new, or just flushed) caches nothing until its
  first write; the number is the clock's nanoseconds (raised by one when the clock is behind),
  so no number is used twice, even after a rollback or a flush;
- each entry also expires (``timeout``), which bounds the harm if a process died between its
  commit and raising the number, and keeps time-dependent parts (overdue is judged on a date)
  close to the clock.

The cache is Django's default cache (``CACHE_URL``): per process by default, shared (e.g.
Redis or the database cache) when set. ADR 0019 records the choice.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")

logger = logging.getLogger("core.freshness")

#: Tables whose writes never change what a cached part shows: the version itself, sessions,
#: rate limits, sign-in attempts, the job queue and its records, worker heartbeats, the audit
#: log, API usage records and stored pack files. Any other table counts.
IGNORED_TABLES = frozenset(
    {
        "core_dataversion",
        "django_session",
        "core_ratelimit",
        "core_job",
        "core_workerheartbeat",
        "django_tasks_database_dbtaskresult",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "plans_auditevent",
        "django_admin_log",
        "api_apikeyuse",
        "api_idempotentrequest",
        "boards_packfile",
    }
)

_WRITE = re.compile(
    r"""^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|REPLACE\s+INTO)
        \s+[`"\[]?([A-Za-z0-9_]+)""",
    re.IGNORECASE | re.VERBOSE,
)

_MISSING = object()


def written_table(sql: str) -> str | None:
    """The table a statement writes to, or None for a statement that writes nothing."""
    match = _WRITE.match(sql)
    return match.group(1).lower() if match else None


def _bumper(alias: str) -> Callable[[], None]:
    """The one on-commit callback per database (one object, so that a transaction registers it
    once however many statements it runs)."""
    if alias not in _BUMPERS:
        _BUMPERS[alias] = lambda: bump(using=alias)
    return _BUMPERS[alias]


_BUMPERS: dict[str, Callable[[], None]] = {}


def _pending(connection: BaseDatabaseWrapper) -> bool:
    """Whether the connection's open transaction has written page data not yet committed."""
    bumper = _bumper(connection.alias)
    return any(item[1] is bumper for item in connection.run_on_commit)


class _Migrating:
    """Whether ``migrate`` is running in this process: its writes are not counted (the version's
    own table may not exist yet); the version is raised once it has finished."""

    running = False


def migration_started(sender: Any = None, **kwargs: Any) -> None:
    _Migrating.running = True


def migration_finished(sender: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if _Migrating.running:
        _Migrating.running = False
        bump(using=using)


def watch_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Execute wrapper: after a statement that wrote page data, raise the version when its
    transaction commits (at once in autocommit)."""
    result = execute(sql, params, many, context)
    if _Migrating.running:
        return result
    table = written_table(sql) if isinstance(sql, str) else None
    if table is not None and table not in IGNORED_TABLES:
        changed(using=context["connection"].alias)
    return result


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Page data was written on this connection: raise the version when the transaction
    commits (at once in autocommit). Called by ``watch_writes``, and by code that writes past
    Django's statements (a PostgreSQL COPY)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        try:
            bump(using=using)
        except DatabaseError:  # e.g. new code on a database not yet migrated
            logger.exception("The data version could not be raised")
    elif not _pending(connection):
        transaction.on_commit(_bumper(using), using=using, robust=True)


def install(
    sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any
) -> None:
    """Put ``watch_writes`` on a new connection (``connection_created``)."""
    if connection is not None and watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise the data version to the clock's nanoseconds, or by one when that would not raise
    it (another server's clock ahead): so a number is never used twice, even when the
    transaction that raised it is rolled back (a test's) or the row is flushed and made again."""
    from core.models import DataVersion

    rows = DataVersion.objects.using(using)
    raised = Greatest(F("number") + 1, Value(time.time_ns(), output_field=BigIntegerField()))
    if rows.filter(pk=1).update(number=raised):
        return
    # Made by a plain INSERT in autocommit: this may run while the statement that wrote is
    # still being read (an INSERT ... RETURNING on SQLite), when a COMMIT would fail.
    connection = connections[using]
    try:
        if connection.in_atomic_block:
            with transaction.atomic(using=using):
                rows.create(pk=1, number=time.time_ns())
        else:
            rows.create(pk=1, number=time.time_ns())
    except IntegrityError:  # another process made it first
        rows.filter(pk=1).update(number=raised)


def data_version(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The data version (one query), or None when nothing may be cached now: the connection has
    uncommitted writes of its own, or the database has no version yet."""
    from core.models import DataVersion

    if _pending(connections[using]):
        return None
    return DataVersion.objects.using(using).filter(pk=1).values_list("number", flat=True).first()


def cached(
    key: str,
    build: Callable[[], T],
    *,
    version: int | None,
    timeout: int,
    using: str = DEFAULT_DB_ALIAS,
) -> T:
    """``build()``, or what it returned before at the same data version (see the module's
    docstring); nothing is kept when ``version`` is None. ``version`` is ``data_version()`` read
    *before* any of the data the part shows, the records passed to ``build`` included (a view
    reads it before its object). ``key`` names the part and whatever it depends on besides the
    data (the record, the day, the format's version)."""
    if version is None:
        return build()
    database = connections[using].settings_dict.get("NAME")
    full_key = f"fresh:{database}:{version}:{key}"
    value: Any = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(full_key, value, timeout)
    return value


def cached_html(
    key: str,
    template_name: str,
    context: Callable[[], dict],
    *,
    version: int | None,
    timeout: int,
) -> SafeString:
    """A template rendered with ``context()``, kept until the data changes (``cached``): for a
    page's content that is the same for everyone allowed to see it, rendered without the
    request (so nothing of the user's may be in it)."""
    html = cached(
        key, lambda: render_to_string(template_name, context()), version=version, timeout=timeout
    )
    return mark_safe(html)  # noqa: S308 # nosec B308 B703 - rendered by our autoescaped template


def query_key(data: QueryDict) -> str:
    """A short, stable name for a page's GET parameters (their order does not matter)."""
    pairs = sorted((name, sorted(data.getlist(name))) for name in data)
    return hashlib.sha256(repr(pairs).encode()).hexdigest()[:24]
