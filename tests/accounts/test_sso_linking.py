"""Single sign-on: people linked to their existing records by object id and e-mail (never a
second user), local passwords switched off per organisation (superusers kept), the sign-in
page's buttons, and the ID token checks on real tokens (audience, nonce, expiry)."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from accounts import oidc
from accounts.models import ExternalIdentity
from accounts.oidc import SignInRefused
from accounts.signin import roles_from_claims
from core.models import AuditEvent, Person
from core.roles import Role
from tests import factories
from tests.accounts.conftest import FOREIGN_TENANT, TENANT, signed_in_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-good-long-password-2026"


@pytest.fixture(autouse=True)
def no_lockouts():
    from axes.utils import reset

    reset()
    yield
    reset()


# Linking ---------------------------------------------------------------------------------------
def test_a_known_lead_officers_first_sign_in_links_their_person(
    client, stockton, oidc_provider, sso_sign_in
):
    person = Person.objects.create(
        slug="jane-smith",
        name="Jane Smith",
        email="Jane.Smith@Stockton.gov.uk",
        organisation=stockton.organisation,
    )
    oidc_provider.set_account(
        "jane",
        tid=TENANT,
        oid="oid-jane",
        roles=["Officer"],
        preferred_username="jane.smith@stockton.gov.uk",
    )
    sso_sign_in(client, "jane")
    user = signed_in_user(client)
    person.refresh_from_db()
    assert person.user == user
    # Signing in again finds the same user, even with a changed address.
    oidc_provider.set_account(
        "jane", tid=TENANT, oid="oid-jane", roles=["Officer"], email="jane.brown@stockton.gov.uk"
    )
    client.post("/sign-out/")
    sso_sign_in(client, "jane")
    assert signed_in_user(client) == user
    assert get_user_model().objects.count() == 1
    assert ExternalIdentity.objects.get().email == "jane.brown@stockton.gov.uk"


def test_an_existing_local_account_is_linked_not_duplicated(
    client, stockton, oidc_provider, sso_sign_in
):
    local = factories.user(username="adele.moore", email="adele.moore@stockton.gov.uk")
    Person.objects.create(
        slug="adele-moore",
        name="Adele Moore",
        email="adele.moore@stockton.gov.uk",
        organisation=stockton.organisation,
        user=local,
    )
    oidc_provider.set_account(
        "adele", tid=TENANT, oid="oid-adele", roles=["Officer"], email="ADELE.MOORE@stockton.gov.uk"
    )
    sso_sign_in(client, "adele")
    assert signed_in_user(client) == local
    assert get_user_model().objects.count() == 1
    assert ExternalIdentity.objects.get().user == local


def test_a_user_without_a_person_is_linked_by_email(client, stockton, oidc_provider, sso_sign_in):
    local = factories.user(username="viewer1", email="v@stockton.gov.uk")
    oidc_provider.set_account(
        "v", tid=TENANT, oid="oid-v", roles=["Viewer"], email="v@stockton.gov.uk"
    )
    sso_sign_in(client, "v")
    assert signed_in_user(client) == local


@pytest.mark.parametrize("case", ["superuser", "already-linked", "two-users"])
def test_an_email_never_takes_over_an_account_it_should_not(
    client, stockton, oidc_provider, sso_sign_in, case
):
    address = "boss@stockton.gov.uk"
    if case == "superuser":
        get_user_model().objects.create_superuser("root", address, PASSWORD)
    elif case == "already-linked":
        user = factories.user(email=address)
        ExternalIdentity.objects.create(
            user=user,
            organisation=stockton.organisation,
            issuer="https://elsewhere",
            subject="someone-else",
        )
    else:
        factories.user(email=address)
        factories.user(email=address.upper())
    before = get_user_model().objects.count()
    oidc_provider.set_account(
        "boss", tid=TENANT, oid="oid-boss", roles=["Administrator"], email=address
    )
    attempt = sso_sign_in(client, "boss")
    assert attempt.response.status_code == 403
    assert "Ask your administrator to link your account" in attempt.response.content.decode()
    assert SESSION_KEY not in client.session
    assert get_user_model().objects.count() == before


def test_new_people_get_a_user_without_a_password(client, stockton, oidc_provider, sso_sign_in):
    factories.user(username="sam")  # the name is taken
    oidc_provider.set_account(
        "sam",
        tid=TENANT,
        oid="oid-sam",
        roles=["Viewer"],
        email="sam@stockton.gov.uk",
        name="Sam Jones",
    )
    sso_sign_in(client, "sam")
    user = signed_in_user(client)
    assert user.username.startswith("sam-") and user.email == "sam@stockton.gov.uk"
    assert (user.first_name, user.last_name) == ("Sam", "Jones")
    assert not user.has_usable_password()


def test_a_switched_off_account_stays_switched_off(client, stockton, oidc_provider, sso_sign_in):
    user = factories.user(email="gone@stockton.gov.uk", is_active=False)
    oidc_provider.set_account(
        "gone", tid=TENANT, oid="oid-gone", roles=["Viewer"], email="gone@stockton.gov.uk"
    )
    attempt = sso_sign_in(client, "gone")
    assert attempt.response.status_code == 403
    assert SESSION_KEY not in client.session
    assert ExternalIdentity.objects.get().user == user


# Local passwords -------------------------------------------------------------------------------
def _local_user(organisation, **kw):
    user = factories.user(**kw)
    user.set_password(PASSWORD)
    user.save()
    Person.objects.create(
        slug=f"p-{user.pk}", name=user.username, organisation=organisation, user=user
    )
    return user


def _password_sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_local_passwords_switched_off_refuse_the_organisations_people(client, stockton):
    officer = _local_user(stockton.organisation, username="officer1")
    assert _password_sign_in(client, officer).status_code == 302  # allowed by default
    client.post("/sign-out/")

    stockton.local_passwords_allowed = False
    stockton.save()
    response = _password_sign_in(client, officer)
    assert response.status_code == 200
    assert "staff sign in with their organisation" in response.content.decode()
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).latest("at")
    assert event.detail["reason"] == "local_passwords_off" and event.user is None


def test_people_who_signed_in_through_the_organisation_are_refused_too(client, stockton):
    user = factories.user(username="linked")
    user.set_password(PASSWORD)
    user.save()
    ExternalIdentity.objects.create(
        user=user, organisation=stockton.organisation, issuer="i", subject="s"
    )
    stockton.local_passwords_allowed = False
    stockton.save()
    assert _password_sign_in(client, user).status_code == 200
    assert SESSION_KEY not in client.session


def test_superusers_keep_the_password_form_as_break_glass(client, stockton):
    root = _local_user(stockton.organisation, username="root", is_superuser=True, is_staff=True)
    stockton.local_passwords_allowed = False
    stockton.save()
    assert _password_sign_in(client, root).status_code == 302
    assert signed_in_user(client) == root


def test_other_organisations_keep_their_passwords(client, stockton):
    elsewhere = _local_user(factories.organisation(name="Elsewhere"), username="else1")
    nobody = factories.user(username="loose")
    nobody.set_password(PASSWORD)
    nobody.save()
    stockton.local_passwords_allowed = False
    stockton.save()
    assert _password_sign_in(client, elsewhere).status_code == 302
    client.post("/sign-out/")
    assert _password_sign_in(client, nobody).status_code == 302


# The sign-in page ------------------------------------------------------------------------------
def test_the_sign_in_page_offers_each_organisations_button(client, stockton, other_org):
    other_org.label = "Sign in with Other Council"
    other_org.save()
    html = client.get("/sign-in/?next=/plans/").content.decode()
    assert 'href="/sign-in/sso/stockton/?next=/plans/"' in html
    assert ">Sign in with Microsoft</a>" in html and ">Sign in with Other Council</a>" in html
    assert 'name="password"' in html  # the form stays beside them
    other_org.enabled = False
    other_org.save()
    assert "Other Council" not in client.get("/sign-in/").content.decode()


def test_without_any_single_sign_on_the_page_is_as_before(client, db):
    html = client.get("/sign-in/").content.decode()
    assert "sso-options" not in html and 'name="password"' in html


# Roles claim -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "values,expected",
    [
        (["Viewer"], {Role.VIEWER}),
        (["Officer", "Administrator"], {Role.OFFICER, Role.ADMINISTRATOR}),
        (["Board member"], {Role.BOARD_MEMBER}),
        (["BoardMember", "board.member", "Board_Member"], {Role.BOARD_MEMBER}),
        (["Board members", "administrators"], {Role.BOARD_MEMBER, Role.ADMINISTRATOR}),
        ("Officer", {Role.OFFICER}),
        (["Reader", "", None, 3], set()),
        (None, set()),
    ],
)
def test_roles_claim_values(values, expected):
    assert roles_from_claims({"roles": values}) == expected


# The ID token checks, on real tokens from the provider -----------------------------------------
@pytest.fixture
def real_token(client, other_org, oidc_provider, sso_sign_in, monkeypatch):
    """A token response the provider issued to the "other" client, and its nonce."""
    from authlib.integrations.django_client import DjangoOAuth2App

    seen = {}
    original = DjangoOAuth2App.parse_id_token

    def capture(self, token, nonce, *args, **kwargs):
        seen.update(token=dict(token), nonce=nonce)
        return original(self, token, nonce, *args, **kwargs)

    monkeypatch.setattr(DjangoOAuth2App, "parse_id_token", capture)
    oidc_provider.set_account("otto", tid=FOREIGN_TENANT, oid="oid-otto", roles=["Viewer"])
    assert sso_sign_in(client, "otto", slug="other").response.status_code == 302
    monkeypatch.setattr(DjangoOAuth2App, "parse_id_token", original)
    return seen


def test_the_real_token_passes_the_checks_for_its_own_client(real_token, other_org):
    claims = oidc.validate_id_token(other_org, real_token["token"], real_token["nonce"])
    assert claims["tid"] == FOREIGN_TENANT and claims["aud"] == "ipt-other"


def test_a_token_issued_to_another_application_is_refused(real_token, stockton):
    # Same provider, same signing keys, but the audience is another client.
    with pytest.raises(SignInRefused) as refused:
        oidc.validate_id_token(stockton, real_token["token"], real_token["nonce"])
    assert refused.value.reason == "invalid_token"


def test_a_token_with_another_nonce_is_refused(real_token, other_org):
    with pytest.raises(SignInRefused):
        oidc.validate_id_token(other_org, real_token["token"], "a-different-nonce")


def test_an_expired_token_is_refused(real_token, other_org, monkeypatch):
    import time

    later = time.time() + 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(SignInRefused):
        oidc.validate_id_token(other_org, real_token["token"], real_token["nonce"])


def test_a_token_from_another_issuer_is_refused(real_token, other_org):
    client = oidc.client_for(other_org)
    client.load_server_metadata()
    client.server_metadata["issuer"] = "https://login.microsoftonline.com/{tenantid}/v2.0"
    with pytest.raises(SignInRefused):
        oidc.validate_id_token(other_org, real_token["token"], real_token["nonce"])


def test_entra_multi_tenant_issuers_are_one_per_allowed_tenant(stockton):
    stockton.tenant_ids = "t-one\nt-two"
    metadata = {"issuer": "https://login.microsoftonline.com/{tenantid}/v2.0"}
    assert oidc.expected_issuers(stockton, metadata) == [
        "https://login.microsoftonline.com/t-one/v2.0",
        "https://login.microsoftonline.com/t-two/v2.0",
    ]
    assert oidc.expected_issuers(stockton, {"issuer": "https://idp"}) == ["https://idp"]


def test_the_client_secret_comes_from_the_environment_only(stockton, monkeypatch):
    from django.core.exceptions import ValidationError

    assert stockton.client_secret() == "stockton-test-secret-0123456789"
    monkeypatch.delenv("SSO_CLIENT_SECRET_STOCKTON")
    assert stockton.client_secret() is None
    stockton.client_secret_variable = "SECRET_KEY"  # never any other variable
    with pytest.raises(ValidationError):
        stockton.full_clean()


# Admin -----------------------------------------------------------------------------------------
def test_only_superusers_manage_single_sign_on(client, stockton):
    administrator = factories.user(role="Administrators", is_staff=True)
    client.force_login(administrator)
    assert client.get("/admin/accounts/organisationsignin/").status_code == 403
    assert (
        client.get(f"/admin/accounts/organisationsignin/{stockton.pk}/change/").status_code == 403
    )
    root = get_user_model().objects.create_superuser("root", "root@x.org", PASSWORD)
    client.force_login(root)
    page = client.get(f"/admin/accounts/organisationsignin/{stockton.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "SSO_CLIENT_SECRET_STOCKTON" in html and "stockton-test-secret" not in html
    assert client.get("/admin/accounts/externalidentity/").status_code == 200


def test_a_user_with_a_person_elsewhere_is_not_given_a_second_one(
    client, stockton, oidc_provider, sso_sign_in
):
    user = factories.user(email="pat@stockton.gov.uk")
    first = Person.objects.create(slug="pat-1", name="Pat", email="pat@stockton.gov.uk", user=user)
    second = Person.objects.create(
        slug="pat-2", name="Pat", email="pat@stockton.gov.uk", organisation=stockton.organisation
    )
    oidc_provider.set_account(
        "pat", tid=TENANT, oid="oid-pat", roles=["Viewer"], email="pat@stockton.gov.uk"
    )
    assert sso_sign_in(client, "pat").response.status_code == 302
    assert signed_in_user(client) == user
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.user == user and second.user is None
