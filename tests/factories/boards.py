"""Builders for the board tests: moments in Europe/London, recording things at a known moment,
and plans of any size for the query-count tests."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from actions.models import Action, StatusUpdate
from actions.services import status_update_record
from boards.models import Board, Meeting
from measures.models import MeasureValue, Target
from plans.models import Plan
from tests import factories

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    """An aware moment on the wall clock in London (BST in summer)."""
    return datetime(*args, tzinfo=LONDON)


@contextmanager
def recorded_at(moment: datetime):
    """Everything saved inside is recorded (history dates, auto_now fields) at ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


RATINGS = {
    "red": ("in_progress", "red"),
    "amber": ("in_progress", "amber"),
    "green": ("in_progress", "green"),
    "complete": ("complete", ""),
    "not_started": ("not_started", ""),
}


def rate(action: Action, rating: str, moment: datetime, **kw) -> StatusUpdate:
    """Give an action a rating at a moment (recorded then, in the history too)."""
    lifecycle, confidence = RATINGS[rating]
    kw.setdefault("commentary", f"{rating} at {moment:%Y-%m-%d %H:%M}")
    with recorded_at(moment):
        return status_update_record(
            action=action, lifecycle=lifecycle, confidence=confidence, created_at=moment, **kw
        )


def edit_update(update: StatusUpdate, moment: datetime, *, user=None, reason="", **fields):
    """Correct an update later, as the admin would (the history keeps who, when and why)."""
    update = StatusUpdate.objects.get(pk=update.pk)  # a fresh copy, as a later request has
    with recorded_at(moment):
        for name, value in fields.items():
            setattr(update, name, value)
        update._change_reason = reason
        if user is not None:
            update._history_user = user
        update.save()
    return update


def board_for(plan: Plan, meeting_dates, **kw) -> Board:
    board = factories.board(**kw)
    board.plans.add(plan)
    for day in meeting_dates:
        Meeting.objects.create(board=board, date=day)
    return board


def add_measure(plan: Plan, *, priority=None, values=(), target=None, tolerance="0", **kw):
    """A measure linked to the plan (and a priority), with annual values [(year, value)]."""
    measure = factories.measure(**kw)
    measure.plans.add(plan)
    if priority is not None:
        measure.priorities.add(priority)
    for year, v in values:
        MeasureValue.objects.create(
            measure=measure,
            period_start=date(year, 4, 1),
            period_end=date(year + 1, 3, 31),
            label=f"{year}/{str(year + 1)[2:]}",
            value=Decimal(v),
        )
    if target is not None:
        year = values[-1][0] if values else 2023
        Target.objects.create(
            measure=measure,
            period_start=date(year, 4, 1),
            period_end=date(year + 1, 3, 31),
            label=f"{year}/{str(year + 1)[2:]}",
            value=Decimal(target),
            amber_tolerance=Decimal(tolerance),
        )
    return measure
