"""Time limits (issue 18): a database that accepts connections and never answers (a network
partition) costs a request at most ``REQUEST_TIMEOUT`` seconds and gets the 503 page, and the
site keeps serving; the limits are configured where the docs say.

The real-server tests run gunicorn with the production configuration (``config/gunicorn.conf.py``)
against a throwaway PostgreSQL database reached through a TCP proxy in this process (see
``test_security_database.py``); switching the proxy to ``silent`` is the partition. They need
PostgreSQL: SQLite is a file in the same process, with no network to lose (its lock waits are
bounded by its busy timeout, 20 s)."""

import importlib.util
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from unittest import mock

import psycopg2
import pytest
from django.conf import settings
from django.db import OperationalError, connection
from psycopg2 import extensions

from core import database
from tests.config.test_security_database import (
    GUNICORN,
    ROOT,
    Browser,
    TcpProxy,
    database_url,
    free_port,
    throwaway_postgres,  # noqa: F401 - a fixture
    wait_for_server,
)

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
needs_postgres = pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")


def gunicorn_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config/gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Configuration ---------------------------------------------------------------------------------
def test_the_limits_are_configured():
    assert 0 < settings.REQUEST_TIMEOUT <= 30
    assert 0 < settings.DATABASE_CONNECT_TIMEOUT < settings.REQUEST_TIMEOUT
    assert settings.DATABASE_STATEMENT_TIMEOUT > 0
    assert 0 < settings.EMAIL_TIMEOUT < settings.REQUEST_TIMEOUT
    conf = gunicorn_config()
    assert conf.worker_class == "sync"  # gunicorn's --timeout can stop a sync worker only
    assert settings.REQUEST_TIMEOUT < settings.LONG_REQUEST_TIMEOUT
    assert conf.timeout == int(settings.LONG_REQUEST_TIMEOUT) + 10
    assert conf.graceful_timeout >= conf.timeout
    assert conf.max_requests > 0 and conf.limit_request_line <= 8190


@needs_postgres
@pytest.mark.django_db
def test_postgresql_sessions_carry_the_server_side_limits():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] >= 1 and options["keepalives"] == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        idle = cursor.fetchone()[0]
    assert shown == f"{round(settings.DATABASE_STATEMENT_TIMEOUT)}s"
    assert idle != "0"
    assert extensions.get_wait_callback() is database.wait


# The wait callback on its own ------------------------------------------------------------------
@pytest.fixture
def wait_callback():
    """The callback installed for this test, whatever the test database (the SQLite run too)."""
    previous = extensions.get_wait_callback()
    database.install()
    yield
    extensions.set_wait_callback(previous)


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for s in held:
        s.close()


def test_connecting_to_a_silent_server_gives_up_after_the_connect_timeout(
    wait_callback, silent_server, settings
):
    settings.DATABASE_CONNECT_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(psycopg2.OperationalError, match="gave up connecting"):
        psycopg2.connect(host="127.0.0.1", port=silent_server, dbname="x", user="x")
    assert 0.9 < time.monotonic() - started < 3


def test_connecting_gives_up_at_the_request_deadline_if_that_is_sooner(
    wait_callback, silent_server, settings
):
    settings.DATABASE_CONNECT_TIMEOUT = 30
    started = time.monotonic()
    with database.request_deadline(1), pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=silent_server, dbname="x", user="x")
    assert time.monotonic() - started < 3


@needs_postgres
def test_a_query_the_server_never_answers_gives_up_at_the_request_deadline(wait_callback):
    db = settings.DATABASES["default"]
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.open()
    try:
        conn = psycopg2.connect(
            host="127.0.0.1", port=proxy.port, dbname="postgres", user=db["USER"]
        )
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        proxy.silent = True  # the partition
        started = time.monotonic()
        with (
            database.request_deadline(1.5),
            pytest.raises(psycopg2.OperationalError),
            conn.cursor() as cursor,
        ):
            cursor.execute("SELECT 1")
        assert 1.4 < time.monotonic() - started < 3.5
        assert conn.closed  # broken: Django will not use it again
    finally:
        proxy.close()


@needs_postgres
@pytest.mark.django_db
def test_a_timeout_reaches_django_as_an_operational_error():
    with (
        mock.patch.object(database, "_limit_for", return_value=time.monotonic() - 1),
        pytest.raises(OperationalError),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(1)")


# A real server through a partition ---------------------------------------------------------
def timed(browser, path):
    started = time.monotonic()
    status, page = browser.request(path)
    return status, time.monotonic() - started, page


REQUEST_TIMEOUT = 3  # seconds, for these servers


@pytest.mark.slow
@pytest.mark.parametrize(
    "workers,stuck",
    [
        # As configured (sync workers), two of them: one stuck, one free.
        pytest.param(["--workers", "2"], 1, id="sync"),
        # gthread: the app's deadline frees threads that gunicorn's timeout cannot.
        pytest.param(
            ["--worker-class", "gthread", "--workers", "1", "--threads", "4"], 3, id="gthread"
        ),
    ],
)
def test_a_database_that_never_answers_gives_503_in_seconds_and_the_site_keeps_serving(
    throwaway_postgres,  # noqa: F811
    tmp_path,
    workers,
    stuck,
):
    db = throwaway_postgres
    (tmp_path / "partition_settings.py").write_text(
        "from config.settings.test import *  # noqa\n"
        "DATABASES['default']['CONN_MAX_AGE'] = 60\n"
        "DATABASES['default']['CONN_HEALTH_CHECKS'] = True\n"
        "LOGGING['root']['level'] = 'INFO'\n"
    )
    proxy = TcpProxy((db["host"], db["port"]))
    proxy.open()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partition_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DATABASE_URL": database_url(db, proxy.port),
        "REQUEST_TIMEOUT": str(REQUEST_TIMEOUT),
        "DATABASE_CONNECT_TIMEOUT": "2",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [
            *manage,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            "User.objects.create_user('partition', password='partition-pass')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as log_file:
        server = subprocess.Popen(  # noqa: S603
            [
                str(GUNICORN),
                "-c",
                str(ROOT / "config" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                *workers,
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_server(f"http://127.0.0.1:{port}/accessibility/", server)
        base = f"http://127.0.0.1:{port}"
        browser = Browser(base)
        status, page = browser.request("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = browser.request(
            "/sign-in/",
            {"username": "partition", "password": "partition-pass", "csrfmiddlewaretoken": token},
        )
        assert status == 302
        assert browser.request("/plans/")[0] == 200

        proxy.silent = True  # the partition: connections open, nothing answered

        # Requests stuck on the database, and meanwhile a page that needs no database.
        results = {}

        def stuck_request(n):
            results[n] = timed(browser, "/plans/")

        threads = [threading.Thread(target=stuck_request, args=(n,)) for n in range(stuck)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        started = time.monotonic()
        with urllib.request.urlopen(base + "/accessibility/", timeout=10) as response:  # noqa: S310
            assert response.status == 200
        assert time.monotonic() - started < 1.5  # while the others wait for the database
        for t in threads:
            t.join(timeout=30)
        assert len(results) == stuck
        for status, seconds, page in results.values():
            print(f"stuck request: {status} after {seconds:.2f} s")  # noqa: T201 - a figure
            assert status == 503, page[:300]
            assert seconds < REQUEST_TIMEOUT + 2.5, seconds
            assert "Sorry, the service is unavailable" in page

        # The site goes on answering, each request within the deadline.
        for _ in range(4):
            status, seconds, _page = timed(browser, "/plans/")
            print(f"during the partition: {status} after {seconds:.2f} s")  # noqa: T201
            assert status == 503 and seconds < REQUEST_TIMEOUT + 2.5, (status, seconds)

        proxy.silent = False  # the network is back: the next request succeeds, still signed in
        status, seconds, page = timed(browser, "/plans/")
        assert status == 200, page[:300]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        proxy.close()

    # One error when the outage started (per worker process), one warning per refused request,
    # no tracebacks.
    text = log.read_text(errors="replace")
    assert 1 <= text.count("Database unreachable") <= 2, text[-3000:]
    warnings = re.findall(
        r"WARNING config\.requests .*status=503.*reason=database_unavailable", text
    )
    assert len(warnings) == stuck + 4, text[-3000:]
    assert "Traceback" not in text and "Internal Server Error" not in text, text[-3000:]
    assert re.search(r"request_id=[0-9a-f]{32} user_id=\d+ method=GET", text)


# Nothing else opens a socket ---------------------------------------------------------------
def test_pdfs_are_built_without_fetching_anything():
    from core.network import offline_url_fetcher

    fetcher = offline_url_fetcher()
    for url in ("http://192.0.2.1/tracker.png", "https://example.org/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hi").url.startswith("data:")  # served


@pytest.mark.django_db
def test_a_pdf_pack_with_a_remote_image_is_built_offline():
    from datetime import date

    from boards.models import Meeting
    from boards.packs.pdf import pack_pdf
    from tests import factories

    meeting = Meeting.objects.create(board=factories.board(), date=date(2024, 1, 1))
    with mock.patch("socket.socket.connect", side_effect=AssertionError("a socket was opened")):
        pdf = pack_pdf(
            meeting=meeting,
            body_html='<p>Pack</p><img src="http://192.0.2.1/x.png" alt="">',
            as_at_text="1 January 2024",
            issued=None,
        )
    assert pdf.startswith(b"%PDF")


def test_an_inspection_evidence_pdf_with_a_remote_image_is_built_offline():
    """The evidence pack's and self-evaluation's PDFs (inspections.evidence) fetch nothing."""
    from inspections.evidence import _pdf

    html = '<html><body><p>Finding</p><img src="http://192.0.2.1/x.png" alt=""></body></html>'
    with mock.patch("socket.socket.connect", side_effect=AssertionError("a socket was opened")):
        pdf = _pdf(html)
    assert pdf.startswith(b"%PDF")
