"""Security headers on every response: a strict Content-Security-Policy, Permissions-Policy,
nosniff, Referrer-Policy, frame denial, HSTS in production, and no caching of signed-in pages."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.config.test_settings import run_manage

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def parse_csp(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


@pytest.fixture
def officer_client():
    client = Client()
    client.force_login(factories.officer())
    return client


def responses(client, officer_client):
    """A public page, a signed-in page, a 404, a refusal and a static file."""
    plan = factories.plan()
    board_member = Client()
    board_member.force_login(factories.user(role="Board members"))
    return {
        "sign-in page": client.get(reverse("login")),
        "plans list": officer_client.get(reverse("plans:list")),
        "not found": officer_client.get("/no-such-page/"),
        "refused": board_member.get(plan.get_absolute_url()),
        "static file": client.get("/static/css/app.css"),
        "theme": client.get(reverse("theme_css")),
    }


def test_every_response_has_a_strict_content_security_policy(client, officer_client):
    for name, response in responses(client, officer_client).items():
        header = response.get("Content-Security-Policy", "")
        assert parse_csp(header) == EXPECTED_CSP, f"{name}: {header!r}"
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, name


def test_every_response_has_nosniff_referrer_frame_and_permissions_policy(client, officer_client):
    for name, response in responses(client, officer_client).items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (name, feature)


def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(officer_client):
    for url in [reverse("plans:list"), reverse("measures:list"), "/no-such-page/"]:
        assert officer_client.get(url)["Cache-Control"] == "no-store", url


def test_the_response_that_signs_in_is_not_stored():
    client = Client()
    factories.user(username="hdr")  # password "pw"
    response = client.post(reverse("login"), {"username": "hdr", "password": "pw"})
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"


def test_public_pages_and_static_files_stay_cacheable(client, officer_client):
    # (Django marks the sign-in page itself never-cache.)
    assert "no-store" not in client.get(reverse("accessibility")).get("Cache-Control", "")
    # Static files keep their caching even for a signed-in user.
    static = officer_client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_production_sends_hsts_for_a_year_and_host_only_secure_cookies():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print('SETTINGS', s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'],"
        " s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)",
        SECRET_KEY="s" * 60,
        ALLOWED_HOSTS="plans.example.org",
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("SETTINGS"))
    assert line.split()[1:] == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "[\"'self'\"]",
        "__Host-sessionid",
        "__Host-csrftoken",
    ], result.stdout + result.stderr


def test_hsts_header_is_sent_over_https_with_production_settings(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
