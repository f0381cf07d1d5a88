"""What boards read: the portfolio of plans, a plan's dashboard and its exception report.

Everything is built in a fixed number of queries (grouped counts, subqueries and one pass over
the actions), and turned into plain dicts of display values. The same dicts feed the pages, the
board pack, its frozen JSON snapshot, the PDF and the spreadsheet, so what a board sees on
screen, on paper and in Excel is one thing.

Roll-ups count every rating and show the worst one: a red is never averaged away.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from functools import lru_cache

import django_filters
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from actions.legend import Legend, LegendEntry, legend_for
from actions.models import Action
from actions.querysets import overdue_q
from actions.timescales import TimescaleKind
from boards.asat import (
    DIRECTION_ARROWS,
    DIRECTION_WORDS,
    IMPROVED,
    WORSENED,
    Position,
    current_positions,
    end_of_day,
    measure_statuses,
    positions_as_at,
    rating_direction,
)
from boards.models import Meeting
from core.formatting import day_text, month_text, number_text, short_day_text
from core.links import url_for_each
from core.rag import COLOURS, Rating, worst
from measures import charts
from measures.models import Measure, MeasureValue, Target
from measures.status import rag_against_target
from plans.models import Plan
from plans.permissions import plans_visible_to
from priorities.models import Priority

RECENT_VALUES = 13  # values per measure a status and a sparkline need (see measures.status)

# Active plans first, then approved and draft; closed and superseded last.
STATUS_ORDER = {
    Plan.Status.ACTIVE: 0,
    Plan.Status.APPROVED: 1,
    Plan.Status.DRAFT: 2,
    Plan.Status.SUPERSEDED: 3,
    Plan.Status.CLOSED: 4,
}

MEASURE_RAG_WORDS = {"green": "On target", "amber": "Near target", "red": "Off target"}
MEASURE_DIRECTION_WORDS = {
    "improving": "Improving",
    "worsening": "Worsening",
    "no_change": "No change",
}
MEASURE_DIRECTION_ARROWS = {"improving": "↑", "worsening": "↓", "no_change": "→"}


# --- legends --------------------------------------------------------------------------------


def legend_entries(legend: Legend) -> list[dict]:
    return [{"rating": e.rating, "label": e.label, "meaning": e.meaning} for e in legend]


def legend_from_entries(entries: list[dict]) -> Legend:
    """A Legend rebuilt from a snapshot (so a frozen pack keeps the words it was issued with)."""
    by_rating = {r.value: LegendEntry(r.value, r.label, "", COLOURS[r][0]) for r in Rating}
    for e in entries:
        by_rating[e["rating"]] = LegendEntry(
            e["rating"], e["label"], e["meaning"], COLOURS[Rating(e["rating"])][0]
        )
    return Legend(by_rating)


def plan_legend(plan: Plan) -> Legend:
    """The plan's organisation's legend (from the organisation's copy of its definitions)."""
    return legend_for(plan.organisation)


# --- rows -----------------------------------------------------------------------------------


def action_row(position: Position, legend: Legend, url_for=None) -> dict:
    """One action as every board output shows it. ``url_for`` (from ``links.url_for_each``)
    builds the action's link from its id without a ``reverse()`` for each row."""
    a, latest = position.action, position.latest
    rating = position.rating
    direction = position.direction
    return {
        "id": a.pk,
        "plan_id": a.plan_id,
        "priority_id": a.priority_id,
        "number": a.number,
        "description": a.description,
        "success_criteria": a.success_criteria,
        "url": url_for(a.pk) if url_for else a.get_absolute_url(),
        "lead": a.lead_display,
        "timescale": position.timescale_text,
        "timescale_unparsed": position.timescale_kind == TimescaleKind.UNPARSED,
        "timescale_undated": position.timescale_kind
        in (TimescaleKind.ONGOING, TimescaleKind.RECURRING, TimescaleKind.BLANK),
        "due": position.timescale_due.isoformat() if position.timescale_due else None,
        "due_text": day_text(position.timescale_due),
        "overdue": position.overdue,
        "rating": rating,
        "rating_label": legend.label(rating),
        "has_update": latest is not None,
        "updated": latest.created_at.isoformat() if latest else None,
        "updated_text": day_text(latest.created_at) if latest else "",
        "author": latest.author_name if latest else "",
        "commentary": latest.commentary if latest else "",
        "issue": latest.issue if latest else "",
        "mitigation": latest.mitigation if latest else "",
        "resolve_by": latest.resolve_by.isoformat() if latest and latest.resolve_by else None,
        "resolve_by_text": day_text(latest.resolve_by) if latest else "",
        "outside_control": bool(latest and latest.outside_control),
        "escalate": bool(latest and latest.escalate),
        "period_id": latest.period_id if latest else None,
        "illustrative": bool(latest and latest.illustrative),
        "previous_rating": position.previous.rating if position.previous else None,
        "previous_rating_label": legend.label(position.previous.rating)
        if position.previous
        else "",
        "direction": direction,
        "direction_word": DIRECTION_WORDS.get(direction, ""),
        "direction_arrow": DIRECTION_ARROWS.get(direction, ""),
    }


def measure_row(status, priority_ids: list[int] | None = None) -> dict:
    """One measure's latest value against its target (from ``measures.status``)."""
    m, latest, target = status.measure, status.latest, status.target
    return {
        "id": m.pk,
        "code": m.code,
        "title": m.title,
        "url": m.get_absolute_url(),
        "unit": m.get_unit_display(),
        "polarity": m.get_polarity_display(),
        "latest_label": latest.label if latest else "",
        "latest": number_text(latest.value) if latest else "",
        "latest_illustrative": bool(latest and latest.illustrative),
        "target": number_text(target.value) if target else "",
        "target_label": target.label if target else "",
        "tolerance": number_text(target.amber_tolerance) if target else "",
        "rag": status.rag or "",
        "rag_word": MEASURE_RAG_WORDS.get(status.rag or "", "No target" if latest else "No value"),
        "direction": status.direction,
        "direction_word": MEASURE_DIRECTION_WORDS.get(status.direction, ""),
        "direction_arrow": MEASURE_DIRECTION_ARROWS.get(status.direction, ""),
        "history": [[v.label, number_text(v.value)] for v in status.values[-8:]],
        "priority_ids": priority_ids or [],
    }


# --- roll-ups and charts --------------------------------------------------------------------


def rating_counts(ratings) -> dict[str, int]:
    counts = Counter(ratings)
    return {r.value: counts.get(r.value, 0) for r in Rating}


def counts_list(counts: dict[str, int], legend: Legend) -> list[dict]:
    return [
        {"rating": r.value, "label": legend.label(r), "count": counts.get(r.value, 0)}
        for r in Rating
    ]


def rollup(ratings, legend: Legend) -> dict:
    """Counts by rating and the worst rating (never an average)."""
    ratings = list(ratings)
    counts = rating_counts(ratings)
    w = worst(ratings)
    return {
        "counts": counts_list(counts, legend),
        "total": len(ratings),
        "worst": w or "",
        "worst_label": legend.label(w) if w else "",
    }


def rag_bar_svg(counts: list[dict], *, title: str, id_prefix: str, width: float = 600):
    """The stacked RAG bar (words beside the colours) for counts from ``rollup``."""
    segments = tuple((c["label"], c["count"], COLOURS[Rating(c["rating"])][0]) for c in counts)
    return _rag_bar(segments, title, id_prefix, width)


@lru_cache(maxsize=2048)
def _rag_bar(segments: tuple, title: str, id_prefix: str, width: float):
    # The SVG is a pure function of its arguments, and a plan's counts change only when an update
    # is given: dashboards, the portfolio and packs redraw the same bars on every request.
    return charts.rag_bar(segments, title=title, id_prefix=id_prefix, width=width)


def priority_rollups(priorities, rows: list[dict], legend: Legend) -> list[dict]:
    by_priority = defaultdict(list)
    for row in rows:
        by_priority[row["priority_id"]].append(row["rating"])
    return [
        {"id": p.pk, "number": p.number, "title": p.title, **rollup(by_priority[p.pk], legend)}
        for p in priorities
    ]


# --- exceptions and changes ------------------------------------------------------------------

RED, AMBER, AMBER_WORSENING, OVERDUE, ESCALATED, NO_UPDATE = (
    "red",
    "amber",
    "amber_worsening",
    "overdue",
    "escalated",
    "no_update",
)
REASON_WORDS = {
    RED: "Red",
    AMBER: "Amber",
    AMBER_WORSENING: "Amber and worsening",
    OVERDUE: "Overdue",
    ESCALATED: "Escalated by the officer",
    NO_UPDATE: "No update this period",
}
#: What the exception report (and the board pack) reports by exception.
REPORT_CRITERIA = (RED, AMBER_WORSENING, OVERDUE, ESCALATED)
#: What the plan dashboard lists as needing attention.
DASHBOARD_CRITERIA = (RED, AMBER, OVERDUE, ESCALATED, NO_UPDATE)


def exception_reasons(row: dict, criteria, *, no_update_ids=frozenset()) -> list[str]:
    reasons = []
    if RED in criteria and row["rating"] == Rating.RED:
        reasons.append(RED)
    if AMBER in criteria and row["rating"] == Rating.AMBER:
        reasons.append(AMBER)
    elif (
        AMBER_WORSENING in criteria
        and row["rating"] == Rating.AMBER
        and row["direction"] == WORSENED
    ):
        reasons.append(AMBER_WORSENING)
    if OVERDUE in criteria and row["overdue"]:
        reasons.append(OVERDUE)
    if ESCALATED in criteria and row["escalate"]:
        reasons.append(ESCALATED)
    if NO_UPDATE in criteria and row["id"] in no_update_ids:
        reasons.append(NO_UPDATE)
    return reasons


def exception_sections(
    priorities, rows: list[dict], measures: list[dict], criteria, *, no_update_ids=frozenset()
) -> list[dict]:
    """One section per priority (in plan order) with the actions reported by exception and the
    measures outside tolerance (red against target) linked to it; measures linked to the plan
    but to none of its priorities come last, under "Across the plan"."""
    actions_by = defaultdict(list)
    for row in rows:
        reasons = exception_reasons(row, criteria, no_update_ids=no_update_ids)
        if reasons:
            actions_by[row["priority_id"]].append(
                {**row, "reasons": reasons, "reason_words": [REASON_WORDS[r] for r in reasons]}
            )
    priority_ids = {p.pk for p in priorities}
    measures_by = defaultdict(list)
    for m in measures:
        if m["rag"] != "red":
            continue
        linked = [pid for pid in m["priority_ids"] if pid in priority_ids]
        for pid in linked or [None]:
            measures_by[pid].append(m)
    sections = [
        {
            "id": p.pk,
            "number": p.number,
            "title": p.title,
            "actions": actions_by[p.pk],
            "measures": measures_by[p.pk],
        }
        for p in priorities
    ]
    if measures_by[None]:
        sections.append(
            {
                "id": None,
                "number": "",
                "title": "Across the plan",
                "actions": [],
                "measures": measures_by[None],
            }
        )
    return sections


def changes_between(before: list[Position], after_rows: list[dict], legend: Legend) -> dict:
    """What changed from one position to the next: ratings that moved (improved or worsened),
    actions newly overdue and actions newly complete."""
    then = {p.action.pk: p for p in before}
    moved, newly_overdue, newly_complete = [], [], []
    for row in after_rows:
        old = then.get(row["id"])
        if old is None:
            continue
        if old.rating != row["rating"]:
            direction = rating_direction(old.rating, row["rating"])
            moved.append(
                {
                    **row,
                    "from": old.rating,
                    "from_label": legend.label(old.rating),
                    "change": direction,
                    "change_word": DIRECTION_WORDS[direction],
                    "change_arrow": DIRECTION_ARROWS[direction],
                }
            )
        if row["overdue"] and not old.overdue:
            newly_overdue.append(row)
        if row["rating"] == Rating.COMPLETE and old.rating != Rating.COMPLETE:
            newly_complete.append(row)
    return {
        "moved": moved,
        "improved": sum(1 for m in moved if m["change"] == IMPROVED),
        "worsened": sum(1 for m in moved if m["change"] == WORSENED),
        "newly_overdue": newly_overdue,
        "newly_complete": newly_complete,
    }


def unparsed_rows(rows: list[dict]) -> list[dict]:
    """Actions whose timescale could not be read: shown as such, never as on time."""
    return [r for r in rows if r["timescale_unparsed"] and r["rating"] != Rating.COMPLETE]


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
    targets_of = defaultdict(list)  # (start, end, value, tolerance) by start, per measure
    if rows:
        for measure_id, *target in (
            Target.objects.filter(
                measure_id__in=Measure.objects.filter(plans__in=plan_ids).values("pk")
            )
            .order_by("measure_id", "period_start")
            .values_list("measure_id", "period_start", "period_end", "value", "amber_tolerance")
        ):
            targets_of[measure_id].append(target)
    result: dict[int, dict[str, int]] = defaultdict(lambda: {"off": 0, "outside": 0, "total": 0})
    for measure_id, plan_id, polarity, value, end in rows:
        # The rule of ``measures.status.target_for``: the target whose period holds the latest
        # value's end (the latest such), else the latest one started by then.
        containing = started = None
        if end is not None:
            for target in targets_of[measure_id]:
                if target[0] <= end:
                    started = target
                    if target[1] >= end:
                        containing = target
        target = containing or started
        rag = rag_against_target(
            value, target[2] if target else None, target[3] if target else 0, polarity
        )
        counts = result[plan_id]
        counts["total"] += 1
        counts["off"] += rag in ("amber", "red")
        counts["outside"] += rag == "red"
    return result


# --- portfolio --------------------------------------------------------------------------------


PLANS_PER_PAGE = 10  # plans a page of the portfolio (a board's few plans fit on one)


def portfolio(user, today: date | None = None, page=None) -> dict:
    """Every plan the user may read, active ones first, a page of ``PLANS_PER_PAGE`` at a time
    (``page``: the page number asked for; not a number gives the first page, beyond the last the
    last), each with its RAG distribution, overdue actions, measures off target, last update and
    next board meeting. Seven queries whatever the number of plans: the figures are computed for
    the plans of the page only, so a council with many plans sees a page as quickly as one with
    few (docs/adr/0006-speed-at-scale.md)."""
    today = today or timezone.localdate()
    every_plan = list(plans_visible_to(user).select_related("organisation"))
    every_plan.sort(key=lambda p: (STATUS_ORDER.get(p.status, 9), p.title.lower(), p.pk))
    page = Paginator(every_plan, PLANS_PER_PAGE).get_page(page)
    plans = list(page.object_list)
    ids = [p.pk for p in plans]
    # One pass over the actions (not their 100,000s of updates): counts by rating, overdue,
    # unread timescales and the last update (each action keeps its latest update's time).
    counts, overdue, unparsed, last_update = defaultdict(dict), {}, {}, {}
    aggregates = {f"n_{r.value}": Count("pk", filter=Q(rating=r.value)) for r in Rating}
    for row in (
        Action.objects.filter(plan_id__in=ids)
        .order_by()
        .values("plan_id")
        .annotate(
            **aggregates,
            n_overdue=Count("pk", filter=overdue_q(today)),
            n_unparsed=Count("pk", filter=Q(timescale_kind=TimescaleKind.UNPARSED)),
            last=Max("rating_updated_at"),
        )
    ):
        plan_id = row["plan_id"]
        counts[plan_id] = {r.value: row[f"n_{r.value}"] for r in Rating}
        overdue[plan_id] = row["n_overdue"]
        unparsed[plan_id] = row["n_unparsed"]
        last_update[plan_id] = row["last"]
    next_meeting = {}
    rows = (
        Meeting.objects.filter(board__plans__in=ids, date__gte=today)
        .order_by("date", "pk")
        .values_list("board__plans", "pk", "date", "board__name")
    )
    for plan_id, pk, day, board_name in rows:
        next_meeting.setdefault(plan_id, {"pk": pk, "date": day, "board": board_name})
    off_target = measures_off_target(ids)
    # Links and dates made here, once per page, rather than by template tags for every plan.
    links = {
        name: url_for_each(f"plans:{name}", "slug")
        for name in ("dashboard", "exceptions", "detail")
    }
    meeting_url = url_for_each("plans:meeting")
    items, legends = [], {}
    for plan in plans:
        legend = plan_legend(plan)
        legends.setdefault(plan.organisation.pk, (plan.organisation.name, legend))
        plan_counts = counts_list(
            {r.value: counts[plan.pk].get(r.value, 0) for r in Rating}, legend
        )
        total = sum(c["count"] for c in plan_counts)
        w = worst([c["rating"] for c in plan_counts if c["count"]])
        meeting = next_meeting.get(plan.pk)
        items.append(
            {
                "plan": plan,
                "counts": plan_counts,
                "total": total,
                "worst": w or "",
                "legend": legend,
                "bar": rag_bar_svg(
                    plan_counts,
                    title=f"{plan.title}: actions by RAG rating",
                    id_prefix=f"portfolio-{plan.pk}",
                ),
                "overdue": overdue.get(plan.pk, 0),
                "unparsed": unparsed.get(plan.pk, 0),
                "last_update": last_update.get(plan.pk),
                "last_update_text": day_text(last_update.get(plan.pk)),
                "last_update_short": short_day_text(last_update.get(plan.pk)),
                "next_meeting": meeting,
                "next_meeting_text": day_text(meeting["date"]) if meeting else "",
                "next_meeting_short": short_day_text(meeting["date"]) if meeting else "",
                "next_meeting_url": meeting_url(meeting["pk"]) if meeting else "",
                "measures": off_target.get(plan.pk, {"off": 0, "outside": 0, "total": 0}),
                "status": plan.get_status_display(),
                "span": (
                    f"{month_text(plan.start, short=True)} to {month_text(plan.end, short=True)}"
                    if plan.start and plan.end
                    else ""
                ),
                "urls": {name: url(plan.slug) for name, url in links.items()},
            }
        )
    return {"items": items, "legends": list(legends.values()), "today": today, "page": page}


# --- plan dashboard ---------------------------------------------------------------------------


class DashboardFilter(django_filters.FilterSet):
    """Filters of a plan's dashboard: priority, lead officer and RAG rating (GET parameters).

    The choices come from the plan's priorities and the leads of its actions, which the
    dashboard has already loaded, and the rows are filtered in Python: the filters cost no
    query (``filter_rows``)."""

    priority = django_filters.ChoiceFilter(choices=[], empty_label="All", label="Priority")
    lead = django_filters.ChoiceFilter(choices=[], empty_label="Anyone", label="Lead officer")
    rating = django_filters.ChoiceFilter(
        choices=Rating.choices, empty_label="Any rating", label="RAG rating"
    )

    class Meta:
        model = Action
        fields = ["priority", "lead", "rating"]

    def __init__(self, data=None, *args, plan: Plan, priorities, leads, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.priorities = {str(p.pk): p for p in priorities}
        self.leads = {str(p.pk): p for p in leads}
        # The filters' fields add their own empty choice ("All", "Anyone") before these.
        self.form.fields["priority"].choices = [(pk, str(p)) for pk, p in self.priorities.items()]
        self.form.fields["lead"].choices = [(pk, str(p)) for pk, p in self.leads.items()]
        self.filters["priority"].label = plan.priority_label
        self.form.fields["priority"].label = plan.priority_label
        messages = {
            "priority": f"Choose a {plan.priority_label.lower()} from the list",
            "lead": "Choose a lead officer from the list",
            "rating": "Choose a RAG rating from the list",
        }
        for name, message in messages.items():
            field = self.form.fields[name]
            field.error_messages["invalid_choice"] = message
            field.widget.attrs["class"] = "govuk-select"

    def chosen(self) -> dict:
        """The valid filters chosen: priority and lead as objects, rating as its value. A bad
        value in one filter leaves the others applied."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        data = self.form.cleaned_data
        chosen = {
            "priority": self.priorities.get(data.get("priority") or ""),
            "lead": self.leads.get(data.get("lead") or ""),
            "rating": data.get("rating") or None,
        }
        return {k: v for k, v in chosen.items() if v is not None}

    def keeps(self, action: Action, chosen: dict) -> bool:
        return (
            ("priority" not in chosen or action.priority_id == chosen["priority"].pk)
            and ("lead" not in chosen or action.lead_id == chosen["lead"].pk)
            and ("rating" not in chosen or action.rating == chosen["rating"])
        )

    def mark_errors(self) -> None:
        """GOV.UK error styling and the error message read out with each field in error."""
        for name in self.form.errors:
            if name in self.form.fields:
                attrs = self.form.fields[name].widget.attrs
                attrs["class"] = "govuk-select govuk-select--error"
                attrs["aria-describedby"] = f"id_{name}-error"


def last_meeting_before(plan: Plan, today: date):
    """The most recent meeting of a board overseeing the plan before today."""
    return (
        Meeting.objects.filter(board__plans=plan, date__lt=today)
        .select_related("board")
        .order_by("-date", "-pk")
        .first()
    )


def no_update_this_period(plan: Plan, positions: list[Position], today: date):
    """Actions not complete whose latest update is not for the current reporting period, and
    the period's label (the window officers are updating for now; see ``actions.periods``)."""
    from actions.periods import current_windows

    window, period = current_windows([plan], today)[plan.pk]
    missing = set()
    for p in positions:
        if p.rating == Rating.COMPLETE:
            continue
        latest = p.latest
        counted = latest is not None and (
            (period is not None and latest.period_id == period.pk)
            or timezone.localtime(latest.created_at).date() >= window.start
        )
        if not counted:
            missing.add(p.action.pk)
    return missing, window.label


def plan_dashboard(plan: Plan, data=None, today: date | None = None) -> dict:
    """Everything on a plan's dashboard, filtered by the GET parameters in ``data``. A fixed
    number of queries: every action of the plan is read once, with its latest two updates, and
    filtered in Python (docs/adr/0006-speed-at-scale.md)."""
    today = today or timezone.localdate()
    legend = plan_legend(plan)
    all_positions = current_positions(
        [plan.pk],
        actions=Action.objects.filter(plan=plan)
        .select_related("plan", "priority", "outcome", "objective", "lead")
        .order_by("priority__order", "priority__pk", "sequence", "pk"),
        today=today,
    )
    priorities = list(Priority.objects.filter(plan=plan).order_by("order", "pk"))
    leads = sorted(
        {p.action.lead_id: p.action.lead for p in all_positions if p.action.lead}.values(),
        key=lambda person: (person.name, person.pk),
    )
    filterset = DashboardFilter(data or None, plan=plan, priorities=priorities, leads=leads)
    chosen = filterset.chosen()
    filterset.mark_errors()
    positions = [p for p in all_positions if filterset.keeps(p.action, chosen)]
    action_url = url_for_each("actions:detail")
    rows = [action_row(p, legend, action_url) for p in positions]
    priority = chosen.get("priority")
    shown_priorities = [p for p in priorities if priority is None or p.pk == priority.pk]
    rollups = priority_rollups(shown_priorities, rows, legend)
    for item in rollups:
        item["bar"] = rag_bar_svg(
            item["counts"],
            title=f"{plan.priority_label} {item['number']}: actions by RAG rating",
            id_prefix=f"priority-{item['id']}",
        )
    overall = rollup([r["rating"] for r in rows], legend)
    overall_bar = rag_bar_svg(
        overall["counts"], title=f"{plan.title}: actions by RAG rating", id_prefix="plan-overall"
    )

    measures, _, priorities_of = plan_measures([plan.pk])
    if priority is not None:
        measures = [m for m in measures if priority.pk in priorities_of.get(m.pk, [])]
    measure_rows = [
        measure_row(s, priorities_of.get(s.measure.pk, []))
        for s in (measure_statuses(measures, recent=RECENT_VALUES) if measures else [])
    ]
    for m in measure_rows:
        values = [v for _, v in m["history"]]
        m["sparkline"] = charts.sparkline(
            [float(v.replace(",", "")) for v in values],
            title=f"{m['code']} trend: " + ", ".join(f"{lab} {v}" for lab, v in m["history"]),
            id_prefix=f"spark-{m['id']}",
        )

    no_update, period_label = no_update_this_period(plan, positions, today)
    exceptions = exception_sections(
        shown_priorities, rows, measure_rows, DASHBOARD_CRITERIA, no_update_ids=no_update
    )

    last_meeting = last_meeting_before(plan, today)
    changes = None
    if last_meeting is not None:
        before = positions_as_at(
            [plan.pk], end_of_day(last_meeting.date), actions=[p.action for p in positions]
        )
        changes = changes_between(before, rows, legend)

    return {
        "filter": filterset,
        "legend": legend,
        "rows": rows,
        "overall": overall,
        "overall_bar": overall_bar,
        "rollups": rollups,
        "exceptions": exceptions,
        "n_exceptions": sum(len(s["actions"]) for s in exceptions),
        "n_measure_exceptions": sum(len(s["measures"]) for s in exceptions),
        "unparsed": unparsed_rows(rows),
        "period_label": period_label,
        "last_meeting": last_meeting,
        "changes": changes,
        "since_text": f"the meeting on {day_text(last_meeting.date)}" if last_meeting else "",
        "measures": measure_rows,
        "today": today,
        "filtered": bool(chosen),
    }


def exception_report(plan: Plan, today: date | None = None) -> dict:
    """The exception report of a plan now: one section per priority with the reds, the ambers
    getting worse, overdue and escalated actions and the measures outside tolerance."""
    today = today or timezone.localdate()
    legend = plan_legend(plan)
    positions = current_positions([plan.pk], today=today)
    action_url = url_for_each("actions:detail")
    rows = [action_row(p, legend, action_url) for p in positions]
    priorities = list(Priority.objects.filter(plan=plan).order_by("order", "pk"))
    measures, _, priorities_of = plan_measures([plan.pk])
    measure_rows = [
        measure_row(s, priorities_of.get(s.measure.pk, []))
        for s in (measure_statuses(measures, recent=RECENT_VALUES) if measures else [])
    ]
    sections = exception_sections(priorities, rows, measure_rows, REPORT_CRITERIA)
    return {
        "legend": legend,
        "sections": sections,
        "unparsed": unparsed_rows(rows),
        "n_actions": sum(len(s["actions"]) for s in sections),
        "n_measures": sum(len(s["measures"]) for s in sections),
        "today": today,
    }
