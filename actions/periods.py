"""Reporting periods: the window in which officers give one update per action.

A plan's cadence decides the windows: calendar months, UK financial quarters, or the run-up to
each meeting of a board that oversees the plan (falling back to months when no meeting is
scheduled). Windows are computed on the fly and stored as ``ReportingPeriod`` rows only when
something needs to refer to one (an update, a reminder), so reading pages never writes."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from actions.models import ReportingPeriod
from core.formatting import day_text, month_text
from plans.models import Plan


def grace_days() -> int:
    """Days after a month or quarter ends that its updates are still due by."""
    return getattr(settings, "UPDATE_GRACE_DAYS", 5)


def board_lead_days() -> int:
    """Days before a board meeting that updates for it are due (the pack is then prepared)."""
    return getattr(settings, "UPDATE_DAYS_BEFORE_MEETING", 7)


@dataclass(frozen=True)
class Window:
    label: str
    start: date
    end: date
    closes_on: date


def month_window(day: date) -> Window:
    start = day.replace(day=1)
    end = day.replace(day=monthrange(day.year, day.month)[1])
    return Window(month_text(start), start, end, end + timedelta(days=grace_days()))


def quarter_window(day: date) -> Window:
    """The UK financial quarter containing a day (Q1 = April to June)."""
    fy = day.year if day.month >= 4 else day.year - 1
    q = ((day.month - 4) % 12) // 3 + 1
    start_month = (3 + 3 * (q - 1)) % 12 + 1
    start_year = fy if start_month >= 4 else fy + 1
    start = date(start_year, start_month, 1)
    end_month = start_month + 2
    end = date(start_year, end_month, monthrange(start_year, end_month)[1])
    return Window(f"Q{q} {fy}/{str(fy + 1)[2:]}", start, end, end + timedelta(days=grace_days()))


def board_window(day: date, meeting_dates: list[date], plan_start: date) -> Window | None:
    """The run-up to the first meeting on or after a day; None when none is scheduled."""
    upcoming = [d for d in meeting_dates if d >= day]
    if not upcoming:
        return None
    meeting = min(upcoming)
    earlier = [d for d in meeting_dates if d < meeting]
    start = max(earlier) + timedelta(days=1) if earlier else min(plan_start, meeting)
    return Window(
        f"Before the {day_text(meeting)} meeting",
        start,
        meeting,
        meeting - timedelta(days=board_lead_days()),
    )


def window_for(plan: Plan, day: date, meeting_dates: list[date] | None = None) -> Window:
    """The window a day falls in, by the plan's cadence."""
    if plan.reporting_cadence == Plan.Cadence.QUARTERLY:
        return quarter_window(day)
    if plan.reporting_cadence == Plan.Cadence.BOARD:
        if meeting_dates is None:
            meeting_dates = meeting_dates_for([plan]).get(plan.pk, [])
        window = board_window(day, meeting_dates, plan.start)
        if window is not None:
            return window
    return month_window(day)


def update_window(plan: Plan, today: date, meeting_dates=None, existing=None) -> Window:
    """The window new updates count towards: the one containing today, or the next one once
    today's has closed for the board pack. An existing stored period containing today wins
    (it may have been reopened or adjusted by an administrator)."""
    if existing is not None:
        return Window(existing.label, existing.start, existing.end, existing.closes_on)
    window = window_for(plan, today, meeting_dates)
    if window.closes_on < today:
        window = window_for(plan, window.end + timedelta(days=1), meeting_dates)
    return window


def meeting_dates_for(plans) -> dict[int, list[date]]:
    """Meeting dates of the boards overseeing each board-cadence plan, in one query."""
    ids = [p.pk for p in plans if p.reporting_cadence == Plan.Cadence.BOARD]
    result: dict[int, list[date]] = {pk: [] for pk in ids}
    if ids:
        # Read from the plan's side: boards sit above actions, so their models are not imported.
        rows = (
            Plan.objects.filter(pk__in=ids, boards__meetings__isnull=False)
            .order_by("boards", "boards__meetings__date")
            .values_list("pk", "boards__meetings__date")
        )
        for plan_id, day in rows:
            result[plan_id].append(day)
    return result


def stored_periods_containing(plans, day: date) -> dict[int, ReportingPeriod]:
    """Stored periods that contain a day, by plan id, in one query."""
    periods = ReportingPeriod.objects.filter(plan__in=plans, start__lte=day, end__gte=day)
    return {p.plan_id: p for p in periods.order_by("start")}


def current_windows(
    plans, today: date | None = None
) -> dict[int, tuple[Window, ReportingPeriod | None]]:
    """For each plan: the window updates are due for now, and its stored period if it exists.
    One query for any number of plans (two when a plan reports to its board's meetings)."""
    today = today or timezone.localdate()
    plans = list(plans)
    if not plans:
        return {}
    meetings = meeting_dates_for(plans)
    # The window each plan would have without any stored period: its stored period, if any, is
    # then found by its start in the same query as the periods containing today and the
    # reopened ones.
    default_starts = {update_window(plan, today, meetings.get(plan.pk)).start for plan in plans}
    periods = list(
        ReportingPeriod.objects.filter(plan__in=plans)
        .filter(
            Q(start__lte=today, end__gte=today)
            | Q(reopened_at__isnull=False, start__lte=today)
            | Q(start__in=default_starts)
        )
        .order_by("start")
    )
    stored = {p.plan_id: p for p in periods if p.start <= today <= p.end}
    # A period an administrator has reopened takes late updates until it is closed again.
    reopened = {p.plan_id: p for p in periods if p.reopened_at is not None and p.start <= today}
    by_start = {(p.plan_id, p.start): p for p in periods}
    result = {}
    for plan in plans:
        existing = reopened.get(plan.pk) or stored.get(plan.pk)
        if existing is not None and not existing.is_open(today):
            existing = None
        window = update_window(plan, today, meetings.get(plan.pk), existing)
        result[plan.pk] = (window, by_start.get((plan.pk, window.start)))
    return result


def period_for_update(plan: Plan, today: date | None = None) -> ReportingPeriod:
    """The stored period a new update belongs to, created if needed."""
    window, period = current_windows([plan], today)[plan.pk]
    if period is not None:
        return period
    try:
        with transaction.atomic():
            return ReportingPeriod.objects.create(
                plan=plan,
                label=window.label,
                start=window.start,
                end=window.end,
                closes_on=window.closes_on,
            )
    except IntegrityError:  # created at the same moment by someone else
        return ReportingPeriod.objects.get(plan=plan, start=window.start)


def period_reopen(*, period: ReportingPeriod, user, reason: str) -> ReportingPeriod:
    """Reopen a closed period so late updates can be given; recorded with who, when and why."""
    from core.models import AuditEvent

    period.reopened_at = timezone.now()
    period.reopened_by = user
    period.reopen_reason = reason
    period._change_reason = reason
    period.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.PERIOD_REOPENED,
        user=user,
        username=user.get_username(),
        summary=f"Reopened {period}"[:500],
        detail={"period": period.pk, "reason": reason},
    )
    return period


def last_deadline(
    plan: Plan, today: date, meeting_dates: list[date] | None = None
) -> Window | None:
    """The latest reporting window whose deadline (``closes_on``) has passed by ``today``: the
    window an update was last due for. Months and quarters close ``UPDATE_GRACE_DAYS`` after
    they end, a board meeting's run-up ``UPDATE_DAYS_BEFORE_MEETING`` before the meeting.
    None when no deadline of the plan has passed yet (its first window is still open)."""
    window = window_for(plan, today, meeting_dates)
    for _ in range(24):  # windows overlap their deadlines by days, never by many windows
        if window.closes_on < today:
            return window if window.end >= plan.start else None
        if window.start <= plan.start:
            return None
        window = window_for(plan, window.start - timedelta(days=1), meeting_dates)
    return None
