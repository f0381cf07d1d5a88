"""Single sign-on end to end against a real OpenID Connect provider (tests/oidc): sign-in,
role mapping and removal, tenant lock, replayed and tampered responses, sign-out, timeouts."""

from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import ExternalIdentity
from core.models import AuditEvent
from tests.accounts.conftest import TENANT, signed_in_user

pytestmark = pytest.mark.django_db


def role_names(user):
    return set(user.groups.values_list("name", flat=True))


def test_an_officer_signs_in_through_the_provider(client, stockton, oidc_provider, sso_sign_in):
    oidc_provider.set_account(
        "jane",
        tid=TENANT,
        oid="oid-jane",
        roles=["Officer"],
        email="jane.smith@stockton.gov.uk",
        given_name="Jane",
        family_name="Smith",
    )
    attempt = sso_sign_in(client, "jane")

    # The request to the provider carries state, nonce and a PKCE S256 challenge.
    query = parse_qs(urlsplit(attempt.start["Location"]).query)
    assert attempt.start["Location"].startswith(oidc_provider.issuer + "/auth?")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["client_id"] == ["ipt-stockton"]
    assert query["redirect_uri"] == ["http://testserver/sign-in/sso/stockton/callback/"]

    assert attempt.response.status_code == 302
    assert attempt.response["Location"] == "/"
    user = signed_in_user(client)
    assert user.email == "jane.smith@stockton.gov.uk"
    assert (user.first_name, user.last_name) == ("Jane", "Smith")
    assert not user.has_usable_password()
    assert role_names(user) == {"Officers"}
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.subject, identity.tenant_id) == ("oid-jane", TENANT)
    assert identity.issuer == oidc_provider.issuer
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN).latest("at")
    assert event.user == user
    assert event.detail["method"] == "sso" and event.detail["provider"] == "stockton"
    assert client.get("/actions/mine/").status_code == 200
