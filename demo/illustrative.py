"""A made-up but plausible history for the demo, so every page has something to show.

Everything created here is marked ``illustrative`` and is deterministic: the same plan always gets
the same history. Nothing here comes from the seed documents."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from actions.models import ReportingPeriod
from actions.periods import board_lead_days, period_for_update
from actions.services import Reason, status_update_record
from boards.models import Board, Meeting
from core.formatting import day_text, month_text
from core.rag import Lifecycle
from measures.models import (
    Comparator,
    Measure,
    MeasureValue,
    StatisticalNeighbour,
    Target,
    UnpublishedFigure,
)
from plans.models import Plan

MAX_PERIODS = 8

COMMENTARY = {
    "green": [
        "On track: the work is progressing as planned.",
        "Milestones for this period met; no issues to escalate.",
        "Progress reviewed with the lead; delivery is on schedule.",
    ],
    "amber": [
        "Some slippage: capacity in the team has been stretched this period.",
        "Dependent on partner input that has been slower than planned.",
    ],
    "red": [
        "Off track: key milestone missed and a recovery plan is needed.",
    ],
    "complete": ["Completed: the action has been delivered and evidence recorded."],
    "not_started": ["Not yet started: scheduled to begin later in the plan."],
}


def period_windows(plan: Plan) -> list[tuple[str, object, object, object]]:
    """(label, start, end, closes_on) for the demo's reporting periods: the run-up to each
    meeting of the busiest overseeing board, or otherwise quarters from the plan's start."""
    meetings = list(
        Meeting.objects.filter(board__plans=plan, date__gte=plan.start)
        .order_by("date")
        .values_list("date", flat=True)
        .distinct()
    )
    windows = []
    if len(meetings) >= 3:
        start = plan.start
        for meeting_date in meetings[:MAX_PERIODS]:
            label = f"Before the {day_text(meeting_date)} meeting"
            windows.append((label, start, meeting_date, meeting_date - timedelta(days=3)))
            start = meeting_date + timedelta(days=1)
        return windows
    start = plan.start
    for _ in range(6):
        end = (start + timedelta(days=92)).replace(day=1) - timedelta(days=1)
        windows.append((f"{month_text(start)} to {month_text(end)}", start, end, end))
        start = end + timedelta(days=1)
    return windows


def add_illustrative_history(plan: Plan, today: date | None = None) -> None:
    """Updates over the plan's periods; for a plan a monthly board oversees (the flagship),
    the last year's too, up to ``today``."""
    actions = list(plan.actions.select_related("lead__user").order_by("pk"))
    if actions:
        periods = [
            ReportingPeriod.objects.create(
                plan=plan, label=label, start=start, end=end, closes_on=closes_on
            )
            for label, start, end, closes_on in period_windows(plan)
        ]
        for action in actions:
            rng = random.Random(f"{plan.slug}:{action.number}")  # noqa: S311 - demo only
            for period, rating in zip(periods, trajectory(rng, len(periods)), strict=True):
                if rating is None:
                    continue
                moment = timezone.make_aware(
                    datetime.combine(period.closes_on - timedelta(days=rng.randint(1, 6)), time(10))
                )
                _illustrative_update(action, period, rating, moment, rng)
        if plan.boards.filter(cadence=Board.Cadence.MONTHLY).exists():
            add_recent_history(plan, today or timezone.localdate())
    for measure in Measure.objects.filter(plans=plan, values__isnull=True).order_by("code"):
        add_measure_history(measure, plan)
    add_illustrative_neighbours()


# Ten councils like Stockton-on-Tees, for the statistical-neighbour comparators (illustrative: not
# the Department's list).
ILLUSTRATIVE_NEIGHBOURS = [
    "Darlington",
    "Redcar and Cleveland",
    "Halton",
    "Warrington",
    "Tameside",
    "North East Lincolnshire",
    "Wigan",
    "Hartlepool",
    "Rotherham",
    "Doncaster",
]


def neighbours_not_yet_published(measure: Measure, start, end, label: str) -> None:
    UnpublishedFigure.objects.create(
        measure=measure,
        series=Comparator.Kind.STATISTICAL_NEIGHBOURS,
        period_start=start,
        period_end=end,
        label=label,
        symbol="..",
        note="Illustrative: the neighbours' figure for the latest year is not yet published",
        illustrative=True,
    )


def add_illustrative_neighbours() -> None:
    for rank, name in enumerate(ILLUSTRATIVE_NEIGHBOURS, start=1):
        StatisticalNeighbour.objects.update_or_create(
            council_code="808",
            rank=rank,
            defaults={
                "council_name": "Stockton-on-Tees",
                "neighbour_name": name,
                "source": "Illustrative list (demo data), not the Department's",
            },
        )


RECENT_WINDOWS = 12  # the illustrative history's last year, up to the current month


def third_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def add_recent_meetings(plan: Plan, today: date) -> list[date]:
    """Illustrative monthly meetings (the third Thursday) of the plan's monthly boards, from
    the month after their last meeting up to ``today``; returns every meeting date from
    RECENT_WINDOWS months before today."""
    since = (today.replace(day=1) - timedelta(days=31 * RECENT_WINDOWS)).replace(day=1)
    dates: set[date] = set()
    for board in Board.objects.filter(plans=plan, cadence=Board.Cadence.MONTHLY):
        last = board.meetings.order_by("-date").values_list("date", flat=True).first()
        year, month = (last.year, last.month) if last else (since.year, since.month)
        while True:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
            day = third_thursday(year, month)
            if day > today:
                break
            if day >= since:
                Meeting.objects.get_or_create(
                    board=board, date=day, defaults={"title": "", "illustrative": True}
                )
        dates.update(board.meetings.filter(date__gte=since).values_list("date", flat=True))
    return sorted(dates)


def recent_windows(plan: Plan, today: date) -> list[ReportingPeriod]:
    """The reporting periods of the last year: the run-up to each recent meeting (as the app
    computes them for a board-cadence plan), then the period open today."""
    meetings = add_recent_meetings(plan, today)
    last_end = plan.reporting_periods.order_by("-end").values_list("end", flat=True).first()
    periods = []
    previous = None
    for day in meetings:
        start = previous + timedelta(days=1) if previous else day.replace(day=1)
        previous = day
        if last_end and start <= last_end:
            continue
        periods.append(
            ReportingPeriod.objects.create(
                plan=plan,
                label=f"Before the {day_text(day)} meeting",
                start=start,
                end=day,
                closes_on=day - timedelta(days=board_lead_days()),
            )
        )
    if periods and periods[-1].end < today:
        current = period_for_update(plan, today)
        if current.start > periods[-1].end:
            periods.append(current)
    return periods


RECENT_MOVES = ["green"] * 5 + ["amber"] * 3 + ["red"]


def recent_trajectory(rng: random.Random, current: str, n: int) -> list[str | None]:
    """Ratings for n periods from the action's current one: mostly steady, moving mostly
    between green and amber, now and then red, sometimes finishing complete."""
    ratings: list[str | None] = []
    for i in range(n):
        roll = rng.random()
        if current == "complete":
            ratings.append(None)
            continue
        if current == "not_started":
            current = "not_started" if roll < 0.2 else rng.choice(["green", "green", "amber"])
        elif roll < 0.008 and i >= 2:
            current = "complete"
        elif roll >= 0.6:
            current = rng.choice(RECENT_MOVES)
        ratings.append(current)
    return ratings


def add_recent_history(plan: Plan, today: date) -> None:
    """Illustrative updates for each action in each period of the last year, up to today: in
    the period still open only about two in three have updated so far."""
    periods = recent_windows(plan, today)
    now = timezone.now()
    for action in plan.actions.select_related("lead__user").order_by("pk"):
        rng = random.Random(f"{plan.slug}:{action.number}:recent")  # noqa: S311 - demo only
        ratings = recent_trajectory(rng, action.rating or "not_started", len(periods))
        # The demo officers' own actions (they sign in) keep their rating (a red one recovered
        # to amber), and their updates
        # for the open period are still due: the officer's monthly journey starts there.
        officer = bool(action.lead and action.lead.user_id)
        if officer:
            steady = {"complete": None, "red": "amber"}.get(action.rating, action.rating or None)
            ratings = [steady] * len(periods)
        for period, rating in zip(periods, ratings, strict=True):
            is_open = period.end >= today
            if rating is None or (is_open and (officer or rng.random() < 0.35)):
                continue
            day = min(period.closes_on, today) - timedelta(days=rng.randint(0, 6))
            moment = timezone.make_aware(datetime.combine(max(day, period.start), time(10)))
            _illustrative_update(action, period, rating, min(moment, now), rng)


def _illustrative_update(action, period, rating, moment, rng) -> None:
    lifecycle, confidence = {
        "not_started": (Lifecycle.NOT_STARTED, ""),
        "complete": (Lifecycle.COMPLETE, ""),
    }.get(rating, (Lifecycle.IN_PROGRESS, rating))
    reason = None
    if rating in ("red", "amber"):
        reason = Reason(
            issue="Illustrative: capacity and partner input have delayed the work.",
            mitigation="Illustrative: the lead is agreeing a revised plan.",
            resolve_by=period.end + timedelta(days=60),
            outside_control=rng.random() < 0.25,
        )
    status_update_record(
        action=action,
        lifecycle=lifecycle,
        confidence=confidence,
        commentary=rng.choice(COMMENTARY[rating]),
        period=period,
        author=action.lead.user if action.lead and action.lead.user_id else None,
        author_name=action.lead_display or "Demo officer",
        reason=reason,
        evidence_of_impact="Illustrative: evidence recorded in the service's QA log."
        if rating == "complete"
        else "",
        escalate=rating == "red" and rng.random() < 0.5,
        created_at=moment,
        illustrative=True,
    )


def trajectory(rng: random.Random, n: int) -> list[str | None]:
    """A sequence of ratings over n periods: may start late, moves between green, amber and red,
    and may finish complete."""
    start = rng.choice([0, 0, 0, 1, 2])
    ratings: list[str | None] = [None] * n
    current = "not_started"
    for i in range(start, n):
        if current == "complete":
            ratings[i] = None  # no further updates once complete
            continue
        roll = rng.random()
        if current == "not_started":
            current = "not_started" if roll < 0.25 else rng.choice(["green", "green", "amber"])
        elif roll < 0.06 and i >= n - 3:
            current = "complete"
        elif roll < 0.55:
            pass
        else:
            current = rng.choice(["green", "green", "amber", "amber", "red"])
        ratings[i] = current
    return ratings


UNIT_BASE = {
    Measure.Unit.RATE_PER_10000: (60, 140),
    Measure.Unit.PERCENTAGE: (40, 90),
    Measure.Unit.SCORE: (40, 100),
    Measure.Unit.COUNT: (20, 400),
    Measure.Unit.DAYS: (10, 60),
    Measure.Unit.NUMBER: (2, 10),
}


def add_measure_history(measure: Measure, plan: Plan) -> None:
    """Five annual values up to the plan's end year, a target and England, regional and
    statistical-neighbour comparators."""
    rng = random.Random(f"measure:{measure.code}")  # noqa: S311 - demo only
    lo, hi = UNIT_BASE[measure.unit]
    value = Decimal(str(round(rng.uniform(lo, hi), 1)))
    last_year = plan.end.year - 1 if plan.end.month < 4 else plan.end.year
    add_annual_values(measure, rng, value, range(last_year - 4, last_year + 1))


COMPARATOR_SPREAD = {
    Comparator.Kind.ENGLAND: (0.85, 1.1),
    Comparator.Kind.REGION: (0.9, 1.2),
    Comparator.Kind.STATISTICAL_NEIGHBOURS: (0.88, 1.15),
}


def add_annual_values(measure: Measure, rng: random.Random, value: Decimal, years) -> None:
    """A value per financial year moving mostly the better way, its comparators, and a
    target for the last year."""
    improving = Decimal("-1") if measure.polarity == Measure.Polarity.LOWER else Decimal("1")
    ceiling = Decimal(100) if measure.unit == Measure.Unit.PERCENTAGE else None
    for year in years:
        start, end = date(year, 4, 1), date(year + 1, 3, 31)
        label = f"{year}/{str(year + 1)[2:]}"
        step = Decimal(str(round(rng.uniform(-0.04, 0.07) * float(value), 1)))
        value = max(Decimal("0.1"), value + improving * step)
        if ceiling is not None:
            value = min(value, ceiling)
        recorded(
            MeasureValue(
                measure=measure,
                period_start=start,
                period_end=end,
                label=label,
                value=value,
                illustrative=True,
                note="Illustrative figure",
            ),
            end + timedelta(days=42),
        )
        for kind, (low, high) in COMPARATOR_SPREAD.items():
            figure = (value * Decimal(str(rng.uniform(low, high)))).quantize(Decimal("0.1"))
            Comparator.objects.create(
                measure=measure,
                kind=kind,
                period_start=start,
                period_end=end,
                label=label,
                value=min(figure, ceiling) if ceiling is not None else figure,
                illustrative=True,
            )
    neighbours_not_yet_published(measure, start, end, label)
    add_target(measure, rng, value, improving, start, end, label)


def extend_measure_history(measure: Measure, today: date) -> None:
    """Annual illustrative values from the measure's last one up to the last financial year
    ended six weeks before ``today`` (when such figures are published)."""
    last = measure.values.order_by("-period_start").first()
    if last is None or not last.illustrative:
        return
    published = today - timedelta(days=42)
    last_year = published.year - 1 if published.month < 4 else published.year
    last_year -= 1  # the last year that has ended: 2025/26 ends in March 2026
    first_year = last.period_start.year + 1
    if first_year > last_year:
        return
    rng = random.Random(f"measure:{measure.code}:recent")  # noqa: S311 - demo only
    add_annual_values(measure, rng, Decimal(last.value), range(first_year, last_year + 1))


#: How far the latest target sits from the latest value, as a share of it (towards better):
#: below zero the value beats its target (on target), up to the 5% tolerance it is near target,
#: beyond it off target. Mostly on or near target, a few off.
TARGET_OFFSETS = (-0.08, -0.05, -0.02, 0.02, 0.03, 0.04, 0.09)


def add_target(measure, rng, value, improving, start, end, label) -> Target:
    offset = Decimal(str(rng.choice(TARGET_OFFSETS)))
    target = (value + improving * value * offset).quantize(Decimal("0.1"))
    return Target.objects.create(
        measure=measure,
        period_start=start,
        period_end=end,
        label=label,
        value=max(target, Decimal("0.1")),
        amber_tolerance=(value * Decimal("0.05")).quantize(Decimal("0.1")),
        illustrative=True,
    )


def recorded(value: MeasureValue, on) -> MeasureValue:
    """Save a value as if it had been recorded on a date (six weeks after its period ends, as
    published figures usually are), so packs as at earlier meetings do not see it."""
    moment = timezone.make_aware(datetime.combine(on, time(9)))
    value._history_date = moment
    value.save()
    MeasureValue.objects.filter(pk=value.pk).update(created_at=moment)
    return value
