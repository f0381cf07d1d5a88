"""The inspection pages under axe-core and the structure checks of test_accessibility (one h1,
headings in order, captioned tables with scoped header cells, labelled fields, named charts),
with no Content-Security-Policy refusals, for the demo's Stockton inspection cycle."""

import pytest
from django.urls import reverse

from actions.models import Action
from inspections.models import Inspection, SelfEvaluation

from .test_accessibility import CSP_WORDS, IMPROVEMENT_PLAN, open_page, structure_problems

pytestmark = pytest.mark.browser


def _visit():
    return Inspection.objects.get(follows__isnull=True, plans__slug=IMPROVEMENT_PLAN)


def _finding():
    return _visit().recommendations.order_by("order").first()


PAGES = [
    ("inspections", "councillor", lambda: reverse("inspections:list")),
    ("inspection", "admin", lambda: _visit().get_absolute_url()),
    ("follow-up-visit", "councillor", lambda: _visit().follow_ups.get().get_absolute_url()),
    ("finding", "councillor", lambda: _finding().get_absolute_url()),
    (
        "readiness",
        "councillor",
        lambda: reverse("inspections:readiness", kwargs={"slug": IMPROVEMENT_PLAN}),
    ),
    (
        "link-actions",
        "admin",
        lambda: reverse("inspections:recommendation_actions", args=[_finding().pk]),
    ),
    (
        "link-findings",
        "jane.smith",
        lambda: reverse(
            "inspections:action_recommendations",
            args=[
                Action.objects.filter(
                    plan__slug=IMPROVEMENT_PLAN, lead__user__username="jane.smith"
                )
                .order_by("pk")
                .first()
                .pk
            ],
        ),
    ),
    (
        "deadline-override",
        "admin",
        lambda: reverse("inspections:deadline_override", args=[_visit().deadlines.first().pk]),
    ),
    ("evidence-pack", "admin", lambda: reverse("inspections:evidence_pack", args=[_visit().pk])),
    ("self-evaluations", "jane.smith", lambda: reverse("inspections:self_evaluations")),
    (
        "self-evaluation",
        "jane.smith",
        lambda: SelfEvaluation.objects.order_by("pk").first().get_absolute_url(),
    ),
]


@pytest.mark.parametrize("name,who,url", PAGES, ids=[p[0] for p in PAGES])
def test_inspection_page_has_no_serious_accessibility_violations(
    name, who, url, page, signed_in_page, axe_check, console_errors
):
    response = open_page(page, signed_in_page, who, url())
    assert response.status == 200
    axe_check(page)
    assert page.locator("main#main-content").count() == 1
    assert structure_problems(page) == []
    assert [e for e in console_errors(page) if any(w in e for w in CSP_WORDS)] == []


def test_the_override_form_with_errors_has_no_serious_accessibility_violations(
    page, signed_in_page, axe_check
):
    signed_in_page("admin")
    page.goto(reverse("inspections:deadline_override", args=[_visit().deadlines.first().pk]))
    page.get_by_label("New due date").fill("31/02/2023")
    page.get_by_role("button", name="Save the date").click()
    page.wait_for_selector(".govuk-error-summary")
    axe_check(page)
    assert structure_problems(page) == []
