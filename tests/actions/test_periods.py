"""Reporting periods follow the plan's cadence."""

from datetime import date

import pytest
from django.utils import timezone

from actions.models import ReportingPeriod
from actions.periods import (
    board_window,
    current_windows,
    month_window,
    period_for_update,
    quarter_window,
)
from boards.models import Meeting
from plans.models import Plan
from tests import factories

pytestmark = pytest.mark.django_db


def test_month_window_closes_after_the_grace_days(settings):
    settings.UPDATE_GRACE_DAYS = 5
    w = month_window(date(2026, 11, 28))
    assert (w.label, w.start, w.end, w.closes_on) == (
        "November 2026",
        date(2026, 11, 1),
        date(2026, 11, 30),
        date(2026, 12, 5),
    )


@pytest.mark.parametrize(
    "day,label,start,end",
    [
        (date(2026, 11, 28), "Q3 2026/27", date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 2, 1), "Q4 2026/27", date(2027, 1, 1), date(2027, 3, 31)),
        (date(2026, 4, 1), "Q1 2026/27", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 9, 30), "Q2 2026/27", date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_quarter_window_is_the_uk_financial_quarter(day, label, start, end):
    w = quarter_window(day)
    assert (w.label, w.start, w.end) == (label, start, end)


def test_board_window_runs_up_to_the_next_meeting(settings):
    settings.UPDATE_DAYS_BEFORE_MEETING = 7
    meetings = [date(2026, 10, 15), date(2026, 11, 19), date(2026, 12, 17)]
    w = board_window(date(2026, 11, 28), meetings, date(2026, 4, 1))
    assert (w.start, w.end, w.closes_on) == (
        date(2026, 11, 20),
        date(2026, 12, 17),
        date(2026, 12, 10),
    )
    assert board_window(date(2027, 1, 5), meetings, date(2026, 4, 1)) is None


def test_board_cadence_moves_to_the_next_meeting_once_updates_close(settings):
    settings.UPDATE_DAYS_BEFORE_MEETING = 7
    plan = factories.plan(
        reporting_cadence=Plan.Cadence.BOARD, start=date(2026, 4, 1), end=date(2027, 3, 31)
    )
    board = factories.board()
    board.plans.add(plan)
    for d in [date(2026, 11, 19), date(2026, 12, 17)]:
        Meeting.objects.create(board=board, date=d)
    window, stored = current_windows([plan], date(2026, 11, 14))[plan.pk]
    assert window.end == date(2026, 12, 17)  # the 19 Nov pack is closed from 12 Nov
    assert stored is None


def test_board_cadence_falls_back_to_months_without_meetings():
    plan = factories.plan(reporting_cadence=Plan.Cadence.BOARD)
    window, _ = current_windows([plan], date(2026, 11, 28))[plan.pk]
    assert window.label == "November 2026"


def test_period_for_update_is_created_once():
    plan = factories.plan(reporting_cadence=Plan.Cadence.QUARTERLY)
    first = period_for_update(plan, date(2026, 11, 28))
    again = period_for_update(plan, date(2026, 12, 2))
    assert first.pk == again.pk and first.label == "Q3 2026/27"
    assert ReportingPeriod.objects.filter(plan=plan).count() == 1


def test_administrator_reopens_a_closed_period_and_it_is_recorded(admin_client):
    from django.urls import reverse

    from core.models import AuditEvent

    plan = factories.plan()
    period = factories.period(plan)  # May 2023: long closed
    assert not period.is_open(date(2026, 11, 28))
    response = admin_client.post(
        reverse("admin:actions_reportingperiod_changelist"),
        {"action": "reopen_periods", "_selected_action": [period.pk]},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.is_open(date(2026, 11, 28)) and period.reopened_by is not None
    assert AuditEvent.objects.filter(kind="period_reopened").count() == 1
    assert period.history.first().history_change_reason.startswith("Reopened")


def test_late_updates_go_to_a_reopened_period_until_it_is_closed_again(client):
    from django.urls import reverse

    from actions.models import StatusUpdate

    officer = factories.officer()
    action = factories.action(lead=officer.person)
    period = factories.period(action.plan)
    period.reopened_at = timezone.now()  # reopened by an administrator
    period.save()
    client.force_login(officer)
    response = client.post(
        reverse("actions:update", kwargs={"pk": action.pk}),
        {"rating": "green", "commentary": "Late", "version": 0},
    )
    assert response.status_code == 302
    assert StatusUpdate.objects.get(action=action).period == period
