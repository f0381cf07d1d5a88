"""A made-up but plausible history for the demo, so every page has something to show.

Everything created here is marked ``illustrative`` and is deterministic: the same plan always gets
the same history. Nothing here comes from the seed documents."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from actions.models import ReportingPeriod
from actions.services import Reason, status_update_record
from boards.models import Meeting
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


def add_illustrative_history(plan: Plan) -> None:
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
                author = action.lead.user if action.lead and action.lead.user_id else None
                status_update_record(
                    action=action,
                    lifecycle=lifecycle,
                    confidence=confidence,
                    commentary=rng.choice(COMMENTARY[rating]),
                    period=period,
                    author=author,
                    author_name=action.lead_display or "Demo officer",
                    reason=reason,
                    evidence_of_impact="Illustrative: evidence recorded in the service's QA log."
                    if rating == "complete"
                    else "",
                    escalate=rating == "red" and rng.random() < 0.5,
                    created_at=moment,
                    illustrative=True,
                )
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
        elif roll < 0.12 and i >= n // 2:
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
    """Five annual values up to the plan's end year, a target and England/regional comparators."""
    rng = random.Random(f"measure:{measure.code}")  # noqa: S311 - demo only
    lo, hi = UNIT_BASE[measure.unit]
    value = Decimal(str(round(rng.uniform(lo, hi), 1)))
    improving = Decimal("-1") if measure.polarity == Measure.Polarity.LOWER else Decimal("1")
    last_year = plan.end.year - 1 if plan.end.month < 4 else plan.end.year
    for year in range(last_year - 4, last_year + 1):
        start, end = timezone.datetime(year, 4, 1).date(), timezone.datetime(year + 1, 3, 31).date()
        label = f"{year}/{str(year + 1)[2:]}"
        step = Decimal(str(round(rng.uniform(-0.04, 0.07) * float(value), 1)))
        value = max(Decimal("0.1"), value + improving * step)
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
        Comparator.objects.create(
            measure=measure,
            kind=Comparator.Kind.ENGLAND,
            period_start=start,
            period_end=end,
            label=label,
            value=(value * Decimal(str(rng.uniform(0.85, 1.1)))).quantize(Decimal("0.1")),
            illustrative=True,
        )
        Comparator.objects.create(
            measure=measure,
            kind=Comparator.Kind.REGION,
            period_start=start,
            period_end=end,
            label=label,
            value=(value * Decimal(str(rng.uniform(0.9, 1.2)))).quantize(Decimal("0.1")),
            illustrative=True,
        )
    neighbours_not_yet_published(measure, start, end, label)
    target = (value + improving * value * Decimal("0.05")).quantize(Decimal("0.1"))
    Target.objects.create(
        measure=measure,
        period_start=start,
        period_end=end,
        label=label,
        value=target,
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
