"""Sign-in hardening: lockout after repeated failures, no user enumeration, session rotation,
CSRF enforced, idle and absolute session timeouts, the keep-alive, and password reset by e-mail."""

import re
import statistics
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.middleware import LAST_ACTIVITY, SIGNED_IN_AT, SessionTimeout
from core.models import AuditEvent
from tests import factories
from tests.config.test_settings import run_manage

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-long-password-2026"


@pytest.fixture(autouse=True)
def no_lockouts():
    """django-axes stays on in tests; every test starts with no failed attempts on record."""
    axes_reset()
    yield
    axes_reset()


def make_user(username="sam", email="sam@example.org", **kw):
    user = factories.user(username=username, email=email, **kw)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def main_content(response) -> str:
    """The page's <main> without the CSRF token (which differs per response)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


# Lockout ---------------------------------------------------------------------------------------
def test_five_failed_sign_ins_lock_the_user_name_out_for_fifteen_minutes(client):
    make_user()
    for attempt in range(1, 5):
        response = sign_in(client, "sam", "wrong")
        assert response.status_code == 200, attempt
        assert "Enter a correct user name and password" in response.content.decode()
    fifth = sign_in(client, "sam", "wrong")
    assert fifth.status_code == 429
    assert "You cannot sign in at the moment" in fifth.content.decode()
    # Locked out even with the right password.
    assert sign_in(client, "sam", PASSWORD).status_code == 429
    assert SESSION_KEY not in client.session
    # Fifteen minutes later the lock has gone.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    assert SESSION_KEY in client.session


def test_the_lockout_page_is_the_same_whether_or_not_the_account_exists(client):
    make_user()
    for _ in range(5):
        known = sign_in(client, "sam", "wrong")
    for _ in range(5):
        unknown = sign_in(client, "nobody-here", "wrong")
    assert known.status_code == unknown.status_code == 429
    assert main_content(known) == main_content(unknown)
    assert "sam" not in main_content(known) and "nobody-here" not in main_content(unknown)


def test_the_lockout_is_per_user_name_and_address(client):
    make_user()
    make_user(username="alex", email="alex@example.org")
    for _ in range(5):
        sign_in(client, "sam", "wrong")
    assert sign_in(client, "sam", PASSWORD).status_code == 429
    # Another user at the same address, and the same user elsewhere, can still sign in.
    assert sign_in(Client(), "alex", PASSWORD).status_code == 302
    assert sign_in(Client(), "sam", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_an_administrator_can_lift_a_lockout(client):
    make_user()
    for _ in range(5):
        sign_in(client, "sam", "wrong")
    assert sign_in(client, "sam", PASSWORD).status_code == 429
    axes_reset(username="sam")
    assert sign_in(client, "sam", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client):
    make_user(is_staff=True)
    for _ in range(5):
        response = client.post(
            reverse("admin:login"), {"username": "sam", "password": "wrong", "next": "/admin/"}
        )
    assert response.status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(client):
    make_user()
    for _ in range(4):
        sign_in(client, "sam", "wrong")
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert sign_in(client, "sam", "wrong").status_code == 200


# No user enumeration ----------------------------------------------------------------------------
def test_unknown_user_and_wrong_password_get_the_same_page(client):
    unknown = sign_in(client, "sam", "wrong")
    make_user()
    wrong_password = sign_in(client, "sam", "wrong")
    assert unknown.status_code == wrong_password.status_code == 200
    assert main_content(unknown) == main_content(wrong_password)
    html = unknown.content.decode()
    assert '<a href="#id_username">Enter a correct user name and password.' in html
    assert "<title>Error: Sign in" in html


class CountingHasher(MD5PasswordHasher):
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


class SlowHasher(PBKDF2PasswordHasher):
    """Slow enough (a few ms) for timing to be measurable, fast enough for a test."""

    iterations = 40_000


def test_unknown_user_and_wrong_password_both_run_the_password_hasher(client, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    make_user()
    CountingHasher.calls = 0
    sign_in(client, "sam", "wrong")
    wrong_password_calls = CountingHasher.calls
    CountingHasher.calls = 0
    sign_in(client, "nobody-here", "wrong")
    assert wrong_password_calls == CountingHasher.calls == 1


def test_unknown_user_and_wrong_password_take_about_the_same_time(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.SlowHasher"]
    make_user()

    def median_time(username):
        times = []
        for _ in range(5):
            axes_reset()
            client = Client()
            started = time.perf_counter()
            sign_in(client, username, "wrong")
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    sign_in(Client(), "warm-up", "wrong")
    known, unknown = median_time("sam"), median_time("nobody-here")
    assert 0.5 < unknown / known < 2, (known, unknown)


# Session rotation and CSRF ------------------------------------------------------------------------
def test_signing_in_gives_a_new_session_key(client):
    make_user()
    client.get(reverse("login"))
    session = client.session
    session["before-sign-in"] = "kept"
    session.save()
    old_key = session.session_key
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.session[SESSION_KEY]


def test_forms_without_a_csrf_token_are_refused():
    make_user()
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    refused = sign_in(client, "sam", PASSWORD)
    assert refused.status_code == 403
    assert "Sorry, your form could not be sent" in refused.content.decode()
    assert SESSION_KEY not in client.session


def test_forms_with_the_csrf_token_are_accepted_and_sign_out_needs_it_too():
    make_user()
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("login"), {"username": "sam", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert client.post(reverse("logout")).status_code == 403
    assert client.post(reverse("session_keepalive")).status_code == 403
    assert client.get(reverse("plans:list")).status_code == 200  # still signed in
    page = client.get(reverse("plans:list")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(reverse("plans:list")).status_code == 302


# Session timeouts --------------------------------------------------------------------------------
def signed_in_client():
    make_user()
    client = Client()
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    return client


def shift_clock(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def test_the_timeout_clocks_start_at_sign_in():
    client = signed_in_client()
    now = time.time()
    assert now - 5 < client.session[SIGNED_IN_AT] <= now
    assert now - 5 < client.session[LAST_ACTIVITY] <= now


def test_thirty_minutes_without_activity_signs_the_user_out(client, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    client = signed_in_client()
    shift_clock(client, LAST_ACTIVITY, 30 * 60 + 5)
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/plans/"
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_OUT).get()
    assert event.username == "sam" and event.detail["reason"] == "idle"


def test_activity_within_the_idle_limit_keeps_the_user_signed_in():
    client = signed_in_client()
    shift_clock(client, LAST_ACTIVITY, 29 * 60)
    before = client.session[LAST_ACTIVITY]
    assert client.get(reverse("plans:list")).status_code == 200
    assert client.session[LAST_ACTIVITY] > before + 29 * 60 - 5  # activity recorded


def test_requests_close_together_do_not_rewrite_the_session():
    client = signed_in_client()
    client.get(reverse("plans:list"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("plans:list")).status_code == 200
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []


def test_twelve_hours_after_sign_in_the_user_is_signed_out_even_when_active(settings):
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    client = signed_in_client()
    shift_clock(client, SIGNED_IN_AT, 12 * 60 * 60 + 5)
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had been signed in for 12 hours." in page


def test_timeouts_come_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print('TIMEOUTS', s.SESSION_IDLE_TIMEOUT,"
        " s.SESSION_ABSOLUTE_TIMEOUT, s.SESSION_COOKIE_AGE)",
        SECRET_KEY="s" * 60,
        ALLOWED_HOSTS="plans.example.org",
        SESSION_IDLE_TIMEOUT="600",
        SESSION_ABSOLUTE_TIMEOUT="3600",
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("TIMEOUTS"))
    assert line.split()[1:] == ["600", "3600", "3600"], result.stderr


# Keep-alive -----------------------------------------------------------------------------------
def test_stay_signed_in_restarts_the_idle_clock():
    client = signed_in_client()
    shift_clock(client, LAST_ACTIVITY, 28 * 60)
    response = client.post(reverse("session_keepalive"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["signed_in"] is True
    assert 30 * 60 - 5 <= data["expires_in"] <= 30 * 60
    assert time.time() - client.session[LAST_ACTIVITY] < 5


def test_keep_alive_after_expiry_says_signed_out():
    client = signed_in_client()
    shift_clock(client, LAST_ACTIVITY, 31 * 60)
    response = client.post(reverse("session_keepalive"), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["signed_in"] is False
    anonymous = Client().post(reverse("session_keepalive"), HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 401


def test_keep_alive_without_javascript_returns_to_the_page_but_never_off_site():
    client = signed_in_client()
    back = client.post(reverse("session_keepalive"), {"next": "/measures/"})
    assert back.status_code == 302 and back["Location"] == "/measures/"
    offsite = client.post(reverse("session_keepalive"), {"next": "https://evil.example/"})
    assert offsite["Location"] == reverse("home")


def test_the_timeout_warning_include_carries_what_the_script_needs(rf: RequestFactory):
    request = rf.get("/plans/")
    request.user = factories.user()
    request.session_timeout = SessionTimeout(idle=1800, warning=120, remaining=1750)
    html = render_to_string("includes/session_timeout.html", request=request)
    assert '<dialog class="app-timeout-dialog" id="session-timeout"' in html
    assert 'data-remaining="1750"' in html and 'data-warning="120"' in html
    assert f'action="{reverse("session_keepalive")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Stay signed in" in html and "30 minutes without activity" in html
    assert '<script type="module" src="/static/js/session-timeout.js"></script>' in html
    assert "style=" not in html
    request.user = AnonymousUser()
    assert render_to_string("includes/session_timeout.html", request=request).strip() == ""


def test_signed_in_pages_know_how_long_the_session_has_left():
    client = signed_in_client()
    response = client.get(reverse("plans:list"))
    timeout = response.wsgi_request.session_timeout
    assert timeout.idle == 1800 and timeout.warning == 120
    assert 1790 <= timeout.remaining <= 1800


# Password reset ---------------------------------------------------------------------------------
def test_password_reset_does_not_reveal_whether_the_address_is_known(client):
    make_user()
    with TestCase.captureOnCommitCallbacks(execute=True):  # e-mail is queued at commit
        known = client.post(reverse("password_reset"), {"email": "sam@example.org"})
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.org"]
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "If the address you entered matches an account" in done


def test_password_reset_by_email_sets_a_new_password(client):
    make_user()
    with TestCase.captureOnCommitCallbacks(execute=True):  # e-mail is queued at commit
        client.post(reverse("password_reset"), {"email": "sam@example.org"})
    message = mail.outbox[0]
    assert message.subject == "Reset your password for Improvement Plan Tracker"
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "brand-new-pass-2027", "new_password2": "brand-new-pass-2027"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert sign_in(Client(), "sam", "brand-new-pass-2027").status_code == 302
    # The link works once only.
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_password_reset_form_errors_are_summarised_and_linked(client):
    html = client.post(reverse("password_reset"), {"email": "not an address"}).content.decode()
    assert '<a href="#id_email">Enter an email address in the correct format' in html
    assert 'value="not an address"' in html


def test_sign_in_page_links_to_password_reset_and_states_the_timeout(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html
    assert "signed out after 30 minutes without activity" in html
    empty = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your user name</a>' in empty
    assert '<a href="#id_password">Enter your password</a>' in empty
