"""The public progress pages, opened by a browser with no sign-in: axe-core finds no serious or
critical violation, the structure checks of the other pages pass (one h1, headings in order,
tables with captions, every chart named and followed by its figures), and the
Content-Security-Policy refuses nothing."""

import pytest
from django.contrib.auth import get_user_model

from boards.models import Board
from boards.packs.issuing import pack_issue
from plans.models import Plan
from publishing.models import PublicAction, PublishedPlan

from .test_accessibility import CSP_WORDS, IMPROVEMENT_PLAN, structure_problems

pytestmark = pytest.mark.browser


STRATEGY = "stockton-cs-strategy-2017-20"


def _publish(slug: str, board_name: str, meeting_index: int) -> Plan:
    plan = Plan.objects.get(slug=slug)
    PublishedPlan.objects.get_or_create(plan=plan, defaults={"enabled": True})
    for action in plan.actions.filter(updates__isnull=False).order_by("pk")[:3]:
        PublicAction.objects.get_or_create(action=action, defaults={"commentary_public": True})
    meeting = list(Board.objects.get(name=board_name).meetings.order_by("date"))[meeting_index]
    if not meeting.issued_packs.exists():
        admin = get_user_model().objects.get(username="admin")
        pack_issue(meeting=meeting, issued_by=admin)
    return plan


@pytest.fixture(scope="module")
def published(live_demo):
    """Two demo plans opted in, a few actions' commentary public, published from a pack: the
    Improvement Plan (no measures) and the 2017-20 strategy (measures, charts, comparators)."""
    return {
        "improvement-plan": _publish(IMPROVEMENT_PLAN, "Good and Beyond Board", 0),
        "strategy": _publish(STRATEGY, "Cabinet", -1),
    }


@pytest.mark.parametrize("which", ["list", "improvement-plan", "strategy"])
def test_public_pages_have_no_serious_accessibility_violations(
    which, published, page, axe_check, console_errors
):
    url = "/public/" if which == "list" else f"/public/{published[which].slug}/"
    response = page.goto(url)
    assert response.status == 200
    assert page.get_by_role("link", name="Sign out").count() == 0
    axe_check(page)
    assert page.locator("main#main-content").count() == 1
    assert structure_problems(page) == []
    refusals = [e for e in console_errors(page) if any(w in e for w in CSP_WORDS)]
    assert refusals == []


def test_the_publication_settings_page_has_no_serious_accessibility_violations(
    published, page, signed_in_page, axe_check, console_errors
):
    signed_in_page("admin")
    response = page.goto(f"/public/{published['improvement-plan'].slug}/settings/")
    assert response.status == 200
    axe_check(page)
    assert structure_problems(page) == []
    refusals = [e for e in console_errors(page) if any(w in e for w in CSP_WORDS)]
    assert refusals == []
