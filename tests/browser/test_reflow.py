"""Every page type at 320 px (a phone) and 768 px (a tablet, or a small laptop window at 200%
zoom): the page itself never scrolls sideways (a wide table reflows into label/value rows or
scrolls inside its own labelled, focusable region), no rating badge is cut off, every link and
button is on screen or inside such a region, chart text renders at 12 px or more, and axe-core
finds no serious or critical violation at that width.

Pages come from the accessibility scans (test_accessibility, test_inspections_accessibility),
so a page added there is checked here too."""

import pytest
from django.urls import reverse

from boards.models import Board
from measures.models import Measure

from .conftest import describe, run_axe, save_artifacts, sign_in
from .test_accessibility import IMPROVEMENT_PLAN
from .test_accessibility import PAGES as PLAN_PAGES
from .test_inspections_accessibility import PAGES as INSPECTION_PAGES

pytestmark = pytest.mark.browser

EXTRA_PAGES = [
    (
        "rate-measure-page",
        "jane.smith",
        lambda: Measure.objects.get(code="CSS-01").get_absolute_url(),
    ),
    (
        "latest-meeting",
        "councillor",
        lambda: (
            Board.objects.get(name="Good and Beyond Board")
            .meetings.order_by("-date")
            .first()
            .get_absolute_url()
        ),
    ),
    ("exports", "admin", lambda: reverse("imports:index")),
    (
        "readiness-officer",
        "jane.smith",
        lambda: reverse("inspections:readiness", kwargs={"slug": IMPROVEMENT_PLAN}),
    ),
]
SKIP = {"not-found", "forbidden"}  # error pages: checked by the accessibility scan
PAGES = [p for p in PLAN_PAGES + INSPECTION_PAGES + EXTRA_PAGES if p[0] not in SKIP]

# What the page shows at this width: sideways overflow of the page, badges cut off, controls
# off screen outside a scroll region, chart text under 12 px as rendered.
PROBE_JS = r"""() => {
    const vw = window.innerWidth;
    const problems = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > vw) problems.push(`page is ${doc.scrollWidth} px wide`);
    const body = document.body.scrollWidth;
    if (body > vw) problems.push(`body is ${body} px wide`);
    if (doc.scrollWidth > vw) {  // name the outermost elements that stick out, unclipped
        const clipped = (el) => {
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                if (getComputedStyle(p).overflowX !== 'visible') return true;
            }
            return false;
        };
        const out = (el) => el.getBoundingClientRect().right > vw + 1 && !clipped(el);
        const culprits = [...document.body.querySelectorAll('*')]
            .filter((el) => out(el) && !(el.parentElement && out(el.parentElement)));
        for (const el of culprits.slice(0, 3)) {
            const tag = el.tagName.toLowerCase();
            problems.push(`too wide: <${tag} class="${el.getAttribute('class')}">`
                + ` "${el.textContent.replace(/\s+/g, ' ').trim().slice(0, 40)}"`);
        }
    }
    const visible = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const scroller = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (['auto', 'scroll'].includes(s.overflowX) && p.scrollWidth > p.clientWidth) return p;
        }
        return null;
    };
    const text = (el) => el.textContent.replace(/\s+/g, ' ').trim().slice(0, 40);
    for (const region of document.querySelectorAll('*')) {
        const s = getComputedStyle(region);
        if (!['auto', 'scroll'].includes(s.overflowX)) continue;
        if (region.scrollWidth <= region.clientWidth) continue;
        if (region === doc || region === document.body) continue;
        if (region.getAttribute('role') !== 'region' || !region.getAttribute('aria-label')
                || region.getAttribute('tabindex') !== '0') {
            problems.push(`unlabelled scroll area: ${region.className} "${text(region)}"`);
        }
    }
    for (const badge of document.querySelectorAll('.app-rag')) {
        if (!visible(badge)) continue;
        if (badge.scrollWidth > badge.clientWidth + 1) problems.push(`badge cut: "${text(badge)}"`);
        const r = badge.getBoundingClientRect();
        if (r.width < 20) problems.push(`badge squeezed to ${r.width} px: "${text(badge)}"`);
    }
    for (const control of document.querySelectorAll('main a[href], main button')) {
        if (!visible(control) || scroller(control)) continue;
        const r = control.getBoundingClientRect();
        if (r.right > vw + 1 || r.left < -1) problems.push(`off screen: "${text(control)}"`);
    }
    for (const t of document.querySelectorAll('svg text')) {
        if (!visible(t)) continue;
        const svg = t.ownerSVGElement;
        const scale = svg.getScreenCTM() ? svg.getScreenCTM().a : 1;
        const size = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize);
        const px = size * scale;
        if (px < 11.95) problems.push(`chart text ${px.toFixed(1)} px: "${text(t)}"`);
    }
    return problems;
}"""


def _check_width(browser, live_demo, request, width: int, who: str) -> list[str]:
    context = browser.new_context(base_url=live_demo.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    failures: list[str] = []
    try:
        sign_in(page, who)
        for name, _, url in [p for p in PAGES if p[1] == who]:
            page.goto(url())
            problems = page.evaluate(PROBE_JS)
            blocking = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
            if blocking:
                problems.append("axe:\n" + describe(blocking))
            if problems:
                save_artifacts(page, f"reflow-{name}-{width}")
                failures.append(f"{name} at {width} px: " + "; ".join(problems[:12]))
    except Exception:
        save_artifacts(page, request.node.nodeid)
        raise
    finally:
        context.close()
    return failures


PAGES = [p for p in PAGES if p[1]]  # signed-out pages: sign-in and the like
USERS = sorted({p[1] for p in PAGES})


@pytest.mark.parametrize("width", [320, 768])
@pytest.mark.parametrize("who", USERS)
def test_every_page_fits_the_width_without_sideways_scrolling(
    who, width, browser, live_demo, request
):
    failures = _check_width(browser, live_demo, request, width, who)
    assert failures == [], "\n".join(failures)


def test_the_probe_finds_real_problems(browser, live_demo):
    """Not vacuous: a page made too wide, an unlabelled scroll box, a cut badge, a control off
    screen and tiny chart text are each reported."""
    context = browser.new_context(base_url=live_demo.url, viewport={"width": 320, "height": 900})
    page = context.new_page()
    try:
        page.goto(reverse("accessibility"))
        assert page.evaluate(PROBE_JS) == []
        page.evaluate(
            """() => document.querySelector('main').insertAdjacentHTML('beforeend',
                '<div class="app-table-wrap"><table><tr><td>' + 'x'.repeat(300)
                + '</td></tr></table></div>'
                + '<span class="app-rag" id="cut">Amber</span>'
                + '<a href="#" id="far">Give update</a>'
                + '<svg role="img" aria-label="t" viewBox="0 0 1000 100" width="100%">'
                + '<text x="1" y="50" font-size="12">tiny</text></svg>')"""
        )
        page.evaluate(
            """() => {
                const cut = document.getElementById('cut');
                cut.style.width = '10px'; cut.style.overflow = 'hidden';
                const far = document.getElementById('far');
                far.style.position = 'relative'; far.style.left = '400px';
            }"""
        )
        problems = "\n".join(page.evaluate(PROBE_JS))
        for expected in [
            "unlabelled scroll area",
            "badge cut",
            'off screen: "Give update"',
            "chart text",
        ]:
            assert expected in problems, (expected, problems)
        page.evaluate("() => document.getElementById('far').style.left = '0'")
        page.evaluate(
            """() => document.querySelector('main').insertAdjacentHTML('beforeend',
                '<div>' + 'y'.repeat(400) + '</div>')"""
        )
        assert "page is" in "\n".join(page.evaluate(PROBE_JS))
    finally:
        context.close()
