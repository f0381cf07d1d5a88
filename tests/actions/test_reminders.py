"""send_update_reminders: one digest per officer, only when something needs them; the plan owner
hears who is outstanding after the deadline; re-runs send nothing more."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from actions.models import ReminderSent
from actions.periods import period_for_update
from actions.reminders import send_reminders
from actions.services import status_update_record
from plans.models import Plan
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


def setup_plan():
    owner = factories.person(
        name="Plan Owner", email="owner@example.org", organisation=factories.default_organisation()
    )
    plan = factories.plan(
        start=date(2026, 4, 1),
        end=date(2027, 3, 31),
        owner=owner,
        reporting_cadence=Plan.Cadence.MONTHLY,
    )
    priority = factories.priority(plan)
    busy = factories.officer(email="busy@example.org")
    busy.person.email = "busy@example.org"
    busy.person.save()
    done = factories.officer()
    done.person.email = "done@example.org"
    done.person.save()
    a1 = factories.action(priority, lead=busy.person, description="Needs update")
    a2 = factories.action(
        priority, lead=busy.person, description="Also needs update", timescale_text="Oct 26"
    )
    a3 = factories.action(priority, lead=done.person, description="Already updated")
    status_update_record(
        action=a3,
        lifecycle="in_progress",
        confidence="green",
        period=period_for_update(plan, TODAY),
    )
    return plan, busy, done, (a1, a2, a3)


def run(today=TODAY, **kw):
    return send_reminders(today=today, **kw)


def test_one_digest_per_officer_with_outstanding_actions(django_capture_on_commit_callbacks):
    setup_plan()
    with django_capture_on_commit_callbacks(execute=True):
        messages = run()
    assert [m.person.email for m in messages] == ["busy@example.org"]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Needs update" in body and "Also needs update" in body
    assert "Overdue (timescale: Oct 26)" in body
    assert "Already updated" not in body
    assert mail.outbox[0].to == ["busy@example.org"]


def test_a_digest_never_holds_another_organisations_actions(django_capture_on_commit_callbacks):
    """An officer named as delegate on another council's action (a superuser's slip, say) is
    not told about it: digests hold only the plans the person may read (ADR 0012)."""
    _, busy, _, _ = setup_plan()
    elsewhere = factories.plan(
        organisation=factories.organisation(name="Another Council"),
        start=date(2026, 4, 1),
        end=date(2027, 3, 31),
        reporting_cadence=Plan.Cadence.MONTHLY,
    )
    theirs = factories.action(factories.priority(elsewhere), description="Another council's")
    theirs.delegates.add(busy.person)
    with django_capture_on_commit_callbacks(execute=True):
        messages = run()
    assert [m.person.email for m in messages] == ["busy@example.org"]
    assert "Needs update" in mail.outbox[0].body
    assert "Another council's" not in mail.outbox[0].body
    assert theirs not in messages[0].actions


def test_running_twice_in_a_period_sends_nothing_more(django_capture_on_commit_callbacks):
    setup_plan()
    with django_capture_on_commit_callbacks(execute=True):
        run()
        run()
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_officer_who_has_updated_everything_gets_nothing(django_capture_on_commit_callbacks):
    plan, busy, done, (a1, a2, a3) = setup_plan()
    period = period_for_update(plan, TODAY)
    for a in (a1, a2):
        status_update_record(action=a, lifecycle="complete", period=period)
    with django_capture_on_commit_callbacks(execute=True):
        assert run() == []
    assert mail.outbox == []


def test_dry_run_prints_and_sends_nothing():
    setup_plan()
    out = StringIO()
    messages = send_reminders(today=TODAY, dry_run=True, out=out)
    assert len(messages) == 1
    assert "Would send digest to" in out.getvalue() and "Needs update" in out.getvalue()
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    setup_plan()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run()
    assert mail.outbox == [] and len(callbacks) == 1


def test_owner_hears_who_is_outstanding_days_after_the_deadline(
    settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 3
    plan, *_ = setup_plan()
    period = period_for_update(plan, TODAY)  # November 2026, closes 5 December
    before = period.closes_on + timedelta(days=2)
    after = period.closes_on + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert not [m for m in run(today=before) if m.kind == "escalation"]
        escalations = [m for m in run(today=after) if m.kind == "escalation"]
    assert [m.person.email for m in escalations] == ["owner@example.org"]
    owner_mail = [m for m in mail.outbox if m.to == ["owner@example.org"]]
    assert len(owner_mail) == 1 and "Needs update" in owner_mail[0].body
    assert "Already updated" not in owner_mail[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert not [m for m in run(today=after) if m.kind == "escalation"]


def test_command_dry_run(capsys):
    setup_plan()
    out = StringIO()
    call_command("send_update_reminders", "--dry-run", stdout=out)
    assert "Would send digest to" in out.getvalue()
    assert mail.outbox == []
