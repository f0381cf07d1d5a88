"""How board pages show what the selectors read: actions and measures as rows of display values,
roll-ups by rating (the worst one, never an average), RAG bars and sparklines, and each page's
context (the portfolio, a plan's dashboard, its exception report).

The rows are plain dicts of display values. The same dicts feed the pages, the board pack, its
frozen JSON snapshot, the PDF and the spreadsheet, so what a board sees on screen, on paper and
in Excel is one thing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from actions.timescales import TimescaleKind
from boards.asat import Position
from boards.exceptions import (
    DASHBOARD_CRITERIA,
    REPORT_CRITERIA,
    changes_between,
    compare_with_meeting,
    exception_sections,
    reason_counts,
    unparsed_rows,
)
from boards.panels import registered
from boards.selectors.dashboards import Dashboard, ExceptionReport, PlanFigures, Portfolio
from core.formatting import day_text, month_text, number_text, short_day_text
from core.links import url_for_each
from core.presentation import (
    NO_TRAVEL,
    Legend,
    fill_colour,
    legend_for,
    measure_travel,
    rating_travel,
)
from core.rag import Rating, worst
from measures import charts
from measures.status import direction_of_travel, movement
from plans.models import Plan

# --- legends --------------------------------------------------------------------------------


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
        "direction_word": rating_travel(direction).word,
        "direction_arrow": rating_travel(direction).arrow,
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
        "rag_word": status.state.label,
        "direction": status.direction,
        "direction_word": status.travel.word,
        "direction_arrow": status.travel.arrow,
        "previous_label": status.previous.label if status.previous else "",
        **_year_travel(status),
        "history": [[v.label, number_text(v.value)] for v in status.values[-8:]],
        "priority_ids": priority_ids or [],
    }


def _year_travel(status) -> dict:
    """The direction of travel against the same period last year, labelled apart from the one
    against the previous period (polarity-aware, in words)."""
    latest, last_year = status.latest, status.same_period_last_year
    travel = NO_TRAVEL
    if latest is not None and last_year is not None:
        travel = measure_travel(
            direction_of_travel(latest.value, last_year.value, status.measure.polarity),
            movement(latest.value, last_year.value),
        )
    return {
        "year_direction": travel.key,
        "year_direction_word": travel.word,
        "year_direction_arrow": travel.arrow,
        "last_year_label": last_year.label if last_year else "",
    }


def measure_sparkline(m: dict, *, id_prefix: str):
    """The trend of a measure row's recent values, titled with every value (an SVG)."""
    return charts.sparkline(
        [_figure(v) for _, v in m["history"]],
        title=f"{m['code']} trend: " + ", ".join(f"{label} {v}" for label, v in m["history"]),
        id_prefix=id_prefix,
    )


def _figure(text) -> float | None:
    """A figure as a row writes it ("12,500"), read back for a chart (None if not a number)."""
    try:
        return float(Decimal(str(text).replace(",", "")))
    except (InvalidOperation, ValueError):
        return None


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


def rag_bar_svg(counts: list[dict], *, title: str, id_prefix: str, width: float = 300):
    """The stacked RAG bar (words beside the colours) for counts from ``rollup``. 300 units
    wide with 14-unit text: scaled to a 290 px phone column its words stay above 12 px."""
    segments = tuple((c["label"], c["count"], fill_colour(c["rating"])) for c in counts)
    return _rag_bar(segments, title, id_prefix, width)


@lru_cache(maxsize=2048)
def _rag_bar(segments: tuple, title: str, id_prefix: str, width: float):
    # The SVG is a pure function of its arguments, and a plan's counts change only when an update
    # is given: dashboards, the portfolio and packs redraw the same bars on every request.
    return charts.rag_bar(segments, title=title, id_prefix=id_prefix, width=width, height=32)


def priority_rollups(priorities, rows: list[dict], legend: Legend) -> list[dict]:
    by_priority = defaultdict(list)
    for row in rows:
        by_priority[row["priority_id"]].append(row["rating"])
    return [
        {"id": p.pk, "number": p.number, "title": p.title, **rollup(by_priority[p.pk], legend)}
        for p in priorities
    ]


# --- pages ----------------------------------------------------------------------------------

NO_MEASURES = {"off": 0, "outside": 0, "total": 0}


def plan_span(plan: Plan) -> str:
    """'Apr 2023 to Mar 2024', or "" when the plan has no dates."""
    if not (plan.start and plan.end):
        return ""
    return f"{month_text(plan.start, short=True)} to {month_text(plan.end, short=True)}"


def portfolio_page(portfolio: Portfolio) -> dict:
    """The portfolio page: each plan of the page with its RAG bar, figures, next meeting and
    links, and the legends of the organisations shown (organisations with one legend each)."""
    # Links made here, once per page, rather than by template tags for every plan.
    links = {
        name: url_for_each(f"plans:{name}", "slug")
        for name in ("dashboard", "exceptions", "detail")
    }
    meeting_url = url_for_each("plans:meeting")
    items, legends = [], {}
    for plan in portfolio.plans:
        legend = plan_legend(plan)
        legends.setdefault(plan.organisation.pk, (plan.organisation.name, legend))
        item = portfolio_item(plan, portfolio, legend, meeting_url)
        item["urls"] = {name: url(plan.slug) for name, url in links.items()}
        items.append(item)
    return {
        "items": items,
        "legends": list(legends.values()),
        "today": portfolio.today,
        "page": portfolio.page,
    }


def portfolio_item(
    plan: Plan, portfolio: Portfolio, legend: Legend, meeting_url: Callable[[int], str]
) -> dict:
    """One plan of the portfolio (its ``urls`` added by ``portfolio_page``)."""
    figures = portfolio.figures.get(plan.pk, PlanFigures())
    counts = counts_list({r.value: figures.counts.get(r.value, 0) for r in Rating}, legend)
    w = worst([c["rating"] for c in counts if c["count"]])
    meeting = portfolio.next_meetings.get(plan.pk)
    return {
        "plan": plan,
        "counts": counts,
        "total": sum(c["count"] for c in counts),
        "worst": w or "",
        "legend": legend,
        "bar": rag_bar_svg(
            counts, title=f"{plan.title}: actions by RAG rating", id_prefix=f"portfolio-{plan.pk}"
        ),
        "overdue": figures.overdue,
        "unparsed": figures.unparsed,
        "last_update": figures.last_update,
        "last_update_text": day_text(figures.last_update),
        "last_update_short": short_day_text(figures.last_update),
        "next_meeting": meeting,
        "next_meeting_text": day_text(meeting["date"]) if meeting else "",
        "next_meeting_short": short_day_text(meeting["date"]) if meeting else "",
        "next_meeting_url": meeting_url(meeting["pk"]) if meeting else "",
        "measures": portfolio.off_target.get(plan.pk, NO_MEASURES),
        "status": plan.get_status_display(),
        "span": plan_span(plan),
    }


def measure_rows(statuses, priorities_of: dict[int, list[int]]) -> list[dict]:
    return [measure_row(s, priorities_of.get(s.measure.pk, [])) for s in statuses]


def dashboard_page(dashboard: Dashboard) -> dict:
    """A plan's dashboard: the actions kept by the filters, roll-ups overall and by priority
    (with their bars), what needs attention, the changes since the last board meeting and the
    measures with their sparklines."""
    plan = dashboard.plan
    legend = plan_legend(plan)
    action_url = url_for_each("actions:detail")  # one reverse() for every row
    rows = [action_row(p, legend, action_url) for p in dashboard.positions]
    if dashboard.before is not None:
        # The page says what changed since the last board meeting: its arrows say the same.
        compare_with_meeting(rows, dashboard.before, legend)
    rollups = priority_rollups(dashboard.priorities, rows, legend)
    for item in rollups:
        item["bar"] = rag_bar_svg(
            item["counts"],
            title=f"{plan.priority_label} {item['number']}: actions by RAG rating",
            id_prefix=f"priority-{item['id']}",
        )
    overall = rollup([r["rating"] for r in rows], legend)
    measures = measure_rows(dashboard.statuses, dashboard.priorities_of)
    for m in measures:
        m["sparkline"] = measure_sparkline(m, id_prefix=f"spark-{m['id']}")
    exceptions = exception_sections(
        dashboard.priorities,
        rows,
        measures,
        DASHBOARD_CRITERIA,
        no_update_ids=dashboard.no_update,
        today=dashboard.today,
    )
    last_meeting = dashboard.last_meeting
    return {
        "filter": dashboard.filterset,
        "legend": legend,
        "rows": rows,
        "overall": overall,
        "overall_bar": rag_bar_svg(
            overall["counts"],
            title=f"{plan.title}: actions by RAG rating",
            id_prefix="plan-overall",
        ),
        "rollups": rollups,
        "exceptions": exceptions,
        "n_exceptions": sum(len(s["actions"]) for s in exceptions),
        "exception_counts": reason_counts(exceptions),
        "n_measure_exceptions": sum(len(s["measures"]) for s in exceptions),
        "unparsed": unparsed_rows(rows),
        "period_label": dashboard.period_label,
        "last_meeting": last_meeting,
        "changes": (
            changes_between(dashboard.before, rows, legend)
            if dashboard.before is not None
            else None
        ),
        "since_text": f"the meeting on {day_text(last_meeting.date)}" if last_meeting else "",
        "measures": measures,
        "today": dashboard.today,
        "filtered": bool(dashboard.chosen),
        "panels": panel_views(dashboard.panels),
    }


def panel_views(rows_by_key: dict[str, list[dict]]) -> list[dict]:
    """The registered panels (``boards.panels``) with rows here (a plan no inspection concerns
    shows no inspections panel): template and rows."""
    return [
        {"template": panel.template, "rows": rows_by_key[panel.key]}
        for panel in registered()
        if rows_by_key.get(panel.key)
    ]


def exception_report_page(report: ExceptionReport) -> dict:
    """A plan's exception report: one section per priority with the reds, the ambers getting
    worse, overdue and escalated actions and the measures outside tolerance."""
    legend = plan_legend(report.plan)
    action_url = url_for_each("actions:detail")
    rows = [action_row(p, legend, action_url) for p in report.positions]
    measures = measure_rows(report.statuses, report.priorities_of)
    sections = exception_sections(report.priorities, rows, measures, REPORT_CRITERIA)
    return {
        "legend": legend,
        "sections": sections,
        "unparsed": unparsed_rows(rows),
        "n_actions": sum(len(s["actions"]) for s in sections),
        "n_measures": sum(len(s["measures"]) for s in sections),
        "today": report.today,
    }
