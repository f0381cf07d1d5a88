"""Reads: progress per finding (now, or as at a moment), the pages about inspections, the
readiness view. Every function runs a fixed number of queries whatever the number of findings,
actions, updates and measures.

Progress per finding rolls up the actions answering it: the worst rating (never an average),
how many are complete, overdue, have no evidence of impact yet (and of those, how many are
marked complete), with the finding's measures (latest value, target, comparators, direction).

"As at" follows the board packs' rules (``boards.asat``): each action's rating is its latest
update known at the moment, in the version known then; links between actions and findings are
those that existed then (their history); measure values as they stood then; findings recorded
after the moment do not exist yet. A later edit never changes what an earlier moment shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from actions.models import Action, StatusUpdate
from boards.asat import (
    Position,
    current_positions,
    end_of_day,
    positions_as_at,
    versions_as_at,
)
from core.rag import SEVERITY, Rating, worst
from inspections.models import Inspection, Recommendation, RecommendationAction
from measures.models import Measure
from measures.status import RED, WORSENING, MeasureStatus, measure_statuses

RECENT_VALUES = 13  # values per measure: enough for the direction of travel and a sparkline

ACTION_FIELDS = ("plan", "plan__organisation", "priority", "outcome", "objective", "lead")


def moment_of(as_at: date | datetime | None) -> datetime | None:
    """A moment from a date (the end of that day in London) or a moment; never later than now."""
    if as_at is None:
        return None
    if not isinstance(as_at, datetime):
        as_at = end_of_day(as_at)
    return min(as_at, timezone.now())


@dataclass
class RecommendationProgress:
    recommendation: Recommendation
    positions: list[Position] = field(default_factory=list)
    with_evidence: set[int] = field(default_factory=set)  # action ids with evidence of impact
    measures: list[MeasureStatus] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.positions)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(p.rating for p in self.positions)
        return {r.value: counted.get(r.value, 0) for r in Rating}

    @property
    def worst(self) -> str | None:
        return worst(p.rating for p in self.positions)

    @property
    def complete(self) -> int:
        return sum(1 for p in self.positions if p.rating == Rating.COMPLETE)

    @property
    def overdue(self) -> int:
        return sum(1 for p in self.positions if p.overdue)

    @property
    def without_evidence(self) -> int:
        return sum(1 for p in self.positions if p.action.pk not in self.with_evidence)

    @property
    def complete_without_evidence(self) -> int:
        return sum(
            1
            for p in self.positions
            if p.rating == Rating.COMPLETE and p.action.pk not in self.with_evidence
        )

    @property
    def measures_off_target(self) -> int:
        return sum(1 for m in self.measures if m.rag == RED)

    @property
    def has_actions(self) -> bool:
        return bool(self.positions)

    @property
    def measure_rows(self) -> list[dict]:
        from inspections.presentation import measure_row

        return [measure_row(s) for s in self.measures]


# --- the parts ----------------------------------------------------------------------------------


def links_as_at(moment: datetime | None, *, recommendation_ids=None, plan_ids=None):
    """(recommendation id, action id) pairs linked now, or at ``moment`` (from their history)."""
    filters = Q()
    if recommendation_ids is not None:
        filters &= Q(recommendation_id__in=list(recommendation_ids))
    if plan_ids is not None:
        filters &= Q(action__plan_id__in=list(plan_ids))
    if moment is None:
        return list(
            RecommendationAction.objects.filter(filters).values_list(
                "recommendation_id", "action_id"
            )
        )
    records = RecommendationAction.history.filter(filters).only(
        "history_id",
        "id",
        "recommendation_id",
        "action_id",
        "history_type",
        "history_date",
        "created_at",
    )
    return [
        (r.recommendation_id, r.action_id)
        for r in versions_as_at(records, moment).values()
        if r.history_type != "-" and r.created_at <= moment
    ]


def _actions(action_ids):
    return (
        Action.objects.filter(pk__in=list(action_ids))
        .select_related(*ACTION_FIELDS)
        .order_by("plan__title", "plan_id", "priority__order", "priority__pk", "sequence", "pk")
    )


def positions_for(action_ids, moment: datetime | None, today: date | None = None):
    """Each action's position now (two queries) or as at a moment (four), by action id, in plan
    order."""
    if not action_ids:
        return {}
    if moment is None:
        positions = current_positions(None, actions=_actions(action_ids), today=today)
    else:
        actions = list(_actions(action_ids))
        plan_ids = sorted({a.plan_id for a in actions})
        positions = positions_as_at(plan_ids, moment, actions=actions) if actions else []
    return {p.action.pk: p for p in positions}


def update_history_as_at(action_ids, moment: datetime | None) -> dict[int, list]:
    """Every status update of each action (newest first) as known now or at ``moment``, by
    action id: one query now, two as at a moment (updates written without history, by a bulk
    insert, are read from the live table)."""
    action_ids = list(action_ids)
    if moment is None:
        updates = StatusUpdate.objects.filter(action_id__in=action_ids).select_related("period")
        result = defaultdict(list)
        for u in updates.order_by("-created_at", "-pk"):
            result[u.action_id].append(u)
        return result
    records = StatusUpdate.history.filter(action_id__in=action_ids).select_related("period")
    chosen = versions_as_at(records, moment)
    kept = [r for r in chosen.values() if r.history_type != "-" and r.created_at <= moment]
    tracked = set(chosen)
    untracked = (
        StatusUpdate.objects.filter(action_id__in=action_ids, created_at__lte=moment)
        .exclude(pk__in=tracked)
        .select_related("period")
    )
    result = defaultdict(list)
    for u in [*kept, *untracked]:
        result[u.action_id].append(u)
    for versions in result.values():
        versions.sort(key=lambda v: (v.created_at, v.id), reverse=True)
    return result


def evidence_action_ids(action_ids, moment: datetime | None) -> set[int]:
    """Actions with evidence of impact in at least one update (now, or known at ``moment``)."""
    if moment is None:
        return set(
            StatusUpdate.objects.filter(action_id__in=list(action_ids))
            .exclude(evidence_of_impact="")
            .values_list("action_id", flat=True)
            .distinct()
        )
    return {
        action_id
        for action_id, updates in update_history_as_at(action_ids, moment).items()
        if any(u.evidence_of_impact.strip() for u in updates)
    }


def measure_links(recommendation_ids) -> dict[int, list[Measure]]:
    through = Recommendation.measures.through.objects.filter(
        recommendation_id__in=list(recommendation_ids)
    ).select_related("measure")
    result = defaultdict(list)
    for row in through.order_by("measure__code"):
        result[row.recommendation_id].append(row.measure)
    return result


def statuses_by_measure(measures, moment: datetime | None) -> dict[int, MeasureStatus]:
    unique = {m.pk: m for m in measures}
    if not unique:
        return {}
    statuses = measure_statuses(list(unique.values()), as_at=moment, recent=RECENT_VALUES)
    return {s.measure.pk: s for s in statuses}


def links_with_evidence(plan_ids) -> tuple[list[tuple[int, int]], set[int]]:
    """The links of the plans' actions now, and which of those actions have evidence of impact
    in any update: one query."""
    with_evidence = StatusUpdate.objects.filter(action=OuterRef("action_id")).exclude(
        evidence_of_impact=""
    )
    rows = (
        RecommendationAction.objects.filter(action__plan_id__in=list(plan_ids))
        .annotate(has_evidence=Exists(with_evidence))
        .values_list("recommendation_id", "action_id", "has_evidence")
    )
    links, evidence = [], set()
    for rec_id, action_id, has_evidence in rows:
        links.append((rec_id, action_id))
        if has_evidence:
            evidence.add(action_id)
    return links, evidence


def _progress(
    recommendations: list[Recommendation],
    links,
    moment: datetime | None,
    today: date | None = None,
    *,
    positions=None,
    statuses=None,
    evidence: set[int] | None = None,
    with_measures: bool = True,
) -> list[RecommendationProgress]:
    """``positions`` (Positions the caller already has, at the same moment), ``statuses``
    (MeasureStatuses by measure id, likewise) and ``evidence`` (the action ids with evidence of
    impact) save their queries; anything missing is read here. ``with_measures=False`` leaves
    the findings' measures out (two to four queries fewer)."""
    action_ids = {action_id for _, action_id in links}
    known = {p.action.pk: p for p in positions or []}
    missing = action_ids - set(known)
    if missing:
        known.update(positions_for(missing, moment, today))
    if evidence is None:
        evidence = evidence_action_ids(action_ids, moment) if action_ids else set()
    measures = {}
    if with_measures and recommendations:
        measures = measure_links([r.pk for r in recommendations])
    given = dict(statuses or {})
    wanted = [m for ms in measures.values() for m in ms if m.pk not in given]
    given.update(statuses_by_measure(wanted, moment))
    by_rec = defaultdict(list)
    for rec_id, action_id in links:
        if action_id in known:
            by_rec[rec_id].append(known[action_id])
    order = {pk: i for i, pk in enumerate(known)}
    result = []
    for rec in recommendations:
        mine = sorted(by_rec.get(rec.pk, []), key=lambda p: order[p.action.pk])
        result.append(
            RecommendationProgress(
                recommendation=rec,
                positions=mine,
                with_evidence={p.action.pk for p in mine} & evidence,
                measures=[given[m.pk] for m in measures.get(rec.pk, []) if m.pk in given],
            )
        )
    return result


def _recommendations(filters: Q, moment: datetime | None) -> list[Recommendation]:
    qs = Recommendation.objects.filter(filters)
    if moment is not None:
        qs = qs.filter(created_at__lte=moment)
    return list(
        Recommendation.objects.filter(pk__in=qs.values("pk"))
        .select_related("inspection", "inspection__organisation")
        .order_by("inspection__on_site_start", "inspection_id", "order", "kind", "number", "pk")
    )


# --- public -------------------------------------------------------------------------------------


def recommendation_progress(
    plan_ids, as_at=None, *, today=None, positions=None, statuses=None, with_measures=True
) -> list[RecommendationProgress]:
    """Progress per finding for the plans (a plan dashboard, a meeting pack): the findings of
    the inspections the plans respond to, and any other finding that an action of the plans
    answers; only the actions of these plans count. ``as_at`` is a date (its end, in London) or
    a moment; None means now.

    Eight queries now and thirteen as at a moment (pinned in the tests). A caller that has
    already read the plans' ``positions`` (``boards.asat`` Positions, at the same moment) and
    the ``statuses`` of their measures (MeasureStatus by measure id) passes them: four or five
    queries then (three now: the links with their evidence of impact, the findings, their
    measures); ``with_measures=False`` leaves the findings' measures out (two queries now)."""
    plan_ids = list(plan_ids)
    moment = moment_of(as_at)
    evidence = None
    if moment is None:
        links, evidence = links_with_evidence(plan_ids)
    else:
        links = links_as_at(moment, plan_ids=plan_ids)
    linked_recs = {rec_id for rec_id, _ in links}
    recs = _recommendations(Q(inspection__plans__in=plan_ids) | Q(pk__in=linked_recs), moment)
    return _progress(
        recs,
        links,
        moment,
        today,
        positions=positions,
        statuses=statuses,
        evidence=evidence,
        with_measures=with_measures,
    )


def recommendation_progress_rows(
    plan_ids, as_at=None, *, today=None, positions=None, statuses=None, with_measures=True
) -> list[dict]:
    """``recommendation_progress`` as plain, JSON-safe rows (``presentation.progress_row``): for
    ``inspections/_recommendation_progress.html`` and for a board pack's snapshot."""
    from inspections.presentation import progress_row

    rows = recommendation_progress(
        plan_ids,
        as_at,
        today=today,
        positions=positions,
        statuses=statuses,
        with_measures=with_measures,
    )
    return [progress_row(r) for r in rows]


def recommendation_progress_by_plan(
    plan_ids, as_at=None, *, today=None, positions=None, statuses=None, with_measures=True
) -> dict[int, list[dict]]:
    """``recommendation_progress_rows`` for each of several plans (a board's pack), in the same
    queries as for one, plus one: each plan's rows count only its own actions, and list the
    findings of the inspections it responds to and those its actions answer."""
    from inspections.presentation import progress_row

    plan_ids = list(plan_ids)
    progress = recommendation_progress(
        plan_ids,
        as_at,
        today=today,
        positions=positions,
        statuses=statuses,
        with_measures=with_measures,
    )
    responding = set(
        Inspection.plans.through.objects.filter(
            plan_id__in=plan_ids,
            inspection_id__in={r.recommendation.inspection_id for r in progress},
        ).values_list("inspection_id", "plan_id")
    )
    result: dict[int, list[dict]] = {pid: [] for pid in plan_ids}
    for pid in plan_ids:
        for row in progress:
            mine = [p for p in row.positions if p.action.plan_id == pid]
            if not mine and (row.recommendation.inspection_id, pid) not in responding:
                continue
            part = RecommendationProgress(
                recommendation=row.recommendation,
                positions=mine,
                with_evidence=row.with_evidence,
                measures=row.measures,
            )
            result[pid].append(progress_row(part))
    return result


def inspection_progress(inspection: Inspection, as_at=None, *, today=None):
    """Progress per finding of one inspection, counting the actions of every plan."""
    moment = moment_of(as_at)
    recs = _recommendations(Q(inspection=inspection), moment)
    links = links_as_at(moment, recommendation_ids=[r.pk for r in recs])
    return _progress(recs, links, moment, today)


def finding_progress(recommendation: Recommendation) -> RecommendationProgress:
    """Progress on one finding now, counting the actions of every plan."""
    links = links_as_at(None, recommendation_ids=[recommendation.pk])
    return _progress([recommendation], links, None)[0]


def inspections_for_listing(queryset):
    return queryset.select_related("organisation", "follows").prefetch_related("deadlines")


def deadline_rows(deadlines, today: date | None = None) -> list[dict]:
    """Each deadline with its due date, the working and calendar days left, whether it is met,
    overdue or overridden (no queries: the inspection must come with each deadline)."""
    today = today or timezone.localdate()
    rows = []
    for d in deadlines:
        due = d.due
        left = d.working_days_left(today)
        rows.append(
            {
                "deadline": d,
                "due": due,
                "computed_due": d.computed_due,
                "working_days_left": left,
                "calendar_days_left": d.calendar_days_left(today),
                "overdue": due is not None and d.met_on is None and due < today,
                "met": d.met_on is not None,
                "late": d.met_on is not None and due is not None and d.met_on > due,
                "basis_date": d.basis_date,
            }
        )
    return rows


@dataclass
class VisitHistory:
    """For one finding: what each earlier visit said, newest first."""

    recommendation: Recommendation
    said: list = field(default_factory=list)  # VisitFinding, newest visit first

    @property
    def last(self):
        return self.said[0] if self.said else None


def visit_history(recommendations, before: Inspection | None = None) -> dict[int, VisitHistory]:
    """What monitoring visits (or reviews) said about each finding, newest first; with
    ``before``, only visits earlier than that one (what was said last time). One query."""
    from inspections.models import VisitFinding

    qs = VisitFinding.objects.filter(
        recommendation_id__in=[r.pk for r in recommendations]
    ).select_related("visit")
    if before is not None:
        qs = qs.exclude(visit=before)
        if before.date is not None:
            qs = qs.filter(
                Q(visit__on_site_end__lt=before.date)
                | Q(visit__on_site_end__isnull=True, visit__on_site_start__lt=before.date)
            )
    result = {r.pk: VisitHistory(recommendation=r) for r in recommendations}
    for vf in qs.order_by("-visit__on_site_end", "-visit__on_site_start", "-visit_id"):
        result[vf.recommendation_id].said.append(vf)
    return result


def rating_changes_since(progress: list[RecommendationProgress], since: datetime):
    """For each finding (by id), its actions whose rating changed since a moment (the previous
    visit): (position now, rating then). Four queries."""
    action_ids = {p.action.pk for row in progress for p in row.positions}
    if not action_ids:
        return {}
    before = positions_for(action_ids, since)
    result = {}
    for row in progress:
        changed = []
        for p in row.positions:
            then = before.get(p.action.pk)
            then_rating = then.rating if then is not None else None
            if then_rating != p.rating:
                changed.append((p, then_rating))
        result[row.recommendation.pk] = changed
    return result


# --- readiness ----------------------------------------------------------------------------------


@dataclass
class Readiness:
    """What an inspector would challenge first in a plan."""

    red_or_overdue: list[Position]
    complete_without_evidence: list[Position]
    measures: list[MeasureStatus]  # off target or worsening, the worst first
    without_actions: list[Recommendation]
    progress: list[RecommendationProgress]

    @property
    def total(self) -> int:
        return (
            len(self.red_or_overdue)
            + len(self.complete_without_evidence)
            + len(self.measures)
            + len(self.without_actions)
        )


def readiness(plan, *, today: date | None = None) -> Readiness:
    """Red or overdue actions, actions marked complete without evidence of impact, measures off
    target or worsening, and findings with no action of this plan answering them."""
    today = today or timezone.localdate()
    positions = current_positions([plan.pk], today=today)
    ids = [p.action.pk for p in positions]
    evidence = evidence_action_ids(ids, None) if ids else set()
    red_or_overdue = sorted(
        (p for p in positions if p.rating == Rating.RED or p.overdue),
        key=lambda p: (SEVERITY[Rating(p.rating)], p.timescale_due or date.max),
    )
    complete_without = [
        p for p in positions if p.rating == Rating.COMPLETE and p.action.pk not in evidence
    ]
    measures = list(Measure.objects.filter(plans=plan).order_by("code"))
    statuses = measure_statuses(measures, recent=RECENT_VALUES) if measures else []
    flagged = [s for s in statuses if s.rag == RED or s.direction == WORSENING]
    flagged.sort(key=lambda s: (not (s.rag == RED and s.direction == WORSENING), s.rag != RED))
    progress = recommendation_progress(
        [plan.pk], today=today, positions=positions, statuses={s.measure.pk: s for s in statuses}
    )
    return Readiness(
        red_or_overdue=red_or_overdue,
        complete_without_evidence=complete_without,
        measures=flagged,
        without_actions=[row.recommendation for row in progress if not row.has_actions],
        progress=progress,
    )
