"""Fixtures for single sign-on: a real OpenID Connect provider in its own process
(tests/oidc), and an organisation whose sign-in points at it."""

import pytest
from django.contrib.auth import SESSION_KEY

from accounts import oidc
from accounts.models import OrganisationSignIn
from tests import factories
from tests.oidc.provider import path_of, start_provider, walk_to_callback

APP = "http://testserver"
TENANT = "11111111-aaaa-4bbb-8ccc-000000000001"
FOREIGN_TENANT = "99999999-aaaa-4bbb-8ccc-000000000009"
SECRET_VARIABLE = "SSO_CLIENT_SECRET_STOCKTON"
SECRET = "stockton-test-secret-0123456789"


def client_entry(client_id, secret, slug):
    return {
        "client_id": client_id,
        "client_secret": secret,
        "redirect_uris": [f"{APP}/sign-in/sso/{slug}/callback/"],
        "post_logout_redirect_uris": [f"{APP}/sign-in/"],
    }


@pytest.fixture(scope="session")
def oidc_provider():
    provider = start_provider(
        clients=[
            client_entry("ipt-stockton", SECRET, "stockton"),
            client_entry("ipt-other", "other-test-secret-0123456789", "other"),
        ]
    )
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def _fresh_clients():
    oidc.forget_clients()
    yield
    oidc.forget_clients()


@pytest.fixture
def stockton(db, oidc_provider, monkeypatch):
    """Stockton's sign-in through the test provider, its tenant TENANT."""
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    return OrganisationSignIn.objects.create(
        organisation=factories.organisation(name="Stockton-on-Tees Borough Council"),
        slug="stockton",
        label="Sign in with Microsoft",
        discovery_url=oidc_provider.discovery_url,
        client_id="ipt-stockton",
        client_secret_variable=SECRET_VARIABLE,
        tenant_ids=f"{TENANT}\n",
    )


@pytest.fixture
def other_org(db, oidc_provider, monkeypatch):
    monkeypatch.setenv("SSO_CLIENT_SECRET_OTHER", "other-test-secret-0123456789")
    return OrganisationSignIn.objects.create(
        organisation=factories.organisation(name="Other Council"),
        slug="other",
        discovery_url=oidc_provider.discovery_url,
        client_id="ipt-other",
        client_secret_variable="SSO_CLIENT_SECRET_OTHER",
        tenant_ids=FOREIGN_TENANT,
    )


class SignIn:
    """One sign-in through the provider: ``start`` (the redirect to it), ``callback_url`` (its
    redirect back), ``response`` (the app's answer to the callback)."""

    def __init__(self, start, callback_url, response):
        self.start, self.callback_url, self.response = start, callback_url, response


@pytest.fixture
def sso_sign_in(oidc_provider):
    """``sso_sign_in(client, account, slug="stockton", next=None)`` walks a whole sign-in:
    the app's start link, the provider's sign-in page (as ``account``), back to the app."""

    def _sign_in(client, account, slug="stockton", next=None, session=None):
        start = client.get(f"/sign-in/sso/{slug}/", {"next": next} if next else {})
        assert start.status_code == 302, start.content[:500]
        callback_url = walk_to_callback(start["Location"], account, APP, session=session)
        response = client.get(path_of(callback_url))
        return SignIn(start, callback_url, response)

    return _sign_in


def signed_in_user(client):
    from django.contrib.auth import get_user_model

    pk = client.session.get(SESSION_KEY)
    return get_user_model().objects.get(pk=pk) if pk else None
