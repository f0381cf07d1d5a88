"""Deadline reminders to plan owners: at 10, 5 and 1 working days left and once overdue;
idempotent; a dry run sends and keeps nothing."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from core.models import AuditEvent
from inspections.models import DeadlineReminder
from inspections.reminders import send_inspection_reminders, stage_for
from inspections.services import deadline_override, deadlines_ensure
from tests import factories
from tests.factories import inspections as ifac

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline():
    owner = factories.person(
        email="owner@example.org", name="Plan Owner", organisation=factories.default_organisation()
    )
    plan = factories.plan(owner=owner)
    insp = ifac.inspection(plans=[plan], report_received=date(2022, 4, 1))
    publish, action_plan = sorted(deadlines_ensure(inspection=insp), key=lambda d: d.working_days)
    publish.met_on = date(2022, 5, 10)  # published in time: no reminders about it
    publish.save()
    return action_plan


def test_stages():
    assert stage_for(11) is None
    assert stage_for(10) == "10" and stage_for(6) == "10"
    assert stage_for(5) == "5" and stage_for(2) == "5"
    assert stage_for(1) == "1" and stage_for(0) == "1"
    assert stage_for(-1) == "overdue"


def test_the_owner_is_reminded_once_per_stage(deadline, django_capture_on_commit_callbacks):
    # Due 15 July 2022; 1 July is 10 working days before.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_inspection_reminders(today=date(2022, 6, 30)) == []
        sent = send_inspection_reminders(today=date(2022, 7, 1))
    assert len(sent) == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.org"]
    assert "15 July 2022" in mail.outbox[0].body and "10 working days left" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_inspection_reminders(today=date(2022, 7, 4)) == []  # still stage 10
        assert len(send_inspection_reminders(today=date(2022, 7, 8))) == 1  # 5 left
        assert len(send_inspection_reminders(today=date(2022, 7, 14))) == 1  # 1 left
        assert len(send_inspection_reminders(today=date(2022, 7, 18))) == 1  # overdue
        assert send_inspection_reminders(today=date(2022, 7, 25)) == []
    assert len(mail.outbox) == 4
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REMINDERS_SENT).count() == 4


def test_an_owner_who_may_not_read_the_plan_is_not_told(deadline):
    """Organisations are the boundary (ADR 0012): a plan's owner recorded as a person of another
    organisation, who may not read the plan, hears nothing of its inspection."""
    plan = deadline.inspection.plans.get()
    plan.owner.organisation = factories.organisation(name="Another Council")
    plan.owner.save()
    assert send_inspection_reminders(today=date(2022, 7, 1)) == []
    assert not mail.outbox


def test_a_new_due_date_starts_the_stages_again_and_a_met_deadline_is_not_chased(deadline):
    send_inspection_reminders(today=date(2022, 7, 14))
    deadline_override(
        deadline=deadline, due=date(2022, 7, 29), reason="Extension", user=factories.admin_user()
    )
    assert len(send_inspection_reminders(today=date(2022, 7, 28))) == 1
    deadline.met_on = date(2022, 7, 28)
    deadline.save()
    assert send_inspection_reminders(today=date(2022, 8, 1)) == []


def test_dry_run_prints_and_keeps_nothing(deadline):
    out = StringIO()
    call_command("send_inspection_reminders", "--dry-run", stdout=out)
    # Today is long after 2022: the overdue reminder is outside the look-back window.
    assert "Nothing to send." in out.getvalue()
    out = StringIO()
    messages = send_inspection_reminders(today=date(2022, 7, 14), dry_run=True, out=out)
    assert len(messages) == 1 and "Would send to Plan Owner" in out.getvalue()
    assert not DeadlineReminder.objects.exists() and not mail.outbox
