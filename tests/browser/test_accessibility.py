"""axe-core (WCAG 2.2 AA rules) finds no serious or critical violation on each page type, the
pages keep within 320 px (and 200% zoom) without the page body scrolling sideways, and no page
is refused anything by the Content-Security-Policy.

Pages are found from the demo data. Pages built later (dashboards, forms, packs, imports) join
the scan by adding a line to PAGES."""

import pytest
from django.urls import reverse

from actions.models import Action
from boards.models import Board, Meeting
from measures.models import Measure
from plans.models import Plan

from .conftest import save_artifacts, sign_in, timeout_dialog
from .steps import upload_realistic_workbook

pytestmark = pytest.mark.browser

IMPROVEMENT_PLAN = "stockton-improvement-plan-2023"


def _plan():
    return Plan.objects.get(slug=IMPROVEMENT_PLAN)


def _board():
    return Board.objects.get(name="Good and Beyond Board")


def _janes_action():
    """An action jane.smith leads (its update form is scanned empty and with errors)."""
    return Action.objects.get(plan__slug=IMPROVEMENT_PLAN, number="1.1.9")


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
    (
        "measure-page",
        "middlesbrough.officer",
        lambda: Measure.objects.get(code="MBRO-LAC").get_absolute_url(),
    ),
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
    ("my-actions", "jane.smith", lambda: reverse("actions:mine")),
    (
        "update-form",
        "jane.smith",
        lambda: reverse("actions:update", kwargs={"pk": _janes_action().pk}),
    ),
    (
        "no-change-confirmation",
        "jane.smith",
        lambda: reverse("actions:update_no_change", kwargs={"pk": _janes_action().pk}),
    ),
    ("approvals", "admin", lambda: reverse("actions:approvals")),
    ("portfolio", "councillor", lambda: reverse("plans:portfolio")),
    (
        "plan-dashboard",
        "councillor",
        lambda: reverse("plans:dashboard", kwargs={"slug": IMPROVEMENT_PLAN}),
    ),
    (
        "exception-report",
        "councillor",
        lambda: reverse("plans:exceptions", kwargs={"slug": IMPROVEMENT_PLAN}),
    ),
    ("actions-explorer", "jane.smith", lambda: reverse("explorer:actions")),
    ("imports", "admin", lambda: reverse("imports:index")),
    ("import-plan-upload", "admin", lambda: reverse("imports:plan_upload")),
    ("import-measures-upload", "admin", lambda: reverse("imports:measures_upload")),
]

CSP_WORDS = ("Content Security Policy", "Content-Security-Policy")

# Checks axe does not make (or makes only in part), run in the page: headings in order, tables
# with a caption and header cells, every form field labelled, every chart named and followed by
# a table holding its figures. Returns a list of problems, each saying where.
STRUCTURE_JS = r"""() => {
    const problems = [];
    const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
    const hidden = (el) => !!el.closest('[hidden], [aria-hidden="true"]');
    const nameOf = (el) => {
        const byIds = (ids) => ids.split(/\s+/).map((id) => text(document.getElementById(id)))
            .join(' ').trim();
        if (el.getAttribute('aria-labelledby')) return byIds(el.getAttribute('aria-labelledby'));
        if (el.getAttribute('aria-label')) return el.getAttribute('aria-label').trim();
        if (el.labels && el.labels.length) return [...el.labels].map(text).join(' ').trim();
        if (el.title) return el.title.trim();
        return '';
    };

    // Headings: one h1, and no level skipped on the way down (h2 -> h4 is a skip).
    let last = 0;
    const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
        .filter((h) => !hidden(h));
    for (const h of headings) {
        const level = Number(h.getAttribute('aria-level') || h.tagName.slice(1));
        if (last && level > last + 1) {
            problems.push(`heading skips h${last} -> h${level}: "${text(h).slice(0, 60)}"`);
        }
        last = level;
    }
    if (headings.filter((h) => h.tagName === 'H1').length !== 1) problems.push('not one h1');

    // Tables: a caption with words, header cells, and a scope on every header cell.
    for (const table of document.querySelectorAll('table')) {
        if (hidden(table) || table.getAttribute('role') === 'presentation') continue;
        const where = text(table.caption).slice(0, 60) || text(table).slice(0, 60);
        if (!table.caption || !text(table.caption)) {
            problems.push(`table without caption: ${where}`);
        }
        const headers = table.querySelectorAll('th');
        if (!headers.length) problems.push(`table without header cells: ${where}`);
        for (const th of headers) {
            if (!th.getAttribute('scope') && !th.id) {
                const cell = text(th).slice(0, 30);
                problems.push(`header cell without scope in "${where}": "${cell}"`);
            }
        }
    }

    // Form fields: every one has an accessible name (a label, or aria-label/labelledby).
    for (const field of document.querySelectorAll(
            'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea')) {
        if (hidden(field)) continue;
        if (!nameOf(field)) {
            problems.push(`field without a label: ${field.outerHTML.slice(0, 120)}`);
        }
    }

    // Charts: named, and followed (or contained) by a table with the same figures.
    const tables = [...document.querySelectorAll('table')];
    for (const svg of document.querySelectorAll('svg')) {
        if (hidden(svg) || svg.getAttribute('aria-hidden') === 'true') continue;
        if (svg.closest('.govuk-header, .govuk-footer, .govuk-generic-header')) continue;
        const name = nameOf(svg);
        if (svg.getAttribute('role') !== 'img' || !name) {
            problems.push(`chart without role=img and a name: ${svg.outerHTML.slice(0, 120)}`);
            continue;
        }
        const table = svg.closest('table') || tables.find(
            (t) => svg.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
        if (!table) { problems.push(`chart with no table of its figures: "${name}"`); continue; }
        // Each figure a data mark names in its own <title> ("Red: 2 of 21", "Feb 2018: 141.1")
        // is in that table. (The chart's own title, axes and gridlines are not figures.)
        const figures = new Set();
        for (const title of svg.querySelectorAll('title')) {
            if (title.parentElement === svg) continue;
            for (const n of text(title).match(/-?\d[\d,]*(?:\.\d+)?/g) || []) figures.add(n);
        }
        const inTable = text(table);
        const missing = [...figures].filter((n) => !inTable.includes(n));
        if (missing.length) {
            problems.push(`chart "${name}": figures not in its table: ${missing.slice(0, 8)}`);
        }
    }
    return problems;
}"""


def structure_problems(page) -> list[str]:
    return page.evaluate(STRUCTURE_JS)


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
    assert structure_problems(page) == []
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


def _dashboard():
    return "dashboard", reverse("plans:dashboard", kwargs={"slug": IMPROVEMENT_PLAN})


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
            _dashboard(),
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
    # The warning is at most half the idle time (config.middleware), so with a 60 s idle time
    # it shows after 30 s: the page's clock is moved on rather than waited for.
    settings.SESSION_IDLE_TIMEOUT = 60
    settings.SESSION_TIMEOUT_WARNING = 30
    signed_in_page("jane.smith")
    page.clock.install()
    page.goto(reverse("plans:list"))
    dialog = timeout_dialog(page, idle=60, warning=30)
    page.clock.fast_forward(31_000)
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


def test_the_structure_checks_find_real_problems(page):
    """The structure checker is not vacuous: each kind of fault it looks for is found."""
    page.goto(reverse("accessibility"))
    assert structure_problems(page) == []
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<h4>Skipped a level</h4>'
                + '<table><tr><td>1</td></tr></table>'
                + '<input type="text" name="unlabelled">'
                + '<svg viewBox="0 0 10 10"><rect width="5" height="5"></rect></svg>'
                + '<svg role="img" aria-label="Bars"><rect><title>Red: 7 of 99</title></rect></svg>'
                + '<table><caption>Figures</caption><tr><th scope="col">Red</th></tr>'
                + '<tr><td>7</td></tr></table>');
        }"""
    )
    problems = "\n".join(structure_problems(page))
    for expected in [
        "heading skips h2 -> h4",
        "table without caption",
        "table without header cells",
        "field without a label",
        "chart without role=img and a name",
        'chart "Bars": figures not in its table: 99',
    ]:
        assert expected in problems, (expected, problems)


def test_the_update_form_with_errors_has_no_serious_accessibility_violations(
    page, signed_in_page, axe_check
):
    """Amber without its reason: the error summary links to each field, which keeps its text."""
    signed_in_page("jane.smith")
    action = _janes_action()
    page.goto(reverse("actions:update", kwargs={"pk": action.pk}))
    page.get_by_role("radio", name="Red").check()
    page.get_by_label("Commentary").fill("Kept after the error")
    with page.expect_navigation():
        page.get_by_role("button", name="Save update").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    links = summary.get_by_role("link")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"#id_issue", "#id_mitigation", "#id_resolve_by"} <= set(targets)
    for target in targets:  # every link leads to a field on the page
        assert page.locator(target).count() == 1, target
    assert page.get_by_label("Commentary").input_value() == "Kept after the error"
    assert page.get_by_label("What is the issue?").get_attribute("aria-describedby")
    axe_check(page)
    assert structure_problems(page) == []
    summary.get_by_role("link", name="Say what the issue is for a red rating").click()
    assert page.evaluate("document.activeElement.id") == "id_issue"


def test_the_import_preview_has_no_serious_accessibility_violations(
    page, signed_in_page, axe_check
):
    signed_in_page("admin")
    response = upload_realistic_workbook(page, "Improvement Plan (accessibility scan)")
    assert response.status == 200
    assert page.title().startswith("Check the import of improvement_plan_realistic.xlsx")
    assert page.get_by_role("button", name="Import the plan").is_visible()
    axe_check(page)
    assert structure_problems(page) == []
