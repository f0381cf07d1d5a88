"""The data version behind cached page parts (core/freshness.py): raised after every committed
write to page data, whichever way it was written; never raised by writes that are rolled back or
that touch only bookkeeping tables; never used twice; and nothing cached while a connection has
uncommitted writes of its own."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core import freshness
from core.models import DataVersion, Organisation, RateLimit


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "actions_statusupdate" ("rating") VALUES (%s)', "actions_statusupdate"),
        ('UPDATE "actions_action" SET "version" = 2', "actions_action"),
        ('  delete from "plans_plan" WHERE id = 1', "plans_plan"),
        ('TRUNCATE "measures_measurevalue" RESTART IDENTITY CASCADE', "measures_measurevalue"),
        ("TRUNCATE TABLE plans_meeting", "plans_meeting"),
        ("INSERT INTO `priorities_priority` VALUES (1)", "priorities_priority"),
        ('SELECT "id" FROM "actions_action" WHERE "id" IN (SELECT 1)', None),
        ("SAVEPOINT s1", None),
        ("WITH x AS (SELECT 1) SELECT * FROM x", None),
    ],
)
def test_the_table_a_statement_writes_to(sql, table):
    assert freshness.written_table(sql) == table


def version():
    return DataVersion.objects.filter(pk=1).values_list("number", flat=True).first()


def organisation(name="Northshire County Council"):
    return Organisation.objects.create(name=name)


@pytest.mark.django_db(transaction=True)
class TestTheVersion:
    def test_a_database_with_no_version_caches_nothing_until_its_first_write(self):
        DataVersion.objects.all().delete()
        assert freshness.data_version() is None
        built = []
        for _ in range(2):
            freshness.cached(
                "part",
                lambda: built.append(1) or len(built),
                version=freshness.data_version(),
                timeout=60,
            )
        assert built == [1, 1]
        organisation()
        assert freshness.data_version() is not None

    def test_a_committed_save_raises_it_and_the_part_is_built_again(self):
        organisation("First Council")
        first = version()
        builds = []

        def build():
            builds.append(Organisation.objects.count())
            return builds[-1]

        assert freshness.cached("count", build, version=freshness.data_version(), timeout=60) == 1
        assert freshness.cached("count", build, version=freshness.data_version(), timeout=60) == 1
        assert builds == [1]  # the second read came from the cache
        organisation("Second Council")
        assert version() > first
        assert freshness.cached("count", build, version=freshness.data_version(), timeout=60) == 2
        assert builds == [1, 2]

    @pytest.mark.parametrize(
        "write",
        [
            pytest.param(
                lambda o: Organisation.objects.filter(pk=o.pk).update(name="X"), id="update"
            ),
            pytest.param(
                lambda o: Organisation.objects.bulk_create([Organisation(name="Bulk")]),
                id="bulk_create",
            ),
            pytest.param(lambda o: Organisation.objects.filter(pk=o.pk).delete(), id="delete"),
            pytest.param(
                lambda o: connection.cursor().execute(
                    "UPDATE plans_organisation SET short_name = %s", ["raw"]
                ),
                id="raw SQL",
            ),
        ],
    )
    def test_every_way_of_writing_raises_it(self, write):
        made = organisation()
        before = version()
        write(made)
        assert version() > before

    def test_a_part_built_after_a_write_is_kept_under_the_version_read_before_it(self):
        """A view reads the version, then its records: a write committed in between is in the
        part it builds, which is kept under the older version; a reader after the write reads
        the newer version and builds again, never the other way round."""
        organisation("First Council")
        before_the_data = freshness.data_version()
        organisation("Second Council")  # committed between the version and the data
        count = freshness.cached(
            "count", Organisation.objects.count, version=before_the_data, timeout=60
        )
        assert count == 2
        assert freshness.data_version() != before_the_data
        builds = []
        freshness.cached(
            "count", lambda: builds.append(1), version=freshness.data_version(), timeout=60
        )
        assert builds == [1]

    def test_writes_to_bookkeeping_tables_do_not_raise_it(self):
        organisation()
        before = version()
        RateLimit.objects.create(key="k", window_start=int(timezone.now().timestamp()), count=1)
        RateLimit.objects.filter(key="k").update(count=2)
        assert version() == before

    def test_inside_a_transaction_it_is_raised_at_commit_and_nothing_is_cached_before(self):
        organisation()
        before = version()
        with transaction.atomic():
            Organisation.objects.create(name="Inside")
            Organisation.objects.create(name="Inside too")
            assert version() == before  # not yet committed
            # The connection's own uncommitted writes: no version, so a part built now (it
            # may show them) is neither read from nor kept in the cache.
            assert freshness.data_version() is None
            assert (
                freshness.cached(
                    "own", lambda: "uncommitted", version=freshness.data_version(), timeout=60
                )
                == "uncommitted"
            )
        assert version() > before
        assert (
            freshness.cached(
                "own", lambda: "committed", version=freshness.data_version(), timeout=60
            )
            == "committed"
        )

    def test_a_rolled_back_write_does_not_raise_it(self):
        organisation()
        before = version()
        with pytest.raises(RuntimeError), transaction.atomic():
            Organisation.objects.create(name="Never")
            raise RuntimeError
        assert version() == before
        assert freshness.data_version() == before

    def test_a_write_rolled_back_to_a_savepoint_leaves_the_rest_counted(self):
        organisation()
        before = version()
        with transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                Organisation.objects.create(name="Rolled back")
                raise RuntimeError
            assert freshness.data_version() == before  # nothing of ours is pending now
            Organisation.objects.create(name="Kept")
            assert freshness.data_version() is None
        assert version() > before

    def test_a_number_is_never_used_twice_even_after_a_rollback(self):
        organisation()
        seen = set()
        for _ in range(3):
            with pytest.raises(RuntimeError), transaction.atomic():
                freshness.bump()
                seen.add(version())
                raise RuntimeError
        freshness.bump()
        seen.add(version())
        assert len(seen) == 4

    def test_it_keeps_rising_when_a_clock_is_behind(self):
        organisation()
        ahead = version() + int(timedelta(days=1).total_seconds() * 1e9)
        DataVersion.objects.filter(pk=1).update(number=ahead)
        freshness.bump()
        assert version() == ahead + 1
