"""E-mails of the approval of updates: the plan's owner and delegates hear when an update is
submitted for their approval; the author hears when it is returned, with the comment and a link
to the action. Both go through the task queue once the change is committed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions.models import StatusUpdate
from actions.querysets import Approval
from tests import factories
from tests.factories.boards import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(settings):
    settings.SITE_URL = "https://plans.example.org"
    return settings


def approval_plan():
    owner_user = factories.user(role="Officers", email="olive@example.org")
    owner = factories.person(user=owner_user, name="Olive Owner", email="olive.owner@example.org")
    plan = factories.plan(updates_need_approval=True, owner=owner)
    officer = factories.officer(email="otto@example.org")
    action = factories.action(factories.priority(plan), lead=officer.person, number="2.1")
    return plan, owner_user, officer, action


def give(client, officer, action, commentary="Slipping"):
    client.force_login(officer)
    action.refresh_from_db()
    data = {
        "rating": "amber",
        "commentary": commentary,
        "issue": "Staff",
        "mitigation": "Agency",
        "resolve_by": (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y"),
        "version": action.version,
    }
    return client.post(reverse("actions:update", kwargs={"pk": action.pk}), data)


def test_submitting_an_update_writes_to_the_owner_and_delegates(
    client, setting, django_capture_on_commit_callbacks
):
    plan, _, officer, action = approval_plan()
    delegate = factories.officer()
    delegate.person.email = "dee@example.org"
    delegate.person.save()
    plan.update_approvers.add(delegate.person)
    with django_capture_on_commit_callbacks(execute=True):
        assert give(client, officer, action).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["dee@example.org", "olive.owner@example.org"]
    message = mail.outbox[0]
    assert "awaits your approval" in message.subject and "2.1" in message.subject
    assert "Slipping" in message.body
    assert "https://plans.example.org" + reverse("actions:approvals") in message.body

    # Changing it while it waits writes to nobody again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert give(client, officer, action, commentary="Slipping, sadly").status_code == 302
    assert mail.outbox == []


def test_no_mail_on_a_plan_without_approval(client, django_capture_on_commit_callbacks):
    plan, _, officer, action = approval_plan()
    plan.updates_need_approval = False
    plan.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert give(client, officer, action).status_code == 302
    assert StatusUpdate.objects.get(action=action).approval == Approval.APPROVED
    assert mail.outbox == []


def test_returning_an_update_writes_to_its_author_with_the_comment_and_a_link(
    client, setting, django_capture_on_commit_callbacks
):
    plan, owner_user, officer, action = approval_plan()
    give(client, officer, action, commentary="First try")
    update = StatusUpdate.objects.get(action=action)
    mail.outbox.clear()
    client.force_login(owner_user)
    back = reverse("actions:update_return", kwargs={"pk": update.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(back, {"comment": ""})  # refused: no comment, no mail
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(back, {"comment": "Say what the agency costs"}).status_code == 302
    (message,) = mail.outbox
    assert message.to == ["otto@example.org"]
    assert "returned to you" in message.subject and "2.1" in message.subject
    assert "Say what the agency costs" in message.body
    assert "https://plans.example.org" + action.get_absolute_url() in message.body
    assert owner_user.get_username() in message.body

    # Changed and submitted again: the owner hears of it.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        give(client, officer, action, commentary="Second try")
    assert [m.to for m in mail.outbox] == [["olive.owner@example.org"]]


def test_an_author_without_an_address_gets_none_and_the_return_still_happens(
    client, django_capture_on_commit_callbacks
):
    plan, owner_user, officer, action = approval_plan()
    officer.email = ""
    officer.save()
    rate(action, "green", timezone.now() - timedelta(days=40), submit=False)
    give(client, officer, action)
    update = StatusUpdate.objects.filter(action=action).newest_first().first()
    mail.outbox.clear()
    client.force_login(owner_user)
    back = reverse("actions:update_return", kwargs={"pk": update.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(back, {"comment": "More detail"}).status_code == 302
    update.refresh_from_db()
    assert update.approval == Approval.RETURNED
    assert mail.outbox == []
