"""A database made and used at the previous schema (commit 8ea4d9f, before organisations,
people, the audit log, boards and imports moved out of the plans app) migrates to the current
schema without losing or changing anything.

The test never touches the suite's test database. It makes its own scratch database (a SQLite
file, or a PostgreSQL database of its own when the suite runs on PostgreSQL) and drives both
codebases in subprocesses, as an upgrade would:

1. the previous code (``git archive 8ea4d9f``) migrates it, loads the demo data and adds what
   users add (status updates, a new organisation and person, a board change with its history,
   an issued board pack, audit events, imports, reminders, admin log entries, per-user
   permissions, a non-superuser administrator);
2. plain SQL records the schema and every row of every table;
3. the current code migrates it;
4. plain SQL checks that nothing in the schema was dropped or altered and that every row of
   every table is unchanged (only django_migrations grows), that the moved models' content types
   changed app and kept their ids (so permissions, group permissions and admin log entries
   follow), and the current code reads every row of every moved model through its ORM, equal
   to the SQL, writes new rows, and finds no model changes without a migration.
"""

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = "8ea4d9fd69cbe86ba036e88486fa20854127c70d"  # the commit before the move

# model -> the app that owns it now (all were in "plans" at PREVIOUS).
MOVED_MODELS = {
    "organisation": "core",
    "person": "core",
    "auditevent": "core",
    "board": "boards",
    "boardmembership": "boards",
    "meeting": "boards",
    "issuedpack": "boards",
    "historicalboard": "boards",
    "historicalboard_plans": "boards",
    "planimport": "transfer",
}
MOVED_TABLES = [
    "plans_organisation",
    "plans_person",
    "plans_auditevent",
    "plans_board",
    "plans_board_plans",
    "plans_boardmembership",
    "plans_meeting",
    "plans_issuedpack",
    "plans_historicalboard",
    "plans_historicalboard_plans",
    "plans_planimport",
]
# Tables that point at the moved models' rows or content types: they must have rows too, or the
# comparison proves nothing about them.
REFERRING_TABLES = [
    "plans_plan_partners",
    "actions_action_partners",
    "actions_action_delegates",
    "actions_action_supporting_officers",
    "actions_remindersent",
    "django_admin_log",
    "auth_user_user_permissions",
    "auth_group_permissions",
]
NEW_MIGRATIONS = {
    ("core", "0001_initial"),
    ("boards", "0001_initial"),
    ("transfer", "0001_initial"),
    ("plans", "0005_models_moved_out"),
    ("actions", "0004_people_in_core"),
    ("measures", "0002_people_in_core"),
    ("priorities", "0002_people_in_core"),
}
# Tables allowed to gain rows: the migration record, and content types and permissions of models
# that are new (checked below: none may duplicate a moved model).
GROWING_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group_permissions",
}

pytestmark = pytest.mark.slow

# --- what users do at the previous schema (run by the previous code) -------------------------

FILL = r"""
import json
from datetime import date, timedelta

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from actions import services
from actions.models import Action, ReminderSent, ReportingPeriod
from plans import audit, packs
from plans.models import (
    AuditEvent, Board, BoardMembership, Meeting, Organisation, Person, Plan, PlanImport,
)

admin = User.objects.get(username="admin")
jane = User.objects.get(username="jane.smith")
# An administrator as the product intends: staff, in the Administrators group, not superuser,
# so that their permissions come from the group (and so from the content types).
keeper = User.objects.create_user(username="records.keeper", password="x-not-used-1", is_staff=True)
keeper.groups.add(Group.objects.get(name="Administrators"))

plan = Plan.objects.order_by("id").first()
org = Organisation.objects.create(
    name="Tees Valley Partnership – Ōtautahi", short_name="TVP", kind="partnership"
)
person = Person.objects.create(
    slug="zoe-obrien", name="Zoë O'Brien", job_title="Head of “Quality”", organisation=org,
    email="zoe@example.org", user=keeper,
)
for i, action in enumerate(Action.objects.order_by("id")[:3]):
    action.delegates.add(person)
    action.supporting_officers.add(person)
    action.partners.add(org)
    services.status_update_record(
        action=action,
        lifecycle=["in_progress", "in_progress", "complete"][i],
        confidence=["red", "amber", ""][i],
        commentary=f"Update {i}: ünïcödé, quotes ' \" and a newline\nsecond line",
        author=jane,
        expected_version=action.version,
        reason=services.Reason(
            issue="Staffing", mitigation="Agency cover", resolve_by=date(2027, 3, 31)
        ) if i == 0 else None,
    )
plan.partners.add(org)

board = Board.objects.order_by("id").first()
board.cadence_note = "Changed before the upgrade: “third Thursday”"
board.save()  # a historical board row
board.plans.add(*Plan.objects.exclude(pk__in=board.plans.all()).order_by("id")[:1])
board.save()  # a historical board row with its plans (the m2m history)
BoardMembership.objects.create(board=board, person=person, role="partner")
meeting = Meeting.objects.create(
    board=board, date=timezone.localdate() - timedelta(days=400), title="Before the upgrade",
    kind="workshop",
)
pack = packs.pack_issue(meeting=meeting, issued_by=admin)  # an IssuedPack and an AuditEvent
audit.record(AuditEvent.Kind.EXPORT, user=admin, summary="Exported a plan", plan=plan, fmt="xlsx")
failed = audit.record(AuditEvent.Kind.SIGN_IN_FAILED, username="nobody-ñ", summary="Sign-in failed")
AuditEvent.objects.filter(pk=failed.pk).update(ip_address="2001:db8::1")

PlanImport.objects.create(
    kind="plan", status="previewed", uploaded_by=admin, filename="plan.xlsx",
    content=bytes(range(256)) * 4, options={"sheet": "Actions", "map": {"A": "title"}},
    result={"rows": 12, "errors": []}, plan=None,
)
PlanImport.objects.create(
    kind="measure_values", status="committed", uploaded_by=jane, filename="values – Q1.xlsx",
    content=b"PK\x03\x04\x00\xff", options={}, result={"created": 3, "note": "ünïcödé"},
    plan=plan, committed_at=timezone.now(),
)
ReminderSent.objects.create(
    kind="digest", person=person, period=ReportingPeriod.objects.order_by("id").first(),
    action_count=3,
)
for obj, flag in ((org, ADDITION), (board, CHANGE), (person, CHANGE), (pack, ADDITION)):
    LogEntry.objects.create(
        user=admin, content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
        object_repr=str(obj)[:200], action_flag=flag,
        change_message='[{"changed": {"fields": ["Name"]}}]',
    )
jane.user_permissions.add(
    Permission.objects.get(content_type__app_label="plans", codename="change_board"),
    Permission.objects.get(content_type__app_label="plans", codename="view_planimport"),
)
print("RESULT:" + json.dumps({"pack": pack.pk, "organisation": org.pk, "person": person.pk}))
"""

# --- what the current code must read and do after the upgrade (run by the current code) -------

CHECK = r"""
import hashlib, json
from datetime import UTC, date, datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import transaction

from boards.models import Board, BoardMembership, IssuedPack, Meeting
from core.models import AuditEvent, Organisation, Person
from transfer.models import PlanImport


def plain(value):
    if isinstance(value, memoryview | bytes):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


MODELS = {
    "core.Organisation": Organisation,
    "core.Person": Person,
    "core.AuditEvent": AuditEvent,
    "boards.Board": Board,
    "boards.BoardMembership": BoardMembership,
    "boards.Meeting": Meeting,
    "boards.IssuedPack": IssuedPack,
    "boards.HistoricalBoard": Board.history.model,
    "boards.HistoricalBoard_plans": apps.get_model("boards", "HistoricalBoard_plans"),
    "transfer.PlanImport": PlanImport,
}
out = {"models": {}, "m2m": {}}
for label, model in MODELS.items():
    fields = [f for f in model._meta.concrete_fields]
    manager = model._default_manager
    forward = [f.name for f in fields if f.is_relation]
    rows = {}
    for obj in manager.select_related(*forward).order_by("pk"):
        str(obj)
        for name in forward:
            getattr(obj, name)  # every related row loads (None where a history row's is gone)
        rows[str(obj.pk)] = [plain(getattr(obj, f.attname)) for f in fields]
    out["models"][label] = {
        "table": model._meta.db_table,
        "app_label": model._meta.app_label,
        "pk": model._meta.pk.column,
        "columns": [f.column for f in fields],
        "types": [f.get_internal_type() for f in fields],
        "rows": rows,
        "count": manager.count(),
    }
out["history_count"] = Board.history.count()
out["m2m"]["boards.Board.plans"] = sorted(
    [b.pk, p.pk] for b in Board.objects.prefetch_related("plans") for p in b.plans.all()
)
out["m2m"]["core.Organisation.partner_plans"] = sorted(
    [o.pk, p.pk] for o in Organisation.objects.prefetch_related("partner_plans")
    for p in o.partner_plans.all()
)
out["m2m"]["core.Person.delegated_actions"] = sorted(
    [p.pk, a.pk] for p in Person.objects.prefetch_related("delegated_actions")
    for a in p.delegated_actions.all()
)
out["history_plans"] = sorted(
    [h.history_id, sorted(m.plan_id for m in h.plans.all())]
    for h in Board.history.all()
)
out["log_entries"] = sorted(
    [e.pk, e.content_type.app_label, e.content_type.model, e.get_edited_object()._meta.label]
    for e in LogEntry.objects.select_related("content_type")
)
keeper = User.objects.get(username="records.keeper")
jane = User.objects.get(username="jane.smith")
out["keeper_superuser"] = keeper.is_superuser
out["keeper_perms"] = sorted(p for p in keeper.get_all_permissions() if "." in p)
out["jane_perms"] = sorted(jane.get_user_permissions())
out["keeper_person"] = keeper.person.slug

# The current code writes new rows in the moved tables (sequences and constraints intact).
with transaction.atomic():
    from core import audit
    org = Organisation.objects.create(name="After the upgrade", kind="council")
    person = Person.objects.create(slug="after-upgrade", name="After", organisation=org)
    board = Board.objects.create(name="After the upgrade board", organisation=org)
    board.plans.add(*apps.get_model("plans", "Plan").objects.order_by("pk")[:1])
    BoardMembership.objects.create(board=board, person=person)
    meeting = Meeting.objects.create(board=board, date=date(2030, 1, 1))
    event = audit.record(AuditEvent.Kind.EXPORT, user=keeper, summary="after")
    upload = PlanImport.objects.create(uploaded_by=keeper, filename="x.xlsx", content=b"\x00")
    out["new_pks"] = {
        "core.Organisation": org.pk, "core.Person": person.pk, "boards.Board": board.pk,
        "boards.Meeting": meeting.pk, "core.AuditEvent": event.pk,
        "transfer.PlanImport": upload.pk,
        "boards.HistoricalBoard": board.history.latest().history_id,
    }
    transaction.set_rollback(True)
print("RESULT:" + json.dumps(out))
"""


# --- scratch databases -------------------------------------------------------------------------


class ScratchSQLite:
    vendor = "sqlite"

    def __init__(self, directory: Path):
        self.path = directory / "upgrade.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def connect(self):
        import sqlite3

        return contextlib.closing(sqlite3.connect(self.path))

    def drop(self):
        pass

    @staticmethod
    def tables(cursor) -> list[str]:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return [name for (name,) in cursor.fetchall()]

    def schema(self, cursor) -> dict:
        items = {}
        for table in self.tables(cursor):
            cursor.execute(f'PRAGMA table_info("{table}")')
            for _cid, name, kind, notnull, default, pk in cursor.fetchall():
                items[("column", table, name)] = (kind, notnull, default, pk)
            cursor.execute(f'PRAGMA foreign_key_list("{table}")')
            for row in cursor.fetchall():
                items[("foreign key", table, row[3])] = (row[2], row[4], row[5], row[6])
        cursor.execute(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
            "AND name NOT LIKE 'sqlite_%'"
        )
        for table, name, sql in cursor.fetchall():
            items[("index", table, name)] = (sql,)
        return items

    @staticmethod
    def sequences(cursor) -> dict:
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return dict(cursor.fetchall())


class ScratchPostgres:
    vendor = "postgresql"

    def __init__(self):
        import psycopg2

        db = settings.DATABASES["default"]
        self.name = f"ipt_upgrade_scratch_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        assert self.name != db["NAME"] and self.name != (db.get("TEST") or {}).get("NAME")
        self.params = {
            "host": db["HOST"] or "127.0.0.1",
            "port": int(db["PORT"] or 5432),
            "user": db["USER"] or "postgres",
            "password": db["PASSWORD"] or None,
        }
        auth = self.params["user"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        self.url = f"postgres://{auth}@{self.params['host']}:{self.params['port']}/{self.name}"
        admin = psycopg2.connect(dbname="postgres", **self.params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.name}"')
        admin.close()

    def connect(self):
        import psycopg2

        return contextlib.closing(psycopg2.connect(dbname=self.name, **self.params))

    def drop(self):
        import psycopg2

        admin = psycopg2.connect(dbname="postgres", **self.params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        admin.close()

    @staticmethod
    def tables(cursor) -> list[str]:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        return [name for (name,) in cursor.fetchall()]

    def schema(self, cursor) -> dict:
        items = {}
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, "
            "character_maximum_length, numeric_precision, is_identity FROM "
            "information_schema.columns WHERE table_schema = 'public'"
        )
        for table, name, *rest in cursor.fetchall():
            items[("column", table, name)] = tuple(rest)
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        )
        for table, name, definition in cursor.fetchall():
            items[("constraint", table, name)] = (definition,)
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        )
        for table, name, definition in cursor.fetchall():
            items[("index", table, name)] = (definition,)
        return items

    @staticmethod
    def sequences(cursor) -> dict:
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        return dict(cursor.fetchall())


@pytest.fixture
def scratch_database(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        scratch = ScratchPostgres()
    else:
        scratch = ScratchSQLite(tmp_path)
    try:
        yield scratch
    finally:
        scratch.drop()


# --- helpers -----------------------------------------------------------------------------------


def git(*args) -> subprocess.CompletedProcess:
    try:
        command = ["git", "-C", str(ROOT), *args]  # noqa: S607 - git from PATH, as CI has it
        return subprocess.run(command, capture_output=True, check=False)  # noqa: S603
    except FileNotFoundError:
        pytest.fail("git is needed to check out the previous schema and cannot be found")


def previous_tree(directory: Path) -> Path:
    """The code at PREVIOUS, extracted from git. Fails loudly when git or the commit is missing,
    except in a shallow clone that lacks it (skipped, with the reason printed)."""
    found = git("cat-file", "-e", f"{PREVIOUS}^{{commit}}")
    if found.returncode != 0:
        shallow = git("rev-parse", "--is-shallow-repository").stdout.decode().strip()
        if shallow == "true":
            reason = (
                f"commit {PREVIOUS} (the previous schema) is not in this shallow clone: "
                "fetch the full history (git fetch --unshallow) to run the upgrade test"
            )
            print(reason)
            pytest.skip(reason)
        pytest.fail(
            f"commit {PREVIOUS} (the previous schema) cannot be found in the repository at "
            f"{ROOT}: {found.stderr.decode().strip()}"
        )
    archive = git("archive", "--format=tar", PREVIOUS)
    assert archive.returncode == 0, archive.stderr.decode()
    tree = directory / "previous"
    tree.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(tree, filter="data")
        else:  # pragma: no cover - Python before 3.11.4
            tar.extractall(tree)  # noqa: S202 - our own repository's archive
    assert (tree / "manage.py").exists()
    return tree


def manage(cwd: Path, database_url: str, *args, timings: dict, label: str) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        PYTHONDONTWRITEBYTECODE="1",
    )
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    timings[label] = round(time.monotonic() - started, 1)
    assert result.returncode == 0, (
        f"{label}: manage.py {args[0]} exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-8000:]}"
    )
    return result.stdout


def result_of(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT:")]
    assert lines, stdout[-4000:]
    return json.loads(lines[-1][len("RESULT:") :])


def hashable(value):
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def snapshot(scratch) -> dict:
    """The schema, the sequences and every row of every table, by plain SQL."""
    with scratch.connect() as connection:
        cursor = connection.cursor()
        data = {}
        for table in scratch.tables(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            columns = [column[0] for column in cursor.description]
            rows = [tuple(hashable(value) for value in row) for row in cursor.fetchall()]
            data[table] = {"columns": columns, "rows": rows}
        state = {
            "tables": data,
            "schema": scratch.schema(cursor),
            "sequences": scratch.sequences(cursor),
        }
        cursor.close()
    return state


def rows_of(scratch, table: str, columns: list[str]) -> list[tuple]:
    """The rows of ``table``, only ``columns`` (the ones it had before), by plain SQL."""
    with scratch.connect() as connection:
        cursor = connection.cursor()
        selected = ", ".join(f'"{column}"' for column in columns)
        cursor.execute(f'SELECT {selected} FROM "{table}"')
        rows = [tuple(hashable(value) for value in row) for row in cursor.fetchall()]
        cursor.close()
    return rows


def as_dicts(table: dict) -> list[dict]:
    return [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]


def by_id(table: dict, key: str = "id") -> dict:
    return {row[key]: row for row in as_dicts(table)}


def raw_plain(value, kind: str):
    """A raw SQL value as the check script's ``plain`` gives the ORM's (to compare them)."""
    if value is None:
        return None
    if kind == "BinaryField":
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if kind == "JSONField":
        return json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True)
    if kind == "DateTimeField":
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if kind == "DateField":
        return value if isinstance(value, str) else value.isoformat()
    if kind == "BooleanField":
        return bool(value)
    if kind == "DecimalField":
        return str(Decimal(str(value)))
    return value


def counter_difference(before: list, after: list) -> tuple[list, list]:
    old, new = Counter(before), Counter(after)
    return list((old - new).elements()), list((new - old).elements())


def short(rows: list, limit: int = 3) -> str:
    shown = [repr(row)[:300] for row in rows[:limit]]
    return "; ".join(shown) + (f" (and {len(rows) - limit} more)" if len(rows) > limit else "")


# --- the test ----------------------------------------------------------------------------------


def test_a_database_at_the_previous_schema_migrates_without_losing_or_changing_data(
    scratch_database, tmp_path
):
    scratch = scratch_database
    timings: dict[str, float] = {}
    started = time.monotonic()
    tree = previous_tree(tmp_path)

    # 1. The previous code makes and fills the database.
    manage(tree, scratch.url, "migrate", "--noinput", timings=timings, label="previous migrate")
    manage(tree, scratch.url, "load_demo", timings=timings, label="previous load_demo")
    filled = result_of(
        manage(tree, scratch.url, "shell", "-c", FILL, timings=timings, label="previous use")
    )

    # 2. Everything, by plain SQL.
    before = snapshot(scratch)
    tables = before["tables"]
    empty = [t for t in MOVED_TABLES + REFERRING_TABLES if not tables[t]["rows"]]
    assert not empty, f"the previous database should have rows in {empty}"
    assert not any(t.startswith(("core_", "boards_", "transfer_")) for t in tables)
    content_types_before = by_id(tables["django_content_type"])
    moved_type_ids = {
        row["id"]: row["model"]
        for row in content_types_before.values()
        if row["app_label"] == "plans" and row["model"] in MOVED_MODELS
    }
    assert set(moved_type_ids.values()) == set(MOVED_MODELS), "a moved model had no content type"
    permissions_before = by_id(tables["auth_permission"])
    moved_permissions = {
        pk for pk, row in permissions_before.items() if row["content_type_id"] in moved_type_ids
    }
    assert len(moved_permissions) == 4 * len(MOVED_MODELS)
    groups = {row["name"]: row["id"] for row in as_dicts(tables["auth_group"])}
    administrators = groups["Administrators"]
    granted_before = {
        (row["group_id"], row["permission_id"])
        for row in as_dicts(tables["auth_group_permissions"])
    }
    assert {(administrators, pk) for pk in moved_permissions} <= granted_before

    # 3. The current code migrates it.
    migrated = manage(ROOT, scratch.url, "migrate", "--noinput", timings=timings, label="migrate")
    after = snapshot(scratch)
    problems: list[str] = []

    # 4a. The schema is as it was: nothing dropped, retyped or renamed (new items are listed).
    for key, definition in before["schema"].items():
        now = after["schema"].get(key)
        if now is None:
            problems.append(f"{' '.join(key)} is gone")
        elif now != definition:
            problems.append(f"{' '.join(key)} changed from {definition} to {now}")
    added_schema = sorted(set(after["schema"]) - set(before["schema"]))

    # 4b. Sequences (next ids) are where they were.
    for name, value in before["sequences"].items():
        if name.startswith("django_migrations") or any(name.startswith(t) for t in GROWING_TABLES):
            continue
        if after["sequences"].get(name) != value:
            problems.append(f"sequence {name} moved from {value} to {after['sequences'].get(name)}")

    # 4c. Every row of every table, every column it had: the same (row counts included).
    counts = {}
    for table, old in tables.items():
        if table not in after["tables"]:
            problems.append(f"table {table} is gone ({len(old['rows'])} rows)")
            continue
        if table == "django_content_type":
            continue  # below: the moved models' rows change app, on purpose
        new_rows = rows_of(scratch, table, old["columns"])
        counts[table] = (len(old["rows"]), len(new_rows))
        lost, gained = counter_difference(old["rows"], new_rows)
        if lost:
            problems.append(f"{table}: {len(lost)} rows lost or changed: {short(lost)}")
        if gained and table not in GROWING_TABLES:
            problems.append(f"{table}: {len(gained)} rows appeared or changed: {short(gained)}")

    # 4d. The migrations recorded: the seven of the move, on top of all the previous ones.
    recorded_before = {(r["app"], r["name"]) for r in as_dicts(tables["django_migrations"])}
    migrations_after = as_dicts(after["tables"]["django_migrations"])
    recorded_now = {(r["app"], r["name"]) for r in migrations_after}
    missing = NEW_MIGRATIONS - (recorded_now - recorded_before)
    if missing:
        problems.append(f"migrations not applied: {sorted(missing)}")

    # 4e. Content types: same ids; the moved models' now in their new apps; no duplicates.
    content_types_after = by_id(after["tables"]["django_content_type"])
    for pk, row in content_types_before.items():
        wanted = dict(row)
        if pk in moved_type_ids:
            wanted["app_label"] = MOVED_MODELS[row["model"]]
        if content_types_after.get(pk) != wanted:
            problems.append(f"content type {pk} is {content_types_after.get(pk)}, not {wanted}")
    new_types = [row for pk, row in content_types_after.items() if pk not in content_types_before]
    for row in new_types:
        if row["model"] in MOVED_MODELS:
            problems.append(f"a second content type for a moved model: {row}")
    if any(
        row["app_label"] == "plans" and row["model"] in MOVED_MODELS
        for row in content_types_after.values()
    ):
        problems.append("a moved model still has a content type in plans")

    # 4f. Permissions: unchanged rows (checked above), new ones only for new content types; the
    # Administrators group keeps every permission on the moved models, now in their new apps.
    for row in as_dicts(after["tables"]["auth_permission"]):
        if row["id"] not in permissions_before and row["content_type_id"] in content_types_before:
            problems.append(f"a new permission for an existing model: {row}")
    labelled = {
        row["id"]: f"{content_types_after[row['content_type_id']]['app_label']}.{row['codename']}"
        for row in as_dicts(after["tables"]["auth_permission"])
    }
    granted_after = {
        labelled[row["permission_id"]]
        for row in as_dicts(after["tables"]["auth_group_permissions"])
        if row["group_id"] == administrators
    }
    wanted_grants = {
        f"{app}.{verb}_{model}"
        for model, app in MOVED_MODELS.items()
        for verb in ("add", "change", "delete", "view")
    }
    if not wanted_grants <= granted_after:
        problems.append(f"Administrators lost {sorted(wanted_grants - granted_after)}")

    assert not problems, (
        f"the upgrade lost or changed data ({len(problems)} problems):\n"
        + "\n".join(problems[:60])
        + f"\n\nmigrate said:\n{migrated[-3000:]}"
    )

    # 5. The current ORM reads every row of every moved model, equal to the SQL.
    checked = result_of(
        manage(ROOT, scratch.url, "shell", "-c", CHECK, timings=timings, label="current read")
    )
    final = snapshot(scratch)  # the check's writes were rolled back
    for table in MOVED_TABLES:
        lost, gained = counter_difference(
            after["tables"][table]["rows"], final["tables"][table]["rows"]
        )
        assert not lost and not gained, f"{table} changed by the rolled-back writes"
    for label, model in checked["models"].items():
        table = after["tables"][model["table"]]
        assert model["table"] in MOVED_TABLES, label
        assert model["app_label"] == label.split(".")[0]
        assert model["count"] == len(table["rows"]), f"{label}: ORM count != SQL count"
        expected = {}
        for row in as_dicts(table):
            expected[str(row[model["pk"]])] = [
                raw_plain(row[column], kind)
                for column, kind in zip(model["columns"], model["types"], strict=True)
            ]
        assert model["rows"].keys() == expected.keys(), f"{label}: different rows"
        for pk, values in expected.items():
            assert model["rows"][pk] == values, f"{label} {pk}: ORM {model['rows'][pk]} != SQL"
    assert checked["history_count"] == len(tables["plans_historicalboard"]["rows"])
    assert checked["m2m"]["boards.Board.plans"] == sorted(
        [r["board_id"], r["plan_id"]] for r in as_dicts(tables["plans_board_plans"])
    )
    assert checked["m2m"]["core.Organisation.partner_plans"] == sorted(
        [r["organisation_id"], r["plan_id"]] for r in as_dicts(tables["plans_plan_partners"])
    )
    assert checked["m2m"]["core.Person.delegated_actions"] == sorted(
        [r["person_id"], r["action_id"]] for r in as_dicts(tables["actions_action_delegates"])
    )
    history_plans = {}
    for row in as_dicts(tables["plans_historicalboard_plans"]):
        history_plans.setdefault(row["history_id"], []).append(row["plan_id"])
    assert checked["history_plans"] == sorted(
        [h["history_id"], sorted(history_plans.get(h["history_id"], []))]
        for h in as_dicts(tables["plans_historicalboard"])
    )
    where = {"organisation": "core.Organisation", "board": "boards.Board"}
    where |= {"person": "core.Person", "issuedpack": "boards.IssuedPack"}
    for _pk, app_label, model_name, edited in checked["log_entries"]:
        assert app_label == MOVED_MODELS[model_name]
        assert edited == where[model_name]
    assert len(checked["log_entries"]) == 4
    assert checked["keeper_superuser"] is False and checked["keeper_person"] == "zoe-obrien"
    assert wanted_grants <= set(checked["keeper_perms"]), "the administrator lost permissions"
    assert checked["jane_perms"] == ["boards.change_board", "transfer.view_planimport"]
    for label, pk in checked["new_pks"].items():
        model = checked["models"][label]
        existing = [row[model["pk"]] for row in as_dicts(after["tables"][model["table"]])]
        assert pk not in existing and pk > max(existing), f"{label}: new id {pk} reused"
    assert filled["pack"] in {row["id"] for row in as_dicts(tables["plans_issuedpack"])}

    # 6. The current models match the migrated database: no change without a migration.
    said = manage(
        ROOT,
        scratch.url,
        "makemigrations",
        "--check",
        "--dry-run",
        timings=timings,
        label="makemigrations --check",
    )
    assert "No changes detected" in said, said

    timings["total"] = round(time.monotonic() - started, 1)
    new_type_labels = [f"{row['app_label']}.{row['model']}" for row in new_types]
    print(
        f"\n{scratch.vendor}: {sum(len(t['rows']) for t in tables.values())} rows in "
        f"{len(tables)} tables kept; new schema items: {added_schema or 'none'}; "
        f"new content types: {new_type_labels or 'none'}; timings (s): {timings}"
    )
