"""The harness works end to end: a real browser signs in through the form, sees the plans,
and the pages run under the strict Content-Security-Policy without a single refusal."""

import pytest
from django.conf import settings

from .conftest import timeout_dialog

pytestmark = pytest.mark.browser

CSP_WORDS = ("Content Security Policy", "Content-Security-Policy")


def test_an_officer_signs_in_through_the_form_and_sees_the_plans(signed_in_page, console_errors):
    page = signed_in_page("jane.smith")
    assert "/sign-in/" not in page.url
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Plans").click()
    page.wait_for_url("**/plans/")
    assert page.get_by_role("heading", level=1).inner_text() == "Plans"
    table = page.get_by_role("table", name="Strategies and improvement plans")
    for title in ["Improvement Plan", "Children's Services Strategy 2017-20"]:
        assert table.get_by_role("link", name=title, exact=True).count() == 1
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert console_errors(page) == []


def test_a_wrong_password_shows_the_error_summary_linked_to_the_field(page):
    page.goto("/sign-in/")
    page.get_by_label("User name").fill("jane.smith")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: Sign in")
    summary.get_by_role("link", name="Enter a correct user name and password").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    # What was typed is kept; the password is not.
    assert page.get_by_label("User name").input_value() == "jane.smith"


def test_govuk_frontend_starts_under_the_csp_with_no_refusals(signed_in_page, console_errors):
    page = signed_in_page("jane.smith")
    for path in ["/plans/", "/plans/stockton-improvement-plan-2023/", "/measures/"]:
        page.goto(path)
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    refusals = [e for e in console_errors(page) if any(w in e for w in CSP_WORDS)]
    assert refusals == []


# django-simple-history's history page has one cosmetic inline style, style="border-top: 0" on
# its paginator; the CSP blocks it (the page works; a border shows). Nothing else is refused.
HISTORY_PAGINATOR_STYLE = "sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM="


def test_the_admin_works_under_the_csp(signed_in_page, console_errors):
    from actions.models import Action

    action = Action.objects.order_by("pk").first()
    page = signed_in_page("admin")
    page.goto("/admin/")
    assert page.get_by_role("heading", level=1).count() == 1
    page.goto("/admin/plans/plan/")
    page.get_by_role("link", name="Improvement Plan", exact=True).first.click()
    page.wait_for_load_state()
    # The date widgets' calendar links are drawn by the admin's own script files.
    assert page.locator(".datetimeshortcuts").count() > 0
    for path in [
        f"/admin/actions/action/{action.pk}/change/",
        f"/admin/actions/action/{action.pk}/history/",
        "/admin/actions/action/?q=workforce",
        "/admin/axes/accessattempt/",
        "/admin/core/auditevent/",
    ]:
        assert page.goto(path).status == 200, path
    refusals = [e for e in console_errors(page) if any(w in e for w in CSP_WORDS)]
    assert [e for e in refusals if HISTORY_PAGINATOR_STYLE not in e] == []


def test_keyboard_users_reach_the_skip_link_first_and_can_see_it(page):
    page.goto("/sign-in/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": "Skip to main content", "href": "#main-content"}
    assert page.get_by_role("link", name="Skip to main content").is_visible()


def test_the_idle_warning_offers_more_time_and_then_signs_out(signed_in_page, settings_idle):
    page = signed_in_page("jane.smith")
    dialog = timeout_dialog(page, idle=settings.SESSION_IDLE_TIMEOUT, warning=5)
    dialog.wait_for(state="visible", timeout=10_000)
    assert "You will be signed out in" in dialog.inner_text()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    with page.expect_response("**/session/keep-alive/") as response:
        page.keyboard.press("Enter")
    assert response.value.status == 200 and response.value.json()["signed_in"] is True
    dialog.wait_for(state="hidden", timeout=5_000)
    # No answer this time: the warning returns, then the page goes to the sign-in page.
    dialog.wait_for(state="visible", timeout=10_000)
    page.wait_for_url("**/sign-in/**", timeout=20_000)
    assert "You were signed out after 8 seconds without activity." in page.content()


@pytest.fixture
def settings_idle(settings):
    """An 8-second idle timeout with a 5-second warning (the live server reads settings per
    request)."""
    settings.SESSION_IDLE_TIMEOUT = 8
    settings.SESSION_TIMEOUT_WARNING = 5
    settings.SESSION_ACTIVITY_RESOLUTION = 0
    return settings
