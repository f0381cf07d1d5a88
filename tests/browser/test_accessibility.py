"""axe-core (WCAG 2.2 AA rules) finds no serious or critical violation on each page type, the
pages keep within 320 px (and 200% zoom) without the page body scrolling sideways, and no page
is refused anything by the Content-Security-Policy.

Pages are found from the demo data. Pages built later (dashboards, forms, packs, imports) join
the scan by adding a line to PAGES."""

import pytest
from django.urls import NoReverseMatch, reverse

from actions.models import Action
from measures.models import Measure
from plans.models import Board, Meeting, Plan

from .conftest import save_artifacts, sign_in, timeout_dialog

pytestmark = pytest.mark.browser

IMPROVEMENT_PLAN = "stockton-improvement-plan-2023"


def _plan():
    return Plan.objects.get(slug=IMPROVEMENT_PLAN)


def _board():
    return Board.objects.get(name="Good and Beyond Board")


# (id, who signs in or None, how to find the URL)
PAGES = [
    ("sign-in", None, lambda: reverse("login")),
    ("password-reset", None, lambda: reverse("password_reset")),
    ("accessibility-statement", None, lambda: reverse("accessibility")),
    ("not-found", "jane.smith", lambda: "/plans/no-such-plan/"),
    ("plans-list", "jane.smith", lambda: reverse("plans:list")),
    ("plan-document", "jane.smith", lambda: _plan().get_absolute_url()),
    (
        "action-page",
        "jane.smith",
        lambda: (
            Action.objects.filter(plan=_plan(), updates__isnull=False)
            .order_by("pk")
            .first()
            .get_absolute_url()
        ),
    ),
    ("measures-list", "jane.smith", lambda: reverse("measures:list")),
    ("measure-page", "jane.smith", lambda: Measure.objects.get(code="MBRO-LAC").get_absolute_url()),
    ("boards", "councillor", lambda: reverse("plans:boards")),
    ("board", "councillor", lambda: _board().get_absolute_url()),
    (
        "meeting",
        "councillor",
        lambda: Meeting.objects.filter(board=_board()).order_by("date").first().get_absolute_url(),
    ),
    (
        "forbidden",
        "councillor",
        lambda: Plan.objects.get(slug="stockton-cs-strategy-2017-20").get_absolute_url(),
    ),
]

CSP_WORDS = ("Content Security Policy", "Content-Security-Policy")


def open_page(page, signed_in_page, who, url):
    if who:
        signed_in_page(who)
    response = page.goto(url)
    return response


@pytest.mark.parametrize("name,who,url", PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_accessibility_violations(
    name, who, url, page, signed_in_page, axe_check, console_errors
):
    response = open_page(page, signed_in_page, who, url())
    expected = {"not-found": 404, "forbidden": 403}.get(name, 200)
    assert response.status == expected
    axe_check(page)
    # Landmarks, one h1, the skip link's target.
    assert page.locator("main#main-content").count() == 1
    assert page.locator("h1").count() == 1
    assert page.locator("header").count() >= 1 and page.locator("footer").count() >= 1
    refusals = [e for e in console_errors(page) if any(w in e for w in CSP_WORDS)]
    assert refusals == []


def test_sign_in_errors_have_no_serious_accessibility_violations(page, axe_check):
    page.goto(reverse("login"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".govuk-error-summary")
    axe_check(page)
    assert page.get_by_label("User name").get_attribute("aria-describedby") == "id_username-error"


def test_password_reset_errors_have_no_serious_accessibility_violations(page, axe_check):
    page.goto(reverse("password_reset"))
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_selector(".govuk-error-summary")
    axe_check(page)


def _dashboard_or_document():
    try:
        return "dashboard", reverse("plans:dashboard", kwargs={"slug": IMPROVEMENT_PLAN})
    except NoReverseMatch:  # until the dashboard exists
        return "plan-document", reverse("plans:detail", kwargs={"slug": IMPROVEMENT_PLAN})


@pytest.mark.parametrize(
    "width,label", [(320, "320px"), (640, "200pc-zoom")], ids=["320px", "200pc-zoom"]
)
def test_the_plan_pages_fit_a_narrow_screen_without_sideways_scrolling(
    width, label, browser, live_demo, request
):
    """320 CSS px is a phone; 640 is a 1280 px screen at 200% zoom. Wide tables scroll inside
    their own box; the page body itself must not scroll sideways."""
    context = browser.new_context(base_url=live_demo.url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, "jane.smith")
        for name, url in [
            _dashboard_or_document(),
            ("plan-document", reverse("plans:detail", kwargs={"slug": IMPROVEMENT_PLAN})),
        ]:
            page.goto(url)
            widths = page.evaluate(
                "() => ({body: document.body.scrollWidth,"
                " page: document.documentElement.scrollWidth, viewport: window.innerWidth})"
            )
            shots = save_artifacts(page, f"{name}-{label}")  # the screenshot is the evidence
            assert widths["page"] <= widths["viewport"], (name, widths, shots)
            assert widths["body"] <= widths["viewport"], (name, widths, shots)
    except Exception:
        save_artifacts(page, request.node.nodeid)
        raise
    finally:
        context.close()


def test_the_lockout_page_has_no_serious_accessibility_violations(page, axe_check):
    page.goto(reverse("login"))
    for _ in range(5):
        page.get_by_label("User name").fill("no.such.user")
        page.get_by_label("Password").fill("wrong")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Sign in").click()
    assert navigation.value.status == 429
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot sign in at the moment"
    axe_check(page)


def _serve(page, path, status, html):
    page.route(
        f"**{path}",
        lambda route: route.fulfill(status=status, body=html, content_type="text/html"),
    )
    return page.goto(path)


def test_the_service_unavailable_page_has_no_serious_accessibility_violations(page, axe_check):
    from config.middleware import service_unavailable

    response = _serve(page, "/unavailable/", 503, service_unavailable().content.decode())
    assert response.status == 503
    assert page.get_by_role("heading", level=1).inner_text() == "Sorry, the service is unavailable"
    axe_check(page)


def test_the_refused_form_page_has_no_serious_accessibility_violations(page, axe_check, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string("registration/csrf_failure.html", request=request)
    assert _serve(page, "/refused/", 403, html).status == 403
    axe_check(page)


def test_the_timeout_warning_dialog_has_no_serious_accessibility_violations(
    page, signed_in_page, axe_check, settings
):
    settings.SESSION_IDLE_TIMEOUT = 60
    settings.SESSION_TIMEOUT_WARNING = 60
    signed_in_page("jane.smith")
    page.goto(reverse("plans:list"))
    dialog = timeout_dialog(page, idle=60, warning=60)
    dialog.wait_for(state="visible")
    assert dialog.get_attribute("aria-labelledby") == "session-timeout-heading"
    axe_check(page)


def test_axe_check_fails_on_a_real_violation(page, axe_check):
    """The harness is not vacuous: an image without a text alternative is a critical failure."""
    page.goto(reverse("accessibility"))
    page.evaluate(
        "() => document.querySelector('main').appendChild(Object.assign("
        "document.createElement('img'), {src: '/static/vendor/govuk-frontend/assets/images/"
        "govuk-crest.svg'}))"
    )
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        axe_check(page)
