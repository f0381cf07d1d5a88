"""Several app servers on one PostgreSQL (issue 16): ``manage.py bench_cluster``,
``make bench-cluster``.

Starts, on loopback against a fresh PostgreSQL database, two gunicorn servers with the
production settings (config/gunicorn.conf.py) and two ``manage.py run_worker`` processes, all
sharing one directory standing for object storage (MEDIA_ROOT) and one for outgoing mail (the
file e-mail backend). Then:

1. reminders: ``send_update_reminders`` run on "both machines" at the same moment;
2. a session signed in (the real sign-in form) on server A is used on server B;
3. files: evidence uploaded through one server downloads identically (SHA-256) from the other,
   and a pack issued through one server gives the same PDF from both;
4. load, with no sticky sessions (every request goes to the other server from the last): officers
   racing to update the same actions, board members reading, an administrator starting jobs.
   Locust (``.bench-venv``) in the full run; a thread pool in ``--quick`` (the test suite's run);
5. once the queue is empty, checks the database against what every user was told: no lost
   writes, conflicts reported, each job and task run exactly once, reminders sent once.

The database work before and after runs in subprocesses (``--step prepare`` / ``--step verify``)
with the run's database and secret key; this module's orchestration uses only HTTP, psycopg2
and process management. Every process started is in its own process group and is stopped in a
``finally``, whatever happens.
"""

from __future__ import annotations

import contextlib
import email
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import CommandError

BASE_DIR = Path(settings.BASE_DIR)
HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "cluster_locustfile.py"
PASSWORD = "improve-2026"  # noqa: S105 # nosec B105 - the generated data's published demo password

sys.path.insert(0, str(HERE))
import cluster_client  # noqa: E402
import formfill  # noqa: E402


@dataclass
class Options:
    postgres: str
    database: str = "improvement_plans_cluster"
    quick: bool = False
    locust: str = ""
    run_time: int = 60
    officers: int = 8
    shared_actions: int = 12
    web_concurrency: int = 2
    keep: bool = False


# --- helpers -----------------------------------------------------------------------------------
def with_database(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def pg_connect(base_url: str, database: str):
    import psycopg2

    parts = urlsplit(base_url)
    conn = psycopg2.connect(
        dbname=database,
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    conn.autocommit = True
    return conn


TEMPLATE_DATABASE = "improvement_plans_cluster_template"


def data_digest() -> str:
    """A digest of every migration and of the data generator: the template database is made
    again when any of them changes."""
    digest = hashlib.sha256()
    files = sorted(BASE_DIR.glob("*/migrations/*.py")) + [BASE_DIR / "devtools" / "scale.py"]
    for path in files:
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return "bench_cluster " + digest.hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tiny_png() -> bytes:
    """A valid 2 x 2 PNG (the evidence upload accepts images), different on every run."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + secrets.token_bytes(6) for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def multipart(data: dict, files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "cluster" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(item).encode()
                + b"\r\n"
            )
    for name, (filename, content_type, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Timings:
    """Request counts and times of the requests this process sends (quick mode and checks)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.failures: Counter = Counter()

    def add(self, name: str, seconds: float, failed: bool) -> None:
        with self.lock:
            self.times.setdefault(name, []).append(seconds * 1000)
            if failed:
                self.failures[name] += 1

    def summary(self) -> dict:
        rows = []
        for name in sorted(self.times):
            times = sorted(self.times[name])
            rows.append(
                {
                    "name": name,
                    "requests": len(times),
                    "failures": self.failures[name],
                    "median_ms": median(times),
                    "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
                }
            )
        every = sorted(t for times in self.times.values() for t in times)
        total = {
            "requests": len(every),
            "failures": sum(self.failures.values()),
            "median_ms": median(every) if every else 0,
            "p95_ms": every[min(len(every) - 1, int(0.95 * len(every)))] if every else 0,
        }
        return {"requests": rows, "total": total}


def http_transport(timings: Timings | None = None) -> cluster_client.Transport:
    """Send one request with http.client (no redirects followed, no cookie jar)."""

    def send(method: str, url: str, headers: dict, body: bytes | None, name: str):
        parts = urlsplit(url)
        started = time.perf_counter()
        conn = HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            merged: dict[str, str] = {}
            for key, value in response.getheaders():
                merged[key] = f"{merged[key]}\n{value}" if key in merged else value
            reply = cluster_client.Reply(response.status, merged, content)
        finally:
            conn.close()
        if timings is not None:
            failed = reply.status >= 500 or reply.status == 403
            timings.add(name, time.perf_counter() - started, failed)
        return reply

    return send


PACK_READY_LIMIT = 120  # seconds a worker may take to make an issued pack's files


def is_pdf(reply) -> bool:
    """A finished download, not the "being prepared" page."""
    return reply.status == 200 and reply.body.startswith(b"%PDF")


# --- the orchestration -------------------------------------------------------------------------
class Cluster:
    def __init__(self, options: Options, say) -> None:
        self.o = options
        self.say = say
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
        self.storage = self.tmp / "shared-storage"
        self.mail = self.tmp / "mail"
        self.storage.mkdir()
        self.mail.mkdir()
        self.secret = secrets.token_urlsafe(48)
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.logs: list = []
        self.hosts: list[str] = []
        self.timings = Timings()
        self.checks: list[tuple[str, bool, str]] = []

    # environment and subprocesses
    def env(self, production: bool = True) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PYTEST", "EMAIL_", "TASK_"))
        }
        env.update(
            DATABASE_URL=with_database(self.o.postgres, self.o.database),
            SECRET_KEY=self.secret,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            MEDIA_ROOT=str(self.storage),
            EMAIL_URL=f"filemail:///{self.mail}",  # django-environ drops one leading /
            TASK_BACKEND="django_tasks_db.DatabaseBackend",
            TASK_RETRY_BASE_SECONDS="2",
            TASK_WORKER_HEARTBEAT_SECONDS="2",
            LOG_LEVEL="WARNING",
            CONN_MAX_AGE="60",
            WEB_CONCURRENCY=str(self.o.web_concurrency),
            DJANGO_SETTINGS_MODULE="config.settings.production"
            if production
            else "config.settings.local",
            DJANGO_DEBUG="false",
        )
        return env

    def manage(
        self, *args: str, production: bool = True, timeout: int = 900, database: str = ""
    ) -> str:
        env = self.env(production)
        if database:
            env["DATABASE_URL"] = with_database(self.o.postgres, database)
        done = subprocess.run(  # noqa: S603 # nosec B603 - fixed argument list, no user input
            [sys.executable, str(BASE_DIR / "manage.py"), *args],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise CommandError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("w")
        self.logs.append(log)
        process = subprocess.Popen(  # noqa: S603 # nosec B603 - our own servers and workers on loopback
            args,
            cwd=BASE_DIR,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with all its children
        )
        self.processes.append((name, process))
        return process

    def stop_all(self) -> None:
        for _name, process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in self.logs:
            log.close()

    # set-up
    def fresh_database(self) -> None:
        """The run's database, copied from a template database holding the migrated tiny
        profile. The template is rebuilt (migrate, generate) only when a migration or the
        generator has changed since it was made: its comment records a digest of them."""
        name, template = self.o.database, TEMPLATE_DATABASE
        for database in (name, template):
            if not re.fullmatch(r"[a-z0-9_]+", database):
                raise CommandError("Database names may have only a-z, 0-9 and _.")
        key = data_digest()
        conn = pg_connect(self.o.postgres, "postgres")
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = %s",
                    [template],
                )
                row = cur.fetchone()
                if row is None or row[0] != key:
                    cur.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                    cur.execute(f'CREATE DATABASE "{template}"')
                    self.manage("migrate", "--noinput", "-v", "0", database=template)
                    self.manage(
                        "generate_scale_data",
                        "--profile",
                        "tiny",
                        "--seed",
                        "16",
                        production=False,
                        database=template,
                    )
                    cur.execute(f'COMMENT ON DATABASE "{template}" IS %s', [key])
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            conn.close()

    def collectstatic(self) -> None:
        """The production settings serve hashed static files from a manifest."""
        manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
        if self.o.quick and manifest.exists():
            newest = max(
                (p.stat().st_mtime for p in (BASE_DIR / "static").rglob("*") if p.is_file()),
                default=0,
            )
            if manifest.stat().st_mtime >= newest:
                return
        self.manage("collectstatic", "--noinput", "-v", "0")

    def start_cluster(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        for n in (1, 2):
            self.start(
                f"worker-{n}",
                [
                    sys.executable,
                    str(BASE_DIR / "manage.py"),
                    "run_worker",
                    "--worker-id",
                    f"cluster-worker-{n}",
                    "--interval",
                    "0.5",
                    "--no-startup-delay",
                ],
            )
        for n in (1, 2):
            port = free_port()
            self.start(
                f"server-{n}",
                [gunicorn, "-c", str(BASE_DIR / "config" / "gunicorn.conf.py")]
                + ["--bind", f"127.0.0.1:{port}"]
                # One machine standing for two: the servers must not share gunicorn's default
                # control socket path (each would take it from the other).
                + ["--no-control-socket"],
            )
            self.hosts.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 90
        for host in self.hosts:
            while True:
                for name, process in self.processes:
                    if process.poll() is not None:
                        raise CommandError(f"{name} stopped; see {self.tmp / (name + '.log')}")
                try:
                    with urllib.request.urlopen(host + "/readyz", timeout=5) as response:  # noqa: S310 # nosec B310 - our own loopback server
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise CommandError(f"{host}/readyz did not answer 200 within 90 s")
                time.sleep(0.5)
        self.say(f"  servers {', '.join(self.hosts)} and 2 workers ready (/readyz 200)")

    def phase(self, message: str) -> None:
        self.say(f"  [{time.monotonic() - self.started:5.0f} s] {message}")

    def check(self, name: str, passed: bool, detail: str) -> None:
        self.checks.append((name, passed, detail))
        self.say(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}")

    def browser(self, session: str = "") -> cluster_client.Browser:
        return cluster_client.Browser(
            hosts=self.hosts,
            cookie_names=self.plan["cookie_names"],
            transport=http_transport(self.timings),
            session=session,
        )

    # the checks before the load
    def reminders_at_once(self) -> None:
        """``send_update_reminders`` on both machines at the same moment (cron on each)."""
        runs = [
            subprocess.Popen(  # noqa: S603 # nosec B603 - fixed argument list, no user input
                [sys.executable, str(BASE_DIR / "manage.py"), "send_update_reminders"],
                cwd=BASE_DIR,
                env=self.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            for _ in range(2)
        ]
        self.processes.extend(("reminders", run) for run in runs)
        outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
        self.reminder_runs = outputs
        ok = all(run.returncode == 0 for run in runs)
        self.say(f"  send_update_reminders twice at once: {' | '.join(outputs)}")
        if not ok:
            raise CommandError("send_update_reminders failed: " + " | ".join(outputs))

    def session_across_servers(self) -> None:
        a, b = self.hosts
        browser = self.browser()
        page = browser.request("GET", "/sign-in/", "sign-in form", host=a)
        forms = [f for f in formfill.parse_forms(page.text) if "password" in f.names()]
        if page.status != 200 or not forms:
            self.check("session made on A works on B", False, f"sign-in page HTTP {page.status}")
            return
        data = formfill.defaults(forms[0])
        data.update(username=self.plan["sign_in"]["username"], password=PASSWORD)
        signed_in = browser.request("POST", "/sign-in/", "sign-in POST", data=data, host=a)
        on_b = browser.request("GET", self.plan["jobs_url"], "jobs page", host=b)
        # /jobs/ sends anyone not signed in to the sign-in page; the header names the user.
        name = self.plan["sign_in"]["username"]
        passed = (
            signed_in.status in (302, 303)
            and bool(browser.session)
            and on_b.status == 200
            and f'Sign out<span class="govuk-visually-hidden"> ({name})' in on_b.text
        )
        self.check(
            "session made on A works on B",
            passed,
            f"sign-in on A HTTP {signed_in.status}, then {self.plan['jobs_url']} on B HTTP "
            f"{on_b.status}{' as ' + name if name in on_b.text else ' (not signed in)'}",
        )

    def files_across_servers(self) -> None:
        a, b = self.hosts
        officer = self.browser(self.plan["evidence"]["session"])
        item = self.plan["evidence"]
        png = tiny_png()
        form_page = officer.request("GET", item["url"], "officer: update form", host=b)
        form = formfill.update_form(form_page.text)
        evidence_detail = "no update form"
        passed = False
        if form_page.status == 200 and form is not None:
            data = formfill.fill(form, rating="green")
            body, content_type = multipart(data, {"evidence": ("cluster.png", "image/png", png)})
            posted = officer.request(
                "POST",
                form.action or item["url"],
                "officer: update POST with evidence",
                host=a,
                body=body,
                content_type=content_type,
            )
            action_page = officer.request("GET", item["action_url"], "officer: action page", host=b)
            links = re.findall(r'href="(/actions/evidence/\d+/)"', action_page.text)
            if posted.status in (302, 303) and links:
                from_b = officer.request("GET", links[-1], "evidence download", host=b)
                from_a = officer.request("GET", links[-1], "evidence download", host=a)
                passed = from_b.status == 200 and sha256(from_b.body) == sha256(png)
                passed = passed and sha256(from_a.body) == sha256(png)
                evidence_detail = (
                    f"uploaded through A, downloaded from B HTTP {from_b.status}, SHA-256 "
                    f"{'identical' if passed else 'DIFFERENT'} ({sha256(png)[:12]}…)"
                )
            else:
                evidence_detail = f"upload HTTP {posted.status}, {len(links)} evidence links on B"
        self.check("evidence file uploaded via A downloads from B", passed, evidence_detail)

        admin = self.browser(self.plan["admins"][0]["session"])
        meeting = self.plan["meeting"]
        page = admin.request("GET", meeting["url"], "admin: meeting page", host=a)
        issue = [
            f
            for f in formfill.parse_forms(page.text)
            if f.method == "post" and f.action.rstrip("/").endswith("/issue")
        ]
        if page.status != 200 or not issue:
            self.check("issued pack PDF identical from A and B", False, "no issue form")
            return
        issued = admin.request(
            "POST", issue[0].action, "admin: issue pack", data=formfill.defaults(issue[0]), host=a
        )
        # The files are made by a worker after the issue: until then the download answers with
        # the "being prepared" page, which a browser reloads (its Refresh header). Do the same.
        waited_from = time.monotonic()
        pdf_b = admin.request("GET", meeting["pdf_url"], "pack PDF", host=b)
        while not is_pdf(pdf_b) and time.monotonic() - waited_from < PACK_READY_LIMIT:
            time.sleep(1)
            pdf_b = admin.request("GET", meeting["pdf_url"], "pack PDF", host=b)
        waited = time.monotonic() - waited_from
        pdf_a = admin.request("GET", meeting["pdf_url"], "pack PDF", host=a)
        same = is_pdf(pdf_b) and pdf_a.body == pdf_b.body
        if is_pdf(pdf_b):
            detail = (
                f"issued through A (HTTP {issued.status}); PDF made by a worker in {waited:.0f} s; "
                f"from B HTTP {pdf_b.status}, {len(pdf_b.body) // 1024} KB, SHA-256 "
                f"{sha256(pdf_b.body)[:12]}… {'identical to' if same else 'DIFFERENT from'} A's"
            )
        else:
            detail = (
                f"issued through A (HTTP {issued.status}); no PDF from B after {waited:.0f} s "
                f"(HTTP {pdf_b.status}, {pdf_b.headers.get('Content-Type', '?')})"
            )
        self.check(
            "issued pack PDF identical from A and B",
            issued.status in (302, 303) and pdf_b.status == 200 and same,
            detail,
        )

    # the load
    def load(self) -> dict:
        plan_file = self.tmp / "plan.json"
        result_file = self.tmp / "load.json"
        locust = Path(self.o.locust) if self.o.locust else None
        if not self.o.quick and locust is not None and locust.exists():
            users = sum(len(self.plan[k]) for k in ("officers", "board_members", "admins"))
            self.say(f"  locust: {users} users for {self.o.run_time} s, no sticky sessions")
            subprocess.run(  # noqa: S603 # nosec B603 - fixed argument list, no user input
                [str(locust), "-f", str(LOCUSTFILE), "--headless", "--users", str(users)]
                + ["--spawn-rate", "20", "--run-time", f"{self.o.run_time}s"]
                + ["--stop-timeout", "30", "--host", self.hosts[0], "--only-summary"]
                + ["--loglevel", "WARNING"],
                cwd=BASE_DIR,
                env=dict(os.environ, CLUSTER_PLAN=str(plan_file), CLUSTER_RESULT=str(result_file)),
                capture_output=True,
                text=True,
                timeout=self.o.run_time + 180,
                check=False,
            )
            if not result_file.exists():
                raise CommandError("locust wrote no results; see " + str(self.tmp))
            return json.loads(result_file.read_text())
        reason = "--quick" if self.o.quick else f"{locust} not found"
        self.say(f"  thread pool ({reason}): {self.o.run_time} s, no sticky sessions")
        return drive_with_threads(self.plan, self.o.run_time)

    def wait_for_queue(self, limit: float = 120) -> bool:
        conn = pg_connect(self.o.postgres, self.o.database)
        deadline = time.monotonic() + limit
        try:
            while time.monotonic() < deadline:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT (SELECT count(*) FROM django_tasks_database_dbtaskresult "
                        "WHERE status IN ('READY', 'RUNNING')) + (SELECT count(*) FROM core_job "
                        "WHERE status IN ('queued', 'running', 'retrying'))"
                    )
                    if cur.fetchone()[0] == 0:
                        return True
                time.sleep(0.5)
            return False
        finally:
            conn.close()

    def run(self) -> int:
        started = self.started = time.monotonic()
        load: dict | None = None
        try:
            self.say(f"== two app servers on one PostgreSQL ({self.o.database})")
            self.fresh_database()
            self.phase("database ready (tiny profile)")
            self.collectstatic()
            self.phase("static files collected")
            plan_file = self.tmp / "plan.json"
            self.manage(
                "bench_cluster",
                "--step",
                "prepare",
                "--json",
                str(plan_file),
                "--officers",
                str(self.o.officers),
                "--shared-actions",
                str(self.o.shared_actions),
                production=False,
            )
            self.plan = json.loads(plan_file.read_text())
            self.start_cluster()
            self.plan["hosts"] = self.hosts
            plan_file.write_text(json.dumps(self.plan))
            self.reminders_at_once()
            self.session_across_servers()
            self.files_across_servers()
            load = self.load()
            self.phase("load finished")
            drained = self.wait_for_queue()
            self.check("queue drained", drained, "no task or job left waiting or running")
            result_file = self.tmp / "load.json"
            result_file.write_text(json.dumps(load))
            verdict_file = self.tmp / "verify.json"
            self.manage(
                "bench_cluster",
                "--step",
                "verify",
                "--json",
                str(verdict_file),
                "--plan",
                str(plan_file),
                "--result",
                str(result_file),
                "--mail",
                str(self.mail),
                production=False,
            )
            verdict = json.loads(verdict_file.read_text())
            for name, passed, detail in verdict["checks"]:
                self.check(name, passed, detail)
        finally:
            self.stop_all()
        report = render(self.checks, load, self.timings.summary(), time.monotonic() - started)
        self.say(report)
        if self.o.keep:
            self.say(f"  logs kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return 0 if self.checks and all(passed for _, passed, _ in self.checks) else 1


def drive_with_threads(plan: dict, seconds: int) -> dict:
    """The load without locust: one thread per user, the same scenario (cluster_client)."""
    timings = Timings()
    transport = http_transport(timings)
    updates: list[dict] = []
    job_starts: list[str] = []
    reads: list[int] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    think = plan["think_seconds"]

    def user(me: dict, kind: str, index: int) -> None:
        import random

        rng = random.Random(me["username"])  # noqa: S311 - load test only
        browser = cluster_client.Browser(
            hosts=plan["hosts"],
            cookie_names=plan["cookie_names"],
            transport=transport,
            session=me["session"],
            turn=index,
        )
        while time.monotonic() < stop:
            if kind == "officers" and rng.random() < 0.75:
                token = f"cluster {me['username']} {time.time_ns()} {rng.random():.12f}"
                item = rng.choice(plan["shared_actions"])
                record = cluster_client.update_action(
                    browser, item, token, rng.choice(("green", "amber", "red"))
                )
                with lock:
                    updates.append(record)
            elif kind == "admins":
                outcome = cluster_client.start_reminders_job(
                    browser, plan["jobs_url"], plan["start_url"]
                )
                with lock:
                    job_starts.append(outcome)
                time.sleep(rng.uniform(*plan["job_think_seconds"]))
                continue
            else:
                status = cluster_client.read(browser, rng.choice(me["read"]), kind)
                with lock:
                    reads.append(status)
            time.sleep(rng.uniform(*think))

    threads = [
        threading.Thread(target=user, args=(me, kind, i), daemon=True)
        for kind in ("officers", "board_members", "admins")
        for i, me in enumerate(plan[kind])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 150)
    return {
        "driver": "threads",
        "updates": updates,
        "job_starts": job_starts,
        "reads": reads,
        **timings.summary(),
    }


def render(checks: list, load: dict | None, extra: dict, seconds: float) -> str:
    lines = ["", "Two app servers, two workers, one PostgreSQL (no sticky sessions)", ""]
    width = max((len(name) for name, _, _ in checks), default=10)
    lines.append(f"| {'Check'.ljust(width)} | Result | Detail")
    lines.append(f"|{'-' * (width + 2)}|--------|-------")
    for name, passed, detail in checks:
        lines.append(f"| {name.ljust(width)} | {'PASS' if passed else 'FAIL'}   | {detail}")
    if load:
        lines += ["", f"Load ({load.get('driver')}): requests to both servers", ""]
        lines.append(f"| {'Request'.ljust(38)} | Count | Failures | Median ms | p95 ms")
        lines.append(f"|{'-' * 40}|-------|----------|-----------|-------")
        for row in [*load.get("requests", []), {"name": "all", **load.get("total", {})}]:
            lines.append(
                f"| {row['name'][:38].ljust(38)} | {row.get('requests', 0):5} | "
                f"{row.get('failures', 0):8} | {row.get('median_ms') or 0:9.0f} | "
                f"{row.get('p95_ms') or 0:6.0f}"
            )
        outcomes = Counter(u["outcome"] for u in load.get("updates", []))
        lines.append("")
        lines.append(
            "Update POSTs: "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
            + f"; jobs started {sum(1 for j in load.get('job_starts', []) if j == 'started')}"
        )
    if extra.get("total", {}).get("requests"):
        lines.append(
            f"Checks' own requests: {extra['total']['requests']} "
            f"(median {extra['total']['median_ms']:.0f} ms)"
        )
    failed = sum(1 for _, passed, _ in checks if not passed)
    lines.append("")
    lines.append(
        f"{'ALL PASSED' if checks and not failed else f'{failed} FAILED'} "
        f"({len(checks)} checks, {seconds:.0f} s)"
    )
    return "\n".join(lines)


# --- the database steps (run in a subprocess with the run's database) ------------------------
def prepare(officers: int, shared: int) -> dict:
    """Sessions, the shared actions, the pages to read and what the checks use."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Exists, OuterRef
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from actions.models import Action, StatusUpdate
    from boards.models import Meeting
    from core.models import Job, Person
    from core.roles import Role
    from devtools.scale import COUNCIL

    User = get_user_model()
    today = timezone.localdate()

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.session.session_key or ""

    people = list(
        Person.objects.filter(user__groups__name=Role.OFFICER, organisation__name=COUNCIL)
        .select_related("user", "organisation")
        .order_by("slug")
    )
    group = Group.objects.get(name=Role.OFFICER)
    council = people[0].organisation
    for n in range(len(people), officers):
        user = User.objects.create_user(
            username=f"cluster.officer.{n}", password=PASSWORD, first_name="Cluster"
        )
        user.groups.add(group)
        people.append(
            Person.objects.create(
                slug=f"cluster-officer-{n}",
                name=f"Cluster Officer {n}",
                email=f"cluster.officer.{n}@scalebridge.example",
                organisation=council,
                user=user,
            )
        )
    people = people[:officers]
    # Signing in re-hashes a generated user's password with the current hasher, which signs out
    # that user's other sessions (Django ties sessions to the password hash): the real sign-in
    # of the session check is made by a user of its own, not one of the load's.
    signer = User.objects.create_user(
        username="cluster.sign-in", password=PASSWORD, first_name="Cluster", last_name="Sign-in"
    )
    signer.groups.add(group)
    Person.objects.create(
        slug="cluster-sign-in", name="Cluster Sign-in", organisation=council, user=signer
    )
    current = StatusUpdate.objects.filter(
        action=OuterRef("pk"), period__start__lte=today, period__end__gte=today
    )
    fresh = list(
        Action.objects.filter(plan__organisation=council)
        .exclude(Exists(current))
        .exclude(rating="complete")
        .select_related("plan", "lead")
        .order_by("plan__title", "sequence", "pk")
    )
    if len(fresh) < shared + 1:
        raise CommandError(f"Only {len(fresh)} actions without an update this period.")
    evidence_action, shared_actions = fresh[0], fresh[1 : shared + 1]
    for action in shared_actions:
        action.delegates.add(*people)
    evidence_action.delegates.add(people[0])
    admin = User.objects.get(username="scale.admin")
    Job.objects.all().delete()
    meeting = (
        Meeting.objects.filter(board__organisation=council, date__lte=today)
        .order_by("-date")
        .first()
    )
    if meeting is None:
        raise CommandError("No meeting to issue a pack for.")
    members = list(
        Person.objects.filter(user__groups__name=Role.BOARD_MEMBER, organisation__name=COUNCIL)
        .select_related("user")
        .order_by("slug")
    )
    plans = sorted({a.plan for a in shared_actions}, key=lambda p: p.pk)
    board_read = [{"name": "portfolio", "url": reverse("plans:portfolio")}]
    for plan in plans:
        board_read.append(
            {"name": "plan dashboard", "url": reverse("plans:dashboard", args=[plan.slug])}
        )
    board_read.append({"name": "meeting pack", "url": meeting.get_absolute_url()})
    officer_read = [
        {"name": "my actions", "url": reverse("actions:mine")},
        *({"name": "action page", "url": a.get_absolute_url()} for a in shared_actions[:4]),
    ]
    return {
        "officers": [
            {"username": p.user.username, "session": session(p.user), "read": officer_read}
            for p in people
        ],
        "board_members": [
            {"username": p.user.username, "session": session(p.user), "read": board_read}
            for p in members
        ],
        "admins": [{"username": admin.username, "session": session(admin), "read": board_read}],
        "shared_actions": [
            {"action": a.pk, "url": reverse("actions:update", args=[a.pk])} for a in shared_actions
        ],
        "versions": {str(a.pk): a.version for a in shared_actions},
        "evidence": {
            "action": evidence_action.pk,
            "url": reverse("actions:update", args=[evidence_action.pk]),
            "action_url": evidence_action.get_absolute_url(),
            "session": session(people[0].user),
        },
        "meeting": {
            "pk": meeting.pk,
            "url": meeting.get_absolute_url(),
            "pdf_url": reverse("plans:meeting_pdf", args=[meeting.pk]),
        },
        "sign_in": {"username": signer.username},
        "jobs_url": reverse("jobs"),
        "start_url": reverse("jobs_start_reminders"),
        "cookie_names": {"session": "__Host-sessionid", "csrf": "__Host-csrftoken"},
        "think_seconds": [0.2, 1.0],
        "job_think_seconds": [3.0, 6.0],
    }


def read_mail(directory: Path) -> list[tuple[str, str]]:
    """(To, Subject) of every message the file e-mail backend wrote."""
    separator = b"\n" + b"-" * 79 + b"\n"
    messages = []
    for path in sorted(directory.glob("*")):
        for raw in path.read_bytes().split(separator):
            if raw.strip():
                message = email.message_from_bytes(raw.strip())
                messages.append((str(message["To"]), str(message["Subject"])))
    return messages


def verify(plan: dict, result: dict, mail_dir: Path) -> dict:
    """Compare the database with what every user was told."""
    from django_tasks_db.models import DBTaskResult

    from actions.models import Action, StatusUpdate
    from core.models import AuditEvent, Job

    checks: list[tuple[str, bool, str]] = []
    updates = result.get("updates", [])
    outcomes = Counter(u["outcome"] for u in updates)

    # No lost writes: accepted writes per action form an unbroken chain of versions, each is in
    # the database (the update or its history), the action's version moved once for each, and
    # the current update is the last accepted one.
    lost, broken, wrong_last = [], [], []
    versions = dict(
        Action.objects.filter(pk__in=[int(k) for k in plan["versions"]]).values_list(
            "pk", "version"
        )
    )
    for key, before in plan["versions"].items():
        pk = int(key)
        accepted = sorted(
            (u for u in updates if u["action"] == pk and u["outcome"] == "accepted"),
            key=lambda u: u["version"],
        )
        if [u["version"] for u in accepted] != list(range(before, before + len(accepted))):
            broken.append(pk)
        if versions.get(pk) != before + len(accepted):
            broken.append(pk)
        for u in accepted:
            if not StatusUpdate.history.filter(action_id=pk, commentary=u["token"]).exists():
                lost.append(u["token"])
        if accepted:
            last = StatusUpdate.objects.filter(action_id=pk).order_by("-pk").first()
            if last is None or last.commentary != accepted[-1]["token"]:
                wrong_last.append(pk)
    accepted_total = outcomes["accepted"]
    checks.append(
        (
            "no lost writes",
            accepted_total > 0 and not lost and not broken and not wrong_last,
            f"{accepted_total} update POSTs accepted on {len(plan['versions'])} shared actions: "
            f"{accepted_total - len(lost)} in the database, {len(set(broken))} actions with a "
            f"version gap, {len(wrong_last)} with another write last",
        )
    )
    conflicts = [u for u in updates if u["outcome"] == "conflict"]
    unreported = [u for u in conflicts if not (u.get("status") == 409 and u.get("reported"))]
    overwrote = [
        u
        for u in conflicts
        if StatusUpdate.history.filter(action_id=u["action"], commentary=u["token"]).exists()
    ]
    errors = outcomes["error"] + outcomes["invalid"]
    checks.append(
        (
            "conflicts reported, never saved",
            not unreported and not overwrote and errors == 0,
            f"{len(conflicts)} refused with 409 and the conflict message, {outcomes['locked']} "
            f"forms shown as already updated; {len(unreported)} unreported, {len(overwrote)} "
            f"saved anyway, {errors} errors",
        )
    )

    # Exactly once.
    jobs = list(Job.objects.all())
    started = Counter(
        AuditEvent.objects.filter(kind=AuditEvent.Kind.JOB_STARTED).values_list(
            "detail__job", flat=True
        )
    )
    bad_jobs = [
        j
        for j in jobs
        if j.status != Job.Status.SUCCEEDED or j.attempts != 1 or started[j.pk] != j.attempts
    ]
    checks.append(
        (
            "each job ran exactly once",
            bool(jobs) and not bad_jobs,
            f"{len(jobs)} jobs (2 from send_update_reminders, the rest started in the load), "
            f"{len(jobs) - len(bad_jobs)} succeeded at the first attempt with 1 job_started "
            f"audit; {len(bad_jobs)} otherwise"
            + "".join(
                f" (job {j.pk}: {j.status}, {j.attempts} attempts, {started[j.pk]} started)"
                for j in bad_jobs[:3]
            ),
        )
    )
    results = list(DBTaskResult.objects.all())
    workers = Counter(w for r in results for w in r.worker_ids)
    multi = [r for r in results if len(r.worker_ids) != 1]
    unfinished = [r for r in results if r.status != "SUCCESSFUL"]
    checks.append(
        (
            "each task taken by one worker, once",
            bool(results) and not multi and not unfinished,
            f"{len(results)} tasks; by worker: "
            + ", ".join(f"{w} {n}" for w, n in sorted(workers.items()))
            + f"; {len(multi)} taken more than once, {len(unfinished)} not successful",
        )
    )

    # Reminders once.
    mail = read_mail(mail_dir)
    sent_events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.REMINDERS_SENT))
    recorded = sum(len(e.detail.get("recipients", [])) for e in sent_events)
    duplicates = [k for k, n in Counter(mail).items() if n > 1]
    checks.append(
        (
            "scheduled reminders fire once",
            bool(mail) and len(sent_events) == 1 and len(mail) == recorded and not duplicates,
            f"{len(mail)} e-mails in the shared mail directory for {recorded} reminders "
            f"recorded by {len(sent_events)} run(s); {len(duplicates)} sent twice",
        )
    )
    return {"checks": checks}
