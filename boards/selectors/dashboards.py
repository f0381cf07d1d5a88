"""What the board pages read: the portfolio of plans, a plan's dashboard and its exception report.

Each is read in a fixed number of queries (grouped counts, subqueries and one pass over the
actions) and returned as data; ``boards.presenters`` turns it into the pages' display values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from actions.models import Action
from actions.querysets import overdue_q
from actions.timescales import TimescaleKind
from boards.asat import (
    Position,
    current_positions,
    end_of_day,
    measure_statuses,
    positions_as_at,
)
from boards.filters import DashboardFilter
from boards.models import Meeting
from boards.panels import rows_for
from core.formatting import day_text
from core.rag import Rating
from measures.models import Measure, MeasureValue, Target
from measures.status import RECENT_VALUES, MeasureStatus, rag_against_target
from plans.models import Plan
from plans.permissions import plans_visible_to
from priorities.models import Priority

# Active plans first, then approved and draft; closed and superseded last.
STATUS_ORDER = {
    Plan.Status.ACTIVE: 0,
    Plan.Status.APPROVED: 1,
    Plan.Status.DRAFT: 2,
    Plan.Status.SUPERSEDED: 3,
    Plan.Status.CLOSED: 4,
}
PLANS_PER_PAGE = 10  # plans a page of the portfolio (a board's few plans fit on one)


# --- measures ---------------------------------------------------------------------------------


def plan_measures(plan_ids) -> tuple[list[Measure], dict[int, list[int]], dict[int, list[int]]]:
    """Measures linked to the plans (by code), with the plan ids and priority ids of each: one
    query over the plan links, joined to each measure and its priority links (used by the
    dashboard, the exception report and the board pack)."""
    measures, plans_of, priorities_of = {}, defaultdict(list), defaultdict(list)
    links = (
        Measure.plans.through.objects.filter(plan_id__in=plan_ids)
        .select_related("measure")
        .annotate(linked_priority_id=F("measure__priorities"))
        .order_by("measure__code", "measure_id", "plan_id", "linked_priority_id")
    )
    for link in links:
        measures.setdefault(link.measure_id, link.measure)
        if link.plan_id not in plans_of[link.measure_id]:
            plans_of[link.measure_id].append(link.plan_id)
        pid = link.linked_priority_id
        if pid is not None and pid not in priorities_of[link.measure_id]:
            priorities_of[link.measure_id].append(pid)
    return list(measures.values()), dict(plans_of), dict(priorities_of)


def measure_statuses_of(
    plan: Plan, priority: Priority | None = None
) -> tuple[list[MeasureStatus], dict[int, list[int]]]:
    """The statuses (now, with their recent values) of the measures linked to a plan, or only to
    one of its priorities, and the priority ids of each measure."""
    measures, _, priorities_of = plan_measures([plan.pk])
    if priority is not None:
        measures = [m for m in measures if priority.pk in priorities_of.get(m.pk, [])]
    statuses = measure_statuses(measures, recent=RECENT_VALUES) if measures else []
    return statuses, priorities_of


def measures_off_target(plan_ids) -> dict[int, dict[str, int]]:
    """For each plan: how many of its measures there are, how many are off target (amber or
    red) and how many outside tolerance (red), judged on each measure's latest value against the
    target for its period (the rule of ``measures.status``). Two queries whatever the length of
    the measures' histories: the latest value of each measure comes from a correlated subquery
    on the (measure, period start) index, and only the targets are read as plain tuples."""
    latest = MeasureValue.objects.filter(measure=OuterRef("pk")).order_by("-period_start")
    rows = list(
        Measure.objects.filter(plans__in=plan_ids)
        .annotate(
            linked_plan=F("plans__id"),
            latest_value=Subquery(latest.values("value")[:1]),
            latest_end=Subquery(latest.values("period_end")[:1]),
        )
        .values_list("pk", "linked_plan", "polarity", "latest_value", "latest_end")
    )
    targets_of = _targets_of(plan_ids) if rows else {}
    result: dict[int, dict[str, int]] = defaultdict(lambda: {"off": 0, "outside": 0, "total": 0})
    for measure_id, plan_id, polarity, value, end in rows:
        target = _target_for(targets_of.get(measure_id, []), end)
        rag = rag_against_target(
            value, target[2] if target else None, target[3] if target else 0, polarity
        )
        counts = result[plan_id]
        counts["total"] += 1
        counts["off"] += rag in ("amber", "red")
        counts["outside"] += rag == "red"
    return result


def _targets_of(plan_ids) -> dict[int, list[tuple]]:
    """(start, end, value, tolerance) of every target of the plans' measures, by start, per
    measure (one query)."""
    targets_of = defaultdict(list)
    for measure_id, *target in (
        Target.objects.filter(
            measure_id__in=Measure.objects.filter(plans__in=plan_ids).values("pk")
        )
        .order_by("measure_id", "period_start")
        .values_list("measure_id", "period_start", "period_end", "value", "amber_tolerance")
    ):
        targets_of[measure_id].append(target)
    return targets_of


def _target_for(targets: list[tuple], end: date | None) -> tuple | None:
    """The rule of ``measures.status.target_for``: the target whose period holds the latest
    value's end (the latest such), else the latest one started by then."""
    containing = started = None
    if end is not None:
        for target in targets:
            if target[0] <= end:
                started = target
                if target[1] >= end:
                    containing = target
    return containing or started


# --- portfolio --------------------------------------------------------------------------------


@dataclass
class PlanFigures:
    """A plan's actions at a glance: how many at each rating, overdue, with a timescale not
    understood, and when the last update was given."""

    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    unparsed: int = 0
    last_update: datetime | None = None


@dataclass
class Portfolio:
    """A page of the plans a user may read, with each plan's figures."""

    today: date
    page: Page
    plans: list[Plan]
    figures: dict[int, PlanFigures]
    next_meetings: dict[int, dict]
    off_target: dict[int, dict[str, int]]


def portfolio(user, today: date | None = None, page=None) -> Portfolio:
    """Every plan the user may read, those with actions first, then active ones first, a page
    of ``PLANS_PER_PAGE`` at a time
    (``page``: the page number asked for; not a number gives the first page, beyond the last the
    last), each with its RAG distribution, overdue actions, measures off target, last update and
    next board meeting. Seven queries whatever the number of plans: the figures are computed for
    the plans of the page only, so a council with many plans sees a page as quickly as one with
    few (docs/adr/0006-speed-at-scale.md)."""
    today = today or timezone.localdate()
    every_plan = list(
        plans_visible_to(user).select_related("organisation").annotate(n_actions=Count("actions"))
    )
    # Plans with actions to show come before plans still without any (an active plan not yet
    # filled in would otherwise open the portfolio on an empty page).
    every_plan.sort(
        key=lambda p: (not p.n_actions, STATUS_ORDER.get(p.status, 9), p.title.lower(), p.pk)
    )
    page = Paginator(every_plan, PLANS_PER_PAGE).get_page(page)
    plans = list(page.object_list)
    ids = [p.pk for p in plans]
    return Portfolio(
        today=today,
        page=page,
        plans=plans,
        figures=plan_figures(ids, today),
        next_meetings=next_meetings(ids, today),
        off_target=measures_off_target(ids),
    )


def plan_figures(plan_ids: list[int], today: date) -> dict[int, PlanFigures]:
    """One pass over the plans' actions (not their 100,000s of updates): counts by rating,
    overdue, unread timescales and the last update (each action keeps its latest update's
    time). Plans without actions are left out."""
    aggregates = {f"n_{r.value}": Count("pk", filter=Q(rating=r.value)) for r in Rating}
    rows = (
        Action.objects.filter(plan_id__in=plan_ids)
        .order_by()
        .values("plan_id")
        .annotate(
            **aggregates,
            n_overdue=Count("pk", filter=overdue_q(today)),
            n_unparsed=Count("pk", filter=Q(timescale_kind=TimescaleKind.UNPARSED)),
            last=Max("rating_updated_at"),
        )
    )
    return {
        row["plan_id"]: PlanFigures(
            counts={r.value: row[f"n_{r.value}"] for r in Rating},
            overdue=row["n_overdue"],
            unparsed=row["n_unparsed"],
            last_update=row["last"],
        )
        for row in rows
    }


def next_meetings(plan_ids: list[int], today: date) -> dict[int, dict]:
    """The next meeting (today or later) of a board overseeing each plan: its pk, date and
    board's name."""
    found: dict[int, dict] = {}
    rows = (
        Meeting.objects.filter(board__plans__in=plan_ids, date__gte=today)
        .order_by("date", "pk")
        .values_list("board__plans", "pk", "date", "board__name")
    )
    for plan_id, pk, day, board_name in rows:
        found.setdefault(plan_id, {"pk": pk, "date": day, "board": board_name})
    return found


# --- plan dashboard ---------------------------------------------------------------------------


@dataclass
class Dashboard:
    """What a plan's dashboard shows, filtered: the positions of the actions kept, the priorities
    shown, the measures' statuses, the actions with no update this period and the positions as
    at the last board meeting (None when there was none)."""

    plan: Plan
    today: date
    filterset: DashboardFilter
    chosen: dict
    positions: list[Position]
    priorities: list[Priority]
    statuses: list[MeasureStatus]
    priorities_of: dict[int, list[int]]
    no_update: set[int]
    period_label: str
    last_meeting: Meeting | None
    before: list[Position] | None
    panels: dict[str, list[dict]]  # rows of the panels apps above boards add (boards.panels)


def plan_dashboard(plan: Plan, data=None, today: date | None = None) -> Dashboard:
    """Everything on a plan's dashboard, filtered by the GET parameters in ``data``. A fixed
    number of queries: every action of the plan is read once, with its latest two updates, and
    filtered in Python (docs/adr/0006-speed-at-scale.md)."""
    today = today or timezone.localdate()
    all_positions = current_positions(
        [plan.pk],
        actions=Action.objects.filter(plan=plan)
        .select_related("plan", "priority", "outcome", "objective", "lead")
        .order_by("priority__order", "priority__pk", "sequence", "pk"),
        today=today,
    )
    priorities = list(Priority.objects.filter(plan=plan).order_by("order", "pk"))
    filterset = dashboard_filter(plan, data, all_positions, priorities)
    chosen = filterset.chosen()
    filterset.mark_errors()
    positions = [p for p in all_positions if filterset.keeps(p.action, chosen)]
    priority = chosen.get("priority")
    statuses, priorities_of = measure_statuses_of(plan, priority)
    no_update, period_label = no_update_this_period(plan, positions, today)
    last_meeting = last_meeting_before(plan, today)
    before = None
    if last_meeting is not None:
        before = positions_as_at(
            [plan.pk], end_of_day(last_meeting.date), actions=[p.action for p in positions]
        )
    panels = rows_for(
        [plan.pk],
        today=today,
        positions=all_positions,
        statuses={s.measure.pk: s for s in statuses},
    )
    return Dashboard(
        plan=plan,
        today=today,
        filterset=filterset,
        chosen=chosen,
        positions=positions,
        priorities=[p for p in priorities if priority is None or p.pk == priority.pk],
        statuses=statuses,
        priorities_of=priorities_of,
        no_update=no_update,
        period_label=period_label,
        last_meeting=last_meeting,
        before=before,
        panels={key: by_plan.get(plan.pk, []) for key, by_plan in panels.items()},
    )


def dashboard_filter(plan: Plan, data, positions: list[Position], priorities) -> DashboardFilter:
    """The dashboard's filters, their choices from the plan's priorities and the leads of its
    actions (already read: no query)."""
    leads = sorted(
        {p.action.lead_id: p.action.lead for p in positions if p.action.lead}.values(),
        key=lambda person: (person.name, person.pk),
    )
    return DashboardFilter(data or None, plan=plan, priorities=priorities, leads=leads)


def last_meeting_before(plan: Plan, today: date):
    """The most recent meeting of a board overseeing the plan before today."""
    return (
        Meeting.objects.filter(board__plans=plan, date__lt=today)
        .select_related("board")
        .order_by("-date", "-pk")
        .first()
    )


def no_update_this_period(plan: Plan, positions: list[Position], today: date):
    """Actions not complete with no update since the start of the latest reporting window whose
    deadline has passed (``actions.periods.last_deadline``), and words for that deadline. Before
    the first deadline of a plan, and for actions added after the deadline, nothing is missing:
    an action is never "no update" while its update is not yet due. One query for a plan that
    reports to its board's meetings, none otherwise."""
    from actions.periods import last_deadline, meeting_dates_for

    window = last_deadline(plan, today, meeting_dates_for([plan]).get(plan.pk))
    if window is None:
        return set(), ""
    missing = set()
    for p in positions:
        if p.rating == Rating.COMPLETE:
            continue
        if (
            p.action.created_at
            and timezone.localtime(p.action.created_at).date() > window.closes_on
        ):
            continue
        latest = p.latest
        if latest is None or timezone.localtime(latest.created_at).date() < window.start:
            missing.add(p.action.pk)
    return missing, f"{window.label}, due by {day_text(window.closes_on)}"


# --- exception report -------------------------------------------------------------------------


@dataclass
class ExceptionReport:
    """What a plan's exception report reads: every action's position now, the priorities and
    the measures' statuses."""

    plan: Plan
    today: date
    positions: list[Position]
    priorities: list[Priority]
    statuses: list[MeasureStatus]
    priorities_of: dict[int, list[int]]


def exception_report(plan: Plan, today: date | None = None) -> ExceptionReport:
    """The exception report of a plan now (its rules: ``boards.exceptions``)."""
    today = today or timezone.localdate()
    positions = current_positions([plan.pk], today=today)
    priorities = list(Priority.objects.filter(plan=plan).order_by("order", "pk"))
    statuses, priorities_of = measure_statuses_of(plan)
    return ExceptionReport(plan, today, positions, priorities, statuses, priorities_of)
