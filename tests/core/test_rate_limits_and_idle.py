"""Rate limits on unauthenticated POSTs and password reset (per address and per client) with the
same no-enumeration responses, and an idle timeout that works for any configured value
(issue 18: below 60 s it signed out users who were active)."""

from unittest import mock

import pytest
from axes.utils import reset as axes_reset
from django.core import mail
from django.core.checks import run_checks
from django.test import Client, TestCase
from django.urls import reverse

from config import middleware
from config.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from core.models import RateLimit
from core.ratelimit import hit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_lockouts():
    axes_reset()
    yield
    axes_reset()


def reset_request(client, email, address="10.0.0.1"):
    """Ask for a reset; the e-mail is queued when the request's work commits (run here)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


# Password reset ----------------------------------------------------------------------------------
def test_reset_emails_to_one_address_are_limited_and_the_page_does_not_say_so(settings):
    settings.RATE_LIMIT_RESET_PER_ADDRESS = (3, 3600)
    factories.user(username="sam", email="sam@example.org")
    client = Client()
    responses = [reset_request(client, "sam@example.org", f"10.0.0.{n}") for n in range(1, 6)]
    assert [r.status_code for r in responses] == [302] * 5
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}
    assert len(mail.outbox) == 3  # the fourth and fifth asked for nothing to be sent
    # The address is compared as typed, whatever its case.
    reset_request(client, "SAM@example.org", "10.0.0.9")
    assert len(mail.outbox) == 3


def test_an_unknown_address_gets_the_same_answers_when_limited(settings):
    settings.RATE_LIMIT_RESET_PER_ADDRESS = (3, 3600)
    factories.user(username="sam", email="sam@example.org")
    client = Client()
    known = [reset_request(client, "sam@example.org", f"10.0.1.{n}") for n in range(5)]
    unknown = [reset_request(client, "nobody@example.org", f"10.0.2.{n}") for n in range(5)]
    assert [(r.status_code, r["Location"]) for r in known] == [
        (r.status_code, r["Location"]) for r in unknown
    ]


def test_reset_requests_from_one_client_are_limited(settings):
    settings.RATE_LIMIT_RESET_PER_CLIENT = (4, 3600)
    factories.user(username="sam", email="sam@example.org")
    client = Client()
    statuses = [reset_request(client, f"person{n}@example.org").status_code for n in range(4)]
    assert statuses == [302] * 4
    refused = reset_request(client, "sam@example.org")
    assert refused.status_code == 429
    assert "Sorry, there have been too many attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 0  # refused before anything is looked up or sent
    # Another client is not affected.
    assert reset_request(client, "sam@example.org", address="10.9.9.9").status_code == 302


# Every unauthenticated POST ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "name,data",
    [
        ("login", {"username": "x", "password": "y"}),
        ("password_reset", {"email": "a@example.org"}),
        ("session_keepalive", {}),
    ],
)
def test_unauthenticated_posts_from_one_client_are_limited(settings, name, data):
    settings.RATE_LIMIT_ANONYMOUS_POSTS = (3, 900)
    client = Client()
    url = reverse(name)
    for n in range(3):
        # different user names: django-axes (per name and address) does not come into it
        payload = {**data, "username": f"user{n}"} if "username" in data else data
        assert client.post(url, payload, REMOTE_ADDR="10.1.1.1").status_code != 429
    assert client.post(url, data, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert client.post(url, data, REMOTE_ADDR="10.1.1.2").status_code != 429
    assert client.get(url, REMOTE_ADDR="10.1.1.1").status_code != 429  # reading is not limited


def test_signed_in_users_posts_are_not_limited_this_way(settings):
    settings.RATE_LIMIT_ANONYMOUS_POSTS = (1, 900)
    client = Client()
    client.force_login(factories.officer())
    for _ in range(3):
        assert client.post(reverse("session_keepalive")).status_code == 302


def test_the_limiter_counts_in_windows_and_forgets_old_ones():
    with mock.patch("core.ratelimit.time.time", return_value=1_000_000.0):
        assert [hit("scope", "who", limit=2, window=60) for _ in range(3)] == [True, True, False]
    with mock.patch("core.ratelimit.time.time", return_value=1_000_000.0 + 61):
        assert hit("scope", "who", limit=2, window=60)  # a new window
    assert RateLimit.objects.count() == 1
    assert "who" not in RateLimit.objects.get().key  # identities are kept only as a keyed hash


# The idle timeout ---------------------------------------------------------------------------
class Clock:
    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def time(self):
        return self.now


@pytest.mark.parametrize("idle", [5, 30, 59, 61, 1800])
def test_a_user_active_within_the_idle_limit_stays_signed_in_for_any_limit(settings, idle):
    settings.SESSION_IDLE_TIMEOUT = idle
    clock = Clock()
    client = Client()
    with mock.patch.object(middleware.time, "time", clock.time):
        client.force_login(factories.officer())
        gap = idle * 0.8  # each request well inside the limit
        for _ in range(12):
            clock.now += gap
            response = client.get(reverse("plans:list"))
            assert response.status_code == 200, f"signed out after {clock.now - 1_800_000_000} s"
        clock.now += idle + 1  # and a gap longer than the limit still signs out
        assert client.get(reverse("plans:list")).status_code == 302


def test_the_last_activity_is_written_at_most_once_a_minute_for_long_limits(settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    clock = Clock()
    client = Client()
    with mock.patch.object(middleware.time, "time", clock.time):
        client.force_login(factories.officer())
        first = client.session[LAST_ACTIVITY]
        clock.now += 30
        client.get(reverse("plans:list"))
        assert client.session[LAST_ACTIVITY] == first
        clock.now += 31
        client.get(reverse("plans:list"))
        assert client.session[LAST_ACTIVITY] == clock.now
        assert client.session[SIGNED_IN_AT] == first


def test_the_warning_and_the_sign_in_page_fit_a_short_limit(settings):
    settings.SESSION_IDLE_TIMEOUT = 30
    client = Client()
    client.force_login(factories.officer())
    response = client.get(reverse("plans:list"))
    timeout = response.wsgi_request.session_timeout
    assert timeout.warning < timeout.idle == 30
    page = Client().get(reverse("login")).content.decode()
    assert "signed out after 30 seconds without activity" in page


@pytest.mark.parametrize("value", [0, -5])
def test_a_limit_that_is_not_positive_is_a_configuration_error(settings, value):
    settings.SESSION_IDLE_TIMEOUT = value
    errors = [e for e in run_checks() if e.id.startswith("core.")]
    assert [e.id for e in errors] == ["core.E001"]


def test_an_over_long_user_name_is_a_form_error_not_a_database_error(settings):
    """Found by the fuzzing crawl on PostgreSQL: django-axes stores at most 255 characters."""
    settings.RATE_LIMIT_ANONYMOUS_POSTS = (100, 900)
    response = Client().post(reverse("login"), {"username": "x" * 3000, "password": "y"})
    assert response.status_code == 200
    assert "Enter a user name of 150 characters or fewer" in response.content.decode()
