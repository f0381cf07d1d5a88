"""When the database cannot be reached the site shows a GOV.UK "service unavailable" page (HTTP
503), not a stack trace or a 500, and the next request after the database returns succeeds.

The recovery test runs a real gunicorn server against a throwaway PostgreSQL database reached
through a TCP proxy in this process: closing the proxy is the outage (the shared PostgreSQL server
is never stopped), reopening it is the recovery."""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"  # the virtualenv's, wherever it is


@pytest.fixture
def signed_in():
    client = Client(raise_request_exception=False)
    client.force_login(factories.officer())
    return client


def assert_unavailable_page(response):
    assert response.status_code == 503
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert "server closed" not in html
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'class="govuk-template__body"' in html and 'href="#main-content"' in html


@pytest.mark.django_db
def test_a_database_error_in_a_view_gives_the_503_page(signed_in):
    with mock.patch(
        "boards.views.PlanListView.get_queryset",
        side_effect=OperationalError("could not connect to server: Connection refused"),
    ):
        response = signed_in.get(reverse("plans:list"))
    assert_unavailable_page(response)


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_lost_connection_before_the_view_runs_gives_the_503_page(signed_in, error):
    """Every query fails, so the session cannot even be read (in middleware, before any view)."""
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=error("server closed the connection unexpectedly")
    ):
        response = signed_in.get(reverse("plans:list"))
    assert_unavailable_page(response)


@pytest.mark.django_db
def test_the_503_page_needs_no_database_for_anonymous_pages_either():
    client = Client(raise_request_exception=False)
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("down")):
        assert client.get(reverse("login")).status_code == 200  # needs no database
        response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert_unavailable_page(response)


@pytest.mark.django_db
def test_other_errors_are_still_a_500(signed_in):
    with mock.patch("boards.views.PlanListView.get_queryset", side_effect=ValueError("bug")):
        response = signed_in.get(reverse("plans:list"))
    assert response.status_code == 500


# Recovery against a real server -----------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpProxy:
    """Forwards a loopback port to the database; close() is an outage, open() the recovery.

    ``silent = True`` is a network partition: connections already open stop carrying anything
    either way, and new ones are accepted but never answered (nothing is closed, so nothing
    tells the client the database is gone)."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_port()
        self.silent = False
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.1)
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def close(self):
        listener, self._listener = self._listener, None
        if listener:
            self._acceptor.join()  # it stops within its 0.1 s accept timeout
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.silent:  # accepted, never answered
                with self._lock:
                    self._sockets.add(client)
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while data := src.recv(65536):
                if not self.silent:
                    dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _swallow(client):
        with contextlib.suppress(OSError):
            while client.recv(65536):
                pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies, no redirects, status and body of every response."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def wait_for_server(url: str, process, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback test server
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


@pytest.fixture
def throwaway_postgres():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the recovery test needs PostgreSQL (DATABASE_URL=postgres://...)")
    import psycopg2

    name = f"improvement_plans_recovery_{os.getpid()}"
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"name": name, **params}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def database_url(db, port):
    auth = db["user"] + (f":{db['password']}" if db["password"] else "")
    return f"postgres://{auth}@127.0.0.1:{port}/{db['name']}"


@pytest.mark.slow
def test_after_an_outage_the_next_request_succeeds(throwaway_postgres, tmp_path):
    db = throwaway_postgres
    # Settings as deployed for connections: persistent (CONN_MAX_AGE) and health-checked.
    (tmp_path / "recovery_settings.py").write_text(
        "from config.settings.test import *  # noqa\n"
        "DATABASES['default']['CONN_MAX_AGE'] = 60\n"
        "DATABASES['default']['CONN_HEALTH_CHECKS'] = True\n"
    )
    proxy = TcpProxy((db["host"], db["port"]))
    proxy.open()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "recovery_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DATABASE_URL": database_url(db, proxy.port),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [
            *manage,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            "User.objects.create_user('recovery', password='recovery-pass')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(GUNICORN),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for_server(f"http://127.0.0.1:{port}/accessibility/", server)
        browser = Browser(f"http://127.0.0.1:{port}")
        status, page = browser.request("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = browser.request(
            "/sign-in/",
            {"username": "recovery", "password": "recovery-pass", "csrfmiddlewaretoken": token},
        )
        assert status == 302
        assert browser.request("/plans/")[0] == 200  # the worker now holds a connection

        # A restart between requests breaks the held connection without anyone noticing: the
        # health check finds it dead and reconnects, so the next request succeeds.
        proxy.close()
        proxy.open()
        status, page = browser.request("/plans/")
        assert status == 200, page[:500]

        proxy.close()  # the database goes away
        status, page = browser.request("/plans/")
        assert status == 503, page[:500]
        assert "Sorry, the service is unavailable" in page and "Traceback" not in page
        assert browser.request("/plans/")[0] == 503  # and stays away

        proxy.open()  # the database is back: the very next request succeeds, still signed in
        status, page = browser.request("/plans/")
        assert status == 200, page[:500]
        assert '<h1 class="govuk-heading-l">Plans</h1>' in page
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        proxy.close()
