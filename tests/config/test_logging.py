"""Quiet, accurate logs (issue 18): an outage logs one error when it starts and one warning per
refused request, never a traceback per request; every request logs one line with its id, user
id, method, path, status and duration; the id goes back to the browser as X-Request-ID."""

import json
import logging
import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from config import middleware
from config.logging import JsonFormatter, RequestFieldsFilter, safe_for_log
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_outage_state():
    middleware.outage.since = None
    yield
    middleware.outage.since = None


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestFieldsFilter())
    return caplog


@pytest.fixture
def officer():
    user = factories.officer()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.user = user
    return client


def request_lines(records):
    return [r for r in records if r.name == "config.requests"]


def test_an_outage_logs_one_error_then_one_warning_per_request_and_no_tracebacks(officer, logs):
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("server closed the connection")
    ):
        for _ in range(3):
            assert officer.get(reverse("plans:list")).status_code == 503
    errors = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert [r.getMessage()[:21] for r in errors] == ["Database unreachable:"]
    assert "server closed the connection" in errors[0].getMessage()
    lines = request_lines(logs.records)
    assert [(r.levelname, r.status) for r in lines] == [("WARNING", 503)] * 3
    assert all("reason=database_unavailable" in r.getMessage() for r in lines)
    assert not [r for r in logs.records if r.exc_info], "no traceback while the database is down"
    assert not [r for r in logs.records if r.name == "django.request"]
    assert len([r for r in logs.records if r.levelno >= logging.WARNING]) == 4

    logs.clear()
    assert officer.get(reverse("plans:list")).status_code == 200  # the database is back
    back = [r.getMessage() for r in logs.records if "reachable again" in r.getMessage()]
    assert len(back) == 1 and "3 request(s) got the 503 page" in back[0]
    logs.clear()
    officer.get(reverse("plans:list"))
    assert not [r for r in logs.records if "reachable" in r.getMessage()]


def test_an_outage_inside_other_middleware_is_not_logged_as_a_server_error(officer, logs):
    """The session is read in middleware: Django logs that exception itself, as a 500 with a
    traceback, before the 503 page replaces it; the filter drops that record."""
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("down")):
        assert officer.get(reverse("plans:list")).status_code == 503
    assert not [r for r in logs.records if "Internal Server Error" in r.getMessage()]
    assert not [r for r in logs.records if r.exc_info]


def test_every_request_logs_one_line_with_its_id_user_path_status_and_duration(officer, logs):
    response = officer.get(reverse("plans:list"), {"q": "x"})
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    (line,) = request_lines(logs.records)
    assert line.levelname == "INFO"
    assert line.request_id == request_id
    assert line.user_id == str(officer.user.pk)
    assert (line.method, line.path, line.status) == ("GET", "/plans/", 200)
    assert isinstance(line.duration_ms, int) and line.duration_ms >= 0
    assert line.getMessage().startswith('method=GET path="/plans/" status=200 duration_ms=')
    # Every other record of the request carries the same id.
    assert {r.request_id for r in logs.records} == {request_id}


def test_a_request_id_from_the_proxy_is_kept_when_it_looks_like_one(officer):
    given = officer.get(reverse("plans:list"), headers={"X-Request-ID": "abc-123.DEF_4"})
    assert given["X-Request-ID"] == "abc-123.DEF_4"
    forged = officer.get(reverse("plans:list"), headers={"X-Request-ID": "x\r\nFake: 1"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_anonymous_requests_and_refusals_are_logged_without_a_user(logs):
    client = Client()
    client.get(reverse("plans:list"))
    (line,) = request_lines(logs.records)
    assert (line.user_id, line.status) == ("-", 302)


def test_control_characters_in_a_path_cannot_forge_a_log_line(officer, logs):
    officer.get("/plans/%0A2026-01-01 ERROR forged/")
    (line,) = request_lines(logs.records)
    assert "\n" not in line.getMessage() and "\\n" in line.getMessage()
    assert safe_for_log("a\x00b\u202ec") == "a\\x00b\\u202ec"


def test_json_lines_for_log_collectors(officer, logs):
    officer.get(reverse("plans:list"))
    (line,) = request_lines(logs.records)
    data = json.loads(JsonFormatter().format(line))
    assert data["status"] == 200 and data["path"] == "/plans/" and data["method"] == "GET"
    assert data["request_id"] == line.request_id and data["level"] == "INFO"


def test_a_session_that_cannot_be_saved_for_the_database_is_a_503_not_a_400(officer, logs):
    """Found on a slow page: the session's save at the end failed on the database and Django
    answered "SessionInterrupted" (400) with a traceback; it is the 503 page, logged once."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore

    def save(*args, **kwargs):  # as the database backend does when its UPDATE fails
        try:
            raise OperationalError("gave up waiting for the database")
        except OperationalError:
            raise UpdateError from None

    with mock.patch.object(SessionStore, "save", save):
        response = officer.post(reverse("session_keepalive"))
    assert response.status_code == 503
    assert not [r for r in logs.records if r.exc_info]
    assert [r.levelname for r in request_lines(logs.records)] == ["WARNING"]
