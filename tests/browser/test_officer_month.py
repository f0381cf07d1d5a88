"""The officer's monthly journey (issue 14), in headless Chromium on the demo data: the last
update's text offered and taken as the starting point, a "No change since last period" update
with its confirmation, evidence attached and downloaded, and the plan owner approving the
update before the board sees it. Runs on SQLite and, with DATABASE_URL, PostgreSQL."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Attachment, StatusUpdate
from actions.periods import current_windows
from actions.querysets import Approval
from actions.services import no_change_refusal
from core.models import Person
from plans.models import Plan

from .conftest import sign_in

pytestmark = pytest.mark.browser

PLAN = "stockton-improvement-plan-2023"
PDF = b"%PDF-1.4\n% evidence for the board\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _janes_actions_ready_for_this_month(n: int) -> list[Action]:
    """Actions jane.smith leads with an earlier update, none yet this period, and a last
    update that a "no change" update may repeat."""
    plan = Plan.objects.get(slug=PLAN)
    _, period = current_windows([plan])[plan.pk]
    today = timezone.localdate()
    found = []
    for action in Action.objects.filter(plan=plan, lead__user__username="jane.smith").order_by(
        "pk"
    ):
        updates = StatusUpdate.objects.filter(action=action).newest_first()
        previous = updates.first()
        if previous is None or (period is not None and previous.period_id == period.pk):
            continue
        if previous.commentary and not no_change_refusal(action, previous, today):
            found.append(action)
        if len(found) == n:
            return found
    pytest.fail("the demo has too few actions of jane.smith to walk the journey")


@pytest.fixture
def plan_needing_approval(live_demo):
    """The Improvement Plan with approval switched on and adele.moore as its owner."""
    plan = Plan.objects.get(slug=PLAN)
    before = (plan.updates_need_approval, plan.owner_id)
    plan.updates_need_approval = True
    plan.owner = Person.objects.get(user__username="adele.moore")
    plan.save()
    yield plan
    plan.updates_need_approval, plan.owner_id = before
    plan.save()


def test_the_officers_month_text_offered_no_change_evidence_and_approval(
    browser, live_demo, plan_needing_approval, signed_in_page, tmp_path, console_errors
):
    first, second = _janes_actions_ready_for_this_month(2)
    previous = StatusUpdate.objects.filter(action=first).newest_first().first()
    page = signed_in_page("jane.smith")

    # 1. The form shows the last update beside the fields and offers its text.
    page.goto(reverse("actions:update", kwargs={"pk": first.pk}))
    aside = page.get_by_role("complementary", name="Last update")
    assert previous.commentary.splitlines()[0] in aside.inner_text()
    assert page.get_by_label("Commentary").input_value() == ""
    aside.get_by_role("link", name="Start from this text").click()
    assert page.get_by_label("Commentary").input_value() == previous.commentary
    assert page.evaluate("document.activeElement.id") == "id_commentary"
    page.get_by_label("Commentary").press("End")
    page.get_by_label("Commentary").type(" This month: the audit was completed.")

    # 2. Evidence attached with the update.
    evidence = tmp_path / "audit-summary.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("Attach evidence (optional)").set_input_files(str(evidence))
    with page.expect_navigation():
        page.get_by_role("button", name="Save update").click()
    banner = page.locator(".govuk-notification-banner--success").inner_text()
    assert "is submitted for approval" in banner
    given = StatusUpdate.objects.filter(action=first).newest_first().first()
    assert given.approval == Approval.SUBMITTED
    assert given.commentary.endswith("This month: the audit was completed.")
    assert Attachment.objects.filter(update=given, name="audit-summary.pdf").exists()

    # 3. "No change since last period" for another action, after a confirmation.
    count_before = StatusUpdate.objects.filter(action=second).count()
    page.goto(reverse("actions:update", kwargs={"pk": second.pk}))
    page.get_by_role("link", name="No change since last period").click()
    assert page.get_by_role("heading", level=1).inner_text() == "No change since last period"
    assert StatusUpdate.objects.filter(action=second).count() == count_before  # not yet
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm no change").click()
    assert "is submitted for approval" in page.locator(".govuk-notification-banner").inner_text()
    assert StatusUpdate.objects.filter(action=second).count() == count_before + 1
    assert console_errors(page) == []

    # 4. The plan's owner approves the first update; the board now sees it.
    context = browser.new_context(base_url=live_demo.url)
    context.set_default_timeout(15_000)
    try:
        owner = sign_in(context.new_page(), "adele.moore")
        owner.goto(reverse("actions:approvals"))
        heading = f"{first.plan.title}: {first.plan.action_label.lower()} {first.number}"
        section = owner.get_by_role("region", name=heading, exact=True)
        assert "This month: the audit was completed." in section.inner_text()
        with owner.expect_navigation():
            section.get_by_role("button", name="Approve").click()
        assert "boards now see it" in owner.locator(".govuk-notification-banner").inner_text()

        # 5. The evidence is on the action's history, and downloads as a file.
        owner.goto(first.get_absolute_url())
        with owner.expect_download() as download_info:
            owner.get_by_role("link", name="audit-summary.pdf").click()
        download = download_info.value
        assert download.suggested_filename == "audit-summary.pdf"
        assert Path(download.path()).read_bytes() == PDF
    finally:
        context.close()
    given.refresh_from_db()
    first.refresh_from_db()
    assert given.approval == Approval.APPROVED and first.rating == given.rating
