"""Single sign-on end to end against a real OpenID Connect provider (tests/oidc): sign-in,
role mapping and removal, tenant lock, replayed and tampered responses, sign-out, timeouts."""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY

from accounts.models import ExternalIdentity
from core.models import AuditEvent
from tests.accounts.conftest import FOREIGN_TENANT, TENANT, signed_in_user
from tests.oidc.provider import path_of

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


# Roles -----------------------------------------------------------------------------------------
def test_roles_follow_the_provider_at_every_sign_in(client, stockton, oidc_provider, sso_sign_in):
    oidc_provider.set_account(
        "sam", tid=TENANT, oid="oid-sam", roles=["Administrator", "Viewer"], email="sam@x.org"
    )
    sso_sign_in(client, "sam")
    user = signed_in_user(client)
    assert role_names(user) == {"Administrators", "Viewers"}
    assert user.is_staff
    assert client.get("/admin/").status_code == 200

    # Entra ID app role values cannot hold spaces: "BoardMember" is the board member role.
    oidc_provider.set_account("sam", tid=TENANT, oid="oid-sam", roles=["BoardMember"])
    client.post("/sign-out/")
    sso_sign_in(client, "sam")
    user.refresh_from_db()
    assert signed_in_user(client) == user
    assert role_names(user) == {"Board members"}
    assert not user.is_staff
    assert client.get("/admin/").status_code == 302


def test_other_groups_are_left_alone(client, stockton, oidc_provider, sso_sign_in):
    from django.contrib.auth.models import Group

    oidc_provider.set_account("kim", tid=TENANT, oid="oid-kim", roles=["Viewer"])
    sso_sign_in(client, "kim")
    user = signed_in_user(client)
    user.groups.add(Group.objects.create(name="Report writers"))
    client.post("/sign-out/")
    sso_sign_in(client, "kim")
    assert role_names(user) == {"Viewers", "Report writers"}


def test_a_role_removed_at_the_provider_is_removed_here(
    client, stockton, oidc_provider, sso_sign_in
):
    oidc_provider.set_account(
        "lee", tid=TENANT, oid="oid-lee", roles=["Officer"], email="lee@x.org"
    )
    sso_sign_in(client, "lee")
    user = signed_in_user(client)
    assert role_names(user) == {"Officers"}
    client.post("/sign-out/")

    oidc_provider.set_account("lee", tid=TENANT, oid="oid-lee", roles=[], email="lee@x.org")
    attempt = sso_sign_in(client, "lee")
    assert attempt.response.status_code == 403
    page = attempt.response.content.decode()
    assert "Ask your administrator for access" in page
    assert SESSION_KEY not in client.session
    assert role_names(user) == set()
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).latest("at")
    assert event.detail["reason"] == "no_role" and event.username == "lee@x.org"
    assert event.user is None


def test_single_sign_on_makes_the_user_a_member_of_that_organisation_only(
    client, stockton, other_org, oidc_provider, sso_sign_in
):
    """Organisations as the boundary (ADR 0012): the provider's role gives a membership of the
    organisation whose tenant signed the user in, refreshed at every sign-in and taken away with
    the last role; the user reads that organisation's plans and never another's."""
    from accounts.models import Membership
    from tests import factories

    ours = factories.plan(organisation=stockton.organisation, title="Ours to read")
    theirs = factories.plan(organisation=other_org.organisation, title="Not ours to read")
    oidc_provider.set_account("rae", tid=TENANT, oid="oid-rae", roles=["Viewer"], email="r@x.org")
    sso_sign_in(client, "rae")
    user = signed_in_user(client)
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (stockton.organisation.pk, "Viewers")
    ]
    listed = client.get("/plans/").content.decode()
    assert "Ours to read" in listed and "Not ours to read" not in listed
    assert client.get(theirs.get_absolute_url()).status_code in (403, 404)
    assert client.get(ours.get_absolute_url()).status_code == 200

    client.post("/sign-out/")
    oidc_provider.set_account(
        "rae", tid=TENANT, oid="oid-rae", roles=["Viewer", "Officer"], email="r@x.org"
    )
    sso_sign_in(client, "rae")
    assert Membership.objects.get(user=user).role == "Officers"  # the widest role

    client.post("/sign-out/")
    oidc_provider.set_account("rae", tid=TENANT, oid="oid-rae", roles=[], email="r@x.org")
    assert sso_sign_in(client, "rae").response.status_code == 403
    assert not Membership.objects.filter(user=user).exists()


def test_no_recognised_role_asks_for_one_and_makes_no_account(
    client, stockton, oidc_provider, sso_sign_in
):
    from django.contrib.auth import get_user_model

    oidc_provider.set_account("new", tid=TENANT, oid="oid-new", roles=["Reader", "Guest"])
    attempt = sso_sign_in(client, "new")
    assert attempt.response.status_code == 403
    assert "Ask your administrator to give you a role" in attempt.response.content.decode()
    assert SESSION_KEY not in client.session
    assert not get_user_model().objects.exists()
    assert not ExternalIdentity.objects.exists()


# Tenant ----------------------------------------------------------------------------------------
def test_an_account_of_another_tenant_is_refused(client, stockton, oidc_provider, sso_sign_in):
    from django.contrib.auth import get_user_model

    oidc_provider.set_account(
        "mallory", tid=FOREIGN_TENANT, oid="oid-m", roles=["Administrator"], email="m@evil.org"
    )
    attempt = sso_sign_in(client, "mallory")
    assert attempt.response.status_code == 403
    page = attempt.response.content.decode()
    assert "You cannot sign in with this account" in page
    assert "does not belong to Stockton-on-Tees Borough Council" in page
    assert SESSION_KEY not in client.session
    assert not get_user_model().objects.exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert event.detail == {
        "reason": "foreign_tenant",
        "provider": "stockton",
        "tenant": FOREIGN_TENANT,
    }


def test_an_account_without_a_tenant_is_refused(client, stockton, oidc_provider, sso_sign_in):
    oidc_provider.set_account("nobody", oid="oid-n", roles=["Viewer"])
    assert sso_sign_in(client, "nobody").response.status_code == 403
    assert SESSION_KEY not in client.session


def test_each_organisation_accepts_only_its_own_tenants(
    client, stockton, other_org, oidc_provider, sso_sign_in
):
    oidc_provider.set_account("otto", tid=FOREIGN_TENANT, oid="oid-otto", roles=["Viewer"])
    assert sso_sign_in(client, "otto", slug="stockton").response.status_code == 403
    assert sso_sign_in(client, "otto", slug="other").response.status_code == 302
    identity = ExternalIdentity.objects.get()
    assert identity.organisation == other_org.organisation


# Replays ---------------------------------------------------------------------------------------
def test_a_replayed_callback_is_refused(client, stockton, oidc_provider, sso_sign_in):
    from django.test import Client

    oidc_provider.set_account("jo", tid=TENANT, oid="oid-jo", roles=["Viewer"])
    attempt = sso_sign_in(client, "jo")
    assert attempt.response.status_code == 302
    # The same code and state again, from another browser and from the same one.
    other = Client()
    replay = other.get(path_of(attempt.callback_url))
    assert replay.status_code == 400
    assert "already been used or has expired" in replay.content.decode()
    assert SESSION_KEY not in other.session
    assert client.get(path_of(attempt.callback_url)).status_code == 400
    reasons = set(
        AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).values_list(
            "detail__reason", flat=True
        )
    )
    assert reasons == {"state_mismatch"}


def test_a_used_code_with_a_fresh_state_is_refused_by_the_provider(
    client, stockton, oidc_provider, sso_sign_in
):
    from django.test import Client

    oidc_provider.set_account("jo", tid=TENANT, oid="oid-jo", roles=["Viewer"])
    used = sso_sign_in(client, "jo")
    code = parse_qs(urlsplit(used.callback_url).query)["code"][0]
    attacker = Client()
    start = attacker.get("/sign-in/sso/stockton/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = attacker.get("/sign-in/sso/stockton/callback/", {"code": code, "state": state})
    assert response.status_code == 403
    assert SESSION_KEY not in attacker.session
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).latest("at")
    assert event.detail["reason"] == "provider_refused"


def test_a_callback_without_a_started_sign_in_is_refused(client, stockton):
    response = client.get("/sign-in/sso/stockton/callback/", {"code": "x", "state": "forged"})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_error_from_the_provider_is_shown_plainly(client, stockton):
    start = client.get("/sign-in/sso/stockton/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(
        "/sign-in/sso/stockton/callback/", {"error": "access_denied", "state": state}
    )
    assert response.status_code == 403
    assert "did not let you in" in response.content.decode()


# Tampered tokens -------------------------------------------------------------------------------
def _tamper_token_response(monkeypatch, change):
    """Pass every token response from the provider through ``change(id_token) -> id_token``
    before the app checks it (a man in the middle, or a forged response)."""
    from authlib.integrations.django_client import DjangoOAuth2App

    original = DjangoOAuth2App.fetch_access_token

    def tampered(self, *args, **kwargs):
        token = original(self, *args, **kwargs)
        token["id_token"] = change(token["id_token"])
        return token

    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token", tampered)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def flip_signature_byte(id_token: str) -> str:
    header, payload, signature = id_token.split(".")
    raw = bytearray(_unb64(signature))
    raw[10] ^= 0x01
    return f"{header}.{payload}.{_b64(bytes(raw))}"


def change_claims(**changes):
    def change(id_token: str) -> str:
        header, payload, signature = id_token.split(".")
        claims = json.loads(_unb64(payload))
        claims.update(changes)
        return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"

    return change


def unsigned(id_token: str) -> str:
    _, payload, _ = id_token.split(".")
    return f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}."


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(flip_signature_byte, id="signature"),
        pytest.param(change_claims(roles=["Administrator"]), id="roles-raised"),
        pytest.param(change_claims(tid=TENANT), id="tenant-changed"),
        pytest.param(unsigned, id="alg-none"),
    ],
)
def test_a_tampered_id_token_is_refused(
    client, stockton, oidc_provider, sso_sign_in, monkeypatch, change
):
    # The account is a foreign viewer, so each change would be worth making.
    oidc_provider.set_account("eve", tid=FOREIGN_TENANT, oid="oid-eve", roles=["Viewer"])
    _tamper_token_response(monkeypatch, change)
    attempt = sso_sign_in(client, "eve")
    assert attempt.response.status_code == 403
    assert "could not be checked" in attempt.response.content.decode()
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert event.detail["reason"] == "invalid_token"


def test_the_untampered_control_signs_in(client, stockton, oidc_provider, sso_sign_in, monkeypatch):
    """The tampering helper itself changes nothing when told to change nothing."""
    oidc_provider.set_account("eve", tid=TENANT, oid="oid-eve", roles=["Viewer"])
    _tamper_token_response(monkeypatch, lambda token: token)
    assert sso_sign_in(client, "eve").response.status_code == 302


# Sign-out and timeouts -------------------------------------------------------------------------
def test_sign_out_ends_the_session_and_offers_the_providers_sign_out(
    client, stockton, oidc_provider, sso_sign_in
):
    import requests

    oidc_provider.set_account("jo", tid=TENANT, oid="oid-jo", roles=["Viewer"])
    sso_sign_in(client, "jo")
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert response["Location"] == "/signed-out/?provider=stockton"
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "You have signed out" in html
    link = re.search(r'id="provider-sign-out" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(f"{oidc_provider.issuer}/session/end?")
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "client_id": ["ipt-stockton"],
        "post_logout_redirect_uri": ["http://testserver/sign-in/"],
    }
    # The provider accepts it (it asks the user to confirm).
    assert requests.get(link, timeout=10).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_OUT).exists()


def test_a_local_sign_out_goes_to_the_sign_in_page_as_before(client, stockton):
    from tests import factories

    client.force_login(factories.user(role="Viewers"))
    response = client.post("/sign-out/")
    assert response["Location"] == "/sign-in/"


def test_the_idle_timeout_signs_out_single_sign_on_users_too(
    client, stockton, oidc_provider, sso_sign_in, settings
):
    import time

    from config.middleware import LAST_ACTIVITY

    oidc_provider.set_account("jo", tid=TENANT, oid="oid-jo", roles=["Viewer"])
    sso_sign_in(client, "jo")
    assert client.get("/plans/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY] = time.time() - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/plans/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_OUT).latest("at")
    assert event.detail["reason"] == "idle"


# Where to go after signing in ------------------------------------------------------------------
def test_the_page_asked_for_is_opened_after_signing_in(
    client, stockton, oidc_provider, sso_sign_in
):
    oidc_provider.set_account("jo", tid=TENANT, oid="oid-jo", roles=["Viewer"])
    assert sso_sign_in(client, "jo", next="/plans/").response["Location"] == "/plans/"
    client.post("/sign-out/")
    outside = sso_sign_in(client, "jo", next="https://evil.example.org/")
    assert outside.response["Location"] == "/"


def test_an_unknown_or_disabled_organisation_has_no_sign_in(client, stockton):
    assert client.get("/sign-in/sso/nowhere/").status_code == 404
    stockton.enabled = False
    stockton.save()
    assert client.get("/sign-in/sso/stockton/").status_code == 404


def test_an_unreachable_provider_gives_a_plain_page(client, stockton):
    stockton.discovery_url = "http://127.0.0.1:9/.well-known/openid-configuration"
    stockton.save()
    response = client.get("/sign-in/sso/stockton/")
    assert response.status_code == 502
    assert "not available at the moment" in response.content.decode()
