"""Single sign-on in a real browser, through a real OpenID Connect provider (tests/oidc): the
button on the sign-in page, the provider's page, back signed in with the role the provider
gives; the role taken away at the provider; an account of another tenant refused."""

import pytest

from tests.oidc.provider import start_provider

pytestmark = pytest.mark.browser

TENANT = "22222222-aaaa-4bbb-8ccc-000000000002"
FOREIGN_TENANT = "99999999-aaaa-4bbb-8ccc-000000000009"


@pytest.fixture(scope="module")
def provider(live_demo):
    provider = start_provider(
        clients=[
            {
                "client_id": "ipt-browser",
                "client_secret": "browser-test-secret-0123456789",
                "redirect_uris": [f"{live_demo.url}/sign-in/sso/stockton/callback/"],
                "post_logout_redirect_uris": [f"{live_demo.url}/sign-in/"],
            }
        ]
    )
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def stockton_sign_in(provider, live_demo):
    import os

    from accounts import oidc
    from accounts.models import OrganisationSignIn
    from core.models import Organisation

    os.environ["SSO_CLIENT_SECRET_BROWSER"] = "browser-test-secret-0123456789"
    oidc.forget_clients()
    config = OrganisationSignIn.objects.create(
        organisation=Organisation.objects.get(name="Stockton-on-Tees Borough Council"),
        slug="stockton",
        label="Sign in with Microsoft",
        discovery_url=provider.discovery_url,
        client_id="ipt-browser",
        client_secret_variable="SSO_CLIENT_SECRET_BROWSER",
        tenant_ids=TENANT,
    )
    yield config
    os.environ.pop("SSO_CLIENT_SECRET_BROWSER", None)
    oidc.forget_clients()


def sign_in_with_microsoft(page, account):
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.get_by_label("Account").fill(account)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    return page


@pytest.fixture
def fresh_page(browser, live_demo):
    """Each sign-in in its own browser context: no session at the app or the provider."""
    contexts = []

    def _page():
        context = browser.new_context(base_url=live_demo.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()


def test_sign_in_role_removal_and_foreign_tenant(fresh_page, provider, stockton_sign_in, axe_check):
    from django.contrib.auth import get_user_model

    # Jane Smith, the demo's lead officer, signs in with her (test) Microsoft account and is
    # linked to her existing account through her e-mail address.
    provider.set_account(
        "jane", tid=TENANT, oid="oid-jane", roles=["Officer"], email="jane.smith@example.org"
    )
    page = fresh_page()
    page.goto("/sign-in/")
    axe_check(page)  # the page with the button beside the form
    page = sign_in_with_microsoft(page, "jane")
    assert "/sign-in/" not in page.url
    assert page.get_by_role("button", name="Sign out").is_visible()
    menu = page.get_by_role("navigation", name="Menu")
    assert menu.get_by_role("link", name="My actions").count() == 1
    jane = get_user_model().objects.get(username="jane.smith")
    assert set(jane.groups.values_list("name", flat=True)) == {"Officers"}

    # Signing out offers the provider's sign-out.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signed-out/**")
    assert page.get_by_role("heading", level=1).inner_text() == "You have signed out"
    link = page.get_by_role(
        "link", name="sign out of your Stockton-on-Tees Borough Council account too"
    )
    assert link.get_attribute("href").startswith(provider.issuer + "/session/end?")
    axe_check(page)

    # The role is taken away at the provider: at the next sign-in it is gone here too.
    provider.set_account(
        "jane", tid=TENANT, oid="oid-jane", roles=[], email="jane.smith@example.org"
    )
    page = sign_in_with_microsoft(fresh_page(), "jane")
    assert page.get_by_role("heading", level=1).inner_text() == "Ask your administrator for access"
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert not jane.groups.exists()
    axe_check(page)
    page.goto("/actions/mine/")
    assert "/sign-in/" in page.url

    # An account of another tenant is refused, whatever roles it claims.
    provider.set_account(
        "mallory", tid=FOREIGN_TENANT, oid="oid-m", roles=["Administrator"], email="m@example.net"
    )
    page = sign_in_with_microsoft(fresh_page(), "mallory")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "You cannot sign in with this account"
    )
    page.goto("/plans/")
    assert "/sign-in/" in page.url
    assert not get_user_model().objects.filter(email="m@example.net").exists()
