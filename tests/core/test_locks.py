"""core.locks: a lock held across app servers (a transaction-level advisory lock on PostgreSQL)."""

import pytest
from django.conf import settings
from django.db import connection, transaction

from core.locks import exclusive, lock_key


def test_lock_keys_are_stable_and_distinct():
    assert lock_key("update-reminders") == lock_key("update-reminders")
    assert lock_key("update-reminders") != lock_key("something-else")
    assert -(2**63) <= lock_key("update-reminders") < 2**63


def test_exclusive_needs_a_transaction():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        exclusive("update-reminders")


@pytest.mark.django_db(transaction=True)
def test_another_connection_cannot_take_the_lock_until_the_transaction_ends():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serialises writers at BEGIN")
    import psycopg2

    db = settings.DATABASES["default"]
    other = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    other.autocommit = True
    key = lock_key("update-reminders")

    def other_gets_it() -> bool:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            got = cursor.fetchone()[0]
            if got:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            return got

    try:
        with transaction.atomic():
            exclusive("update-reminders")
            assert other_gets_it() is False
        assert other_gets_it() is True
    finally:
        other.close()
