"""The audit log records sign-ins, failed sign-ins, sign-outs, permission refusals and (through
``plans.audit.record``) exports, with who, what, when (UTC) and from where."""

import datetime as dt

import pytest
from axes.utils import reset as axes_reset
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_lockouts():
    axes_reset()
    yield
    axes_reset()


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def test_a_sign_in_is_recorded_with_who_when_in_utc_and_where():
    user = factories.user(username="recorded")
    before = timezone.now()
    response = Client(REMOTE_ADDR="192.0.2.10").post(
        reverse("login"), {"username": "recorded", "password": "pw"}
    )
    assert response.status_code == 302
    (event,) = events(AuditEvent.Kind.SIGN_IN)
    assert event.user == user and event.username == "recorded"
    assert event.ip_address == "192.0.2.10"
    assert event.path == reverse("login")
    assert event.at.tzinfo is not None and event.at.utcoffset() == dt.timedelta(0)
    assert before <= event.at <= timezone.now()


def test_failed_sign_ins_are_recorded_the_same_way_for_unknown_and_known_users():
    factories.user(username="known")
    client = Client(REMOTE_ADDR="192.0.2.20")
    client.post(reverse("login"), {"username": "known", "password": "wrong"})
    client.post(reverse("login"), {"username": "ghost", "password": "wrong"})
    known, unknown = events(AuditEvent.Kind.SIGN_IN_FAILED)
    assert (known.username, unknown.username) == ("known", "ghost")
    assert known.user is None and unknown.user is None  # never linked to an account
    assert known.summary == unknown.summary == "Sign-in failed"
    assert known.ip_address == unknown.ip_address == "192.0.2.20"
    assert "wrong" not in str(known.detail) + known.summary  # no password in the log


def test_the_failure_that_locks_an_account_out_is_flagged():
    client = Client()
    for _ in range(6):
        client.post(reverse("login"), {"username": "target", "password": "wrong"})
    failures = events(AuditEvent.Kind.SIGN_IN_FAILED)
    assert len(failures) == 6
    assert [f.detail["locked_out"] for f in failures] == [False] * 4 + [True, True]
    assert failures[-1].summary == "Sign-in refused: locked out"


def test_signing_out_is_recorded():
    user = factories.user(username="leaver")
    client = Client()
    client.post(reverse("login"), {"username": "leaver", "password": "pw"})
    client.post(reverse("logout"))
    (event,) = events(AuditEvent.Kind.SIGN_OUT)
    assert event.user == user and event.detail["reason"] == "user"


def test_a_permission_refusal_is_recorded_with_the_page_and_method():
    board_member = factories.user(username="councillor-x", role="Board members")
    plan = factories.plan()
    client = Client(REMOTE_ADDR="192.0.2.30")
    client.force_login(board_member)
    assert client.get(plan.get_absolute_url()).status_code == 403
    (event,) = events(AuditEvent.Kind.PERMISSION_DENIED)
    assert event.user == board_member
    assert event.path == plan.get_absolute_url()
    assert event.detail == {"method": "GET", "status": 403}
    assert event.ip_address == "192.0.2.30"


def test_a_refused_form_without_its_csrf_token_is_recorded():
    user = factories.officer()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("logout")).status_code == 403
    (event,) = events(AuditEvent.Kind.PERMISSION_DENIED)
    assert event.user == user and event.detail["method"] == "POST"


def test_pages_that_are_allowed_write_nothing_to_the_log():
    client = Client()
    client.force_login(factories.officer())
    AuditEvent.objects.all().delete()
    assert client.get(reverse("plans:list")).status_code == 200
    assert not AuditEvent.objects.exists()


def test_record_is_the_helper_for_exports(rf: RequestFactory):
    user = factories.user(username="exporter")
    plan = factories.plan()
    request = rf.get("/exports/plan.xlsx", REMOTE_ADDR="2001:db8::1")
    request.user = user
    event = audit.record(
        AuditEvent.Kind.EXPORT, request=request, summary="Plan as .xlsx", plan=plan, format="xlsx"
    )
    event.refresh_from_db()
    assert event.kind == "export" and event.user == user and event.username == "exporter"
    assert event.detail == {"plan": plan.pk, "format": "xlsx"}
    assert event.path == "/exports/plan.xlsx" and event.ip_address == "2001:db8::1"


def test_record_works_without_a_request_and_keeps_long_text_within_its_columns():
    event = audit.record(AuditEvent.Kind.REMINDERS_SENT, summary="x" * 900, period=3)
    assert event.user is None and event.username == "" and event.ip_address is None
    assert len(event.summary) == 500 and event.detail == {"period": 3}
    when = audit.record(AuditEvent.Kind.EXPORT, as_at=dt.date(2024, 3, 31))
    assert when.detail == {"as_at": "2024-03-31"}


def test_client_ip_trusts_only_the_configured_number_of_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert audit.client_ip(request) == "10.0.0.1"  # a spoofed header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert audit.client_ip(request) == "198.51.100.7"
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    assert audit.client_ip(request) is None
