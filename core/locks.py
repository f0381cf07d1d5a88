"""Locks that hold across every app server and worker (issue 16, several app servers).

``exclusive(name)`` serialises a transaction with every other transaction that asks for the same
name, on whichever machine it runs: on PostgreSQL a transaction-level advisory lock, released
when the transaction ends (commit, rollback or a dropped connection, so it cannot be left held).
SQLite needs none: its transactions take the database's write lock at BEGIN (config/settings,
"transaction_mode": "IMMEDIATE"), which already serialises writers. Never a lock in process
memory: a second app server would not see it.
"""

import hashlib

from django.db import connection, transaction


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL's advisory lock keys are bigint)."""
    digest = hashlib.sha256(f"improvement-plans:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def exclusive(name: str) -> None:
    """Wait for, then hold until the current transaction ends, the lock called ``name``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exclusive() must be called inside transaction.atomic().")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])
