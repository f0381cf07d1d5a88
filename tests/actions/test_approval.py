"""Approval of updates (issue 14): on a plan that requires it an update is submitted until the
plan's owner or a delegate approves it or returns it with a comment; boards see approved updates
only, as at any moment; the history keeps both."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import StatusUpdate
from actions.querysets import Approval
from actions.services import status_update_approve, status_update_record, status_update_return
from boards.asat import current_positions, positions_as_at
from tests import factories
from tests.factories.boards import london, rate, recorded_at

pytestmark = pytest.mark.django_db


def approval_plan():
    owner_user = factories.user(role="Officers")
    owner = factories.person(user=owner_user, name="Olive Owner")
    plan = factories.plan(updates_need_approval=True, owner=owner)
    officer = factories.officer()
    action = factories.action(factories.priority(plan), lead=officer.person)
    return plan, owner_user, officer, action


def give(client, officer, action, rating="amber", commentary="Slipping"):
    client.force_login(officer)
    action.refresh_from_db()
    data = {
        "rating": rating,
        "commentary": commentary,
        "issue": "Staff",
        "mitigation": "Agency",
        "resolve_by": (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y"),
        "version": action.version,
    }
    return client.post(reverse("actions:update", kwargs={"pk": action.pk}), data)


def test_an_update_is_submitted_and_boards_see_it_only_once_the_owner_approves(client):
    plan, owner_user, officer, action = approval_plan()
    rate(action, "green", timezone.now() - timedelta(days=40), submit=False)
    response = give(client, officer, action)
    assert response.status_code == 302
    update = StatusUpdate.objects.filter(action=action).newest_first().first()
    assert update.approval == Approval.SUBMITTED
    action.refresh_from_db()
    assert action.rating == "green"  # boards still see the approved rating
    (position,) = current_positions([plan.pk])
    assert position.rating == "green"
    banner = client.get(response["Location"]).content.decode()
    assert "submitted for approval" in banner

    client.force_login(owner_user)
    listing = client.get(reverse("actions:approvals")).content.decode()
    assert "Slipping" in listing
    approve = reverse("actions:update_approve", kwargs={"pk": update.pk})
    assert client.post(approve).status_code == 302
    update.refresh_from_db()
    assert update.approval == Approval.APPROVED and update.reviewed_by == owner_user
    action.refresh_from_db()
    assert action.rating == "amber"
    (position,) = current_positions([plan.pk])
    assert position.rating == "amber"
    # Approved updates are final: the form no longer offers to change this period's.
    client.force_login(officer)
    page = client.get(reverse("actions:update", kwargs={"pk": action.pk})).content.decode()
    assert "has been approved and cannot be changed" in page


def test_a_delegate_may_approve_and_other_officers_may_not(client):
    plan, _, officer, action = approval_plan()
    give(client, officer, action)
    update = StatusUpdate.objects.get(action=action)
    approve = reverse("actions:update_approve", kwargs={"pk": update.pk})
    assert client.post(approve).status_code == 403  # the author is not the owner
    client.force_login(factories.officer())
    assert client.post(approve).status_code == 403
    delegate = factories.officer()
    plan.update_approvers.add(delegate.person)
    client.force_login(delegate)
    assert client.post(approve).status_code == 302
    assert StatusUpdate.objects.get(pk=update.pk).approval == Approval.APPROVED


def test_returned_with_a_comment_then_changed_and_submitted_again(client):
    plan, owner_user, officer, action = approval_plan()
    give(client, officer, action, commentary="First try")
    update = StatusUpdate.objects.get(action=action)
    client.force_login(owner_user)
    back = reverse("actions:update_return", kwargs={"pk": update.pk})
    response = client.post(back, {"comment": ""})
    assert response.status_code == 200 and "Say why you are returning the update" in (
        response.content.decode()
    )
    assert client.post(back, {"comment": "Say what the agency costs"}).status_code == 302
    update.refresh_from_db()
    assert update.approval == Approval.RETURNED
    assert current_positions([plan.pk])[0].latest is None  # boards never saw it
    # The officer sees why, and it is due again on My actions.
    client.force_login(officer)
    page = client.get(reverse("actions:update", kwargs={"pk": action.pk})).content.decode()
    assert "It was returned:" in page and "Say what the agency costs" in page
    history = client.get(action.get_absolute_url()).content.decode()
    assert "Returned" in history and "Say what the agency costs" in history
    assert "Update due" in client.get(reverse("actions:mine")).content.decode()
    give(client, officer, action, commentary="Second try: agency costs £4k a month")
    update.refresh_from_db()
    assert update.approval == Approval.SUBMITTED and update.commentary.startswith("Second")
    # The history keeps both wordings.
    assert {h.commentary for h in update.history.all()} >= {"First try", update.commentary}


def test_as_at_a_moment_before_approval_the_board_sees_the_earlier_approved_update():
    plan, owner_user, officer, action = approval_plan()
    rate(action, "green", london(2026, 1, 10), submit=False)
    with recorded_at(london(2026, 2, 10)):
        update = status_update_record(
            action=action, lifecycle="in_progress", confidence="red", author=officer
        )
    with recorded_at(london(2026, 2, 20)):
        status_update_approve(update=update, user=owner_user)
    before = positions_as_at([plan.pk], london(2026, 2, 15))
    after = positions_as_at([plan.pk], london(2026, 2, 21))
    assert [p.rating for p in before] == ["green"]
    assert [p.rating for p in after] == ["red"] and after[0].previous.rating == "green"


def test_a_returned_update_never_counts_as_at_any_moment():
    plan, owner_user, officer, action = approval_plan()
    rate(action, "green", london(2026, 1, 10), submit=False)
    with recorded_at(london(2026, 2, 10)):
        update = status_update_record(
            action=action, lifecycle="in_progress", confidence="red", author=officer
        )
    with recorded_at(london(2026, 2, 12)):
        status_update_return(update=update, user=owner_user, comment="No")
    for moment in (london(2026, 2, 11), london(2026, 3, 1)):
        assert [p.rating for p in positions_as_at([plan.pk], moment)] == ["green"]


def test_plans_without_approval_are_unchanged(client):
    officer = factories.officer()
    action = factories.action(lead=officer.person)
    give(client, officer, action)
    update = StatusUpdate.objects.get(action=action)
    assert update.approval == Approval.APPROVED and update.approved_at is None
    action.refresh_from_db()
    assert action.rating == "amber"
