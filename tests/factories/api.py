"""Builders for the API tests: keys, and a world of two councils with plans, structure, actions,
updates, measures, boards, meetings and inspections, of any size."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from actions.models import Action, ReportingPeriod, StatusUpdate, Tag
from actions.services import status_update_record
from api.keys import api_key_create
from api.models import ApiKey
from boards.models import Board, Meeting
from core.models import Organisation
from inspections.models import (
    Deadline,
    Inspection,
    Judgement,
    Recommendation,
    RecommendationAction,
    VisitFinding,
)
from measures.models import Comparator, Measure, MeasureValue, PopulationEstimate, Target
from plans.models import Plan
from priorities.models import Objective, Outcome, Priority
from tests import factories
from tests.factories import inspections as inspections_f


def api_key(*, organisations=(), plans=(), access=ApiKey.Access.READ, **kw) -> tuple[ApiKey, str]:
    kw.setdefault("name", "Test key")
    creator = kw.pop("created_by", None) or factories.admin_user()
    return api_key_create(
        created_by=creator, organisations=organisations, plans=plans, access=access, **kw
    )


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@dataclass
class Council:
    organisation: Organisation
    plans: list[Plan] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    boards: list[Board] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)


def council(name: str, *, plans: int = 2, actions: int = 3, measures: int = 2) -> Council:
    """A council with ``plans`` plans, each with a priority, an outcome, an objective, a
    reporting period and ``actions`` actions (tagged, each rated), ``measures`` measures per plan
    (values, a target and a comparator), a board overseeing the plans with two meetings, and
    inspections (see ``_inspections``)."""
    org = factories.organisation(name=name)
    result = Council(org)
    tag, _ = Tag.objects.get_or_create(name=f"{name} tag")
    population, _ = PopulationEstimate.objects.get_or_create(
        area=name, year=2023, age_band="0-17", defaults={"count": 32180}
    )
    for p in range(plans):
        plan = factories.plan(organisation=org, title=f"{name} plan {p + 1}")
        priority = factories.priority(plan)
        outcome = factories.outcome(priority)
        objective = Objective.objects.create(
            priority=priority, outcome=outcome, number=f"{outcome.number}.a", title="Objective"
        )
        period = factories.period(plan)
        for a in range(actions):
            action = factories.action(
                priority,
                outcome=outcome,
                objective=objective,
                timescale_text="March 2024" if a % 2 else "Ongoing",
            )
            action.tags.add(tag)
            status_update_record(
                action=action,
                lifecycle="in_progress",
                confidence=("red", "amber", "green")[a % 3],
                commentary=f"Update {a}",
                period=period,
                author_name="Jane Smith",
            )
        for m in range(measures):
            unit = Measure.Unit.RATE_PER_10000 if m % 2 else Measure.Unit.COUNT
            measure = factories.measure(organisation=org, unit=unit)
            measure.plans.add(plan)
            for year in (2021, 2022):
                MeasureValue.objects.create(
                    measure=measure,
                    period_start=date(year, 4, 1),
                    period_end=date(year + 1, 3, 31),
                    label=f"{year}/{str(year + 1)[2:]}",
                    value=Decimal(454) if unit == Measure.Unit.COUNT else None,
                    numerator=Decimal(454) if unit != Measure.Unit.COUNT else None,
                    population=population if unit != Measure.Unit.COUNT else None,
                )
            Target.objects.create(
                measure=measure,
                period_start=date(2022, 4, 1),
                period_end=date(2023, 3, 31),
                label="2022/23",
                value=Decimal(400),
            )
            Comparator.objects.create(
                measure=measure,
                kind=Comparator.Kind.ENGLAND,
                period_start=date(2022, 4, 1),
                period_end=date(2023, 3, 31),
                label="2022/23",
                value=Decimal("70.2"),
            )
            result.measures.append(measure)
        result.plans.append(plan)
    board = factories.board(organisation=org, name=f"{name} Improvement Board")
    board.plans.add(*result.plans)
    today = timezone.localdate()
    for days in (-30, 30):
        Meeting.objects.create(board=board, date=today + timedelta(days=days))
    result.boards.append(board)
    result.inspections = _inspections(result, findings=max(2, actions // 2))
    return result


def _inspections(council_obj: Council, *, findings: int) -> list[Inspection]:
    """An inspection the plans respond to (judgements, ``findings`` findings each answered by
    the first action of every plan and shown by the first measure, a deadline), a monitoring
    visit of the first plan only that says something about every finding, and an inspection of
    the council that no plan responds to (seen by the council's keys, not by a plan's)."""
    org, plans = council_obj.organisation, council_obj.plans
    inspection = inspections_f.inspection(org, plans=plans, findings=findings)
    Judgement.objects.create(inspection=inspection, area=Judgement.Area.OVERALL, grade="inadequate")
    Judgement.objects.create(
        inspection=inspection, area=Judgement.Area.OTHER, other_area="Leadership", grade="good"
    )
    Deadline.objects.create(
        inspection=inspection, kind=Deadline.Kind.ACTION_PLAN, working_days=70, source="Reg. 4"
    )
    first_actions = [plan.actions.order_by("pk").first() for plan in plans]
    for finding in inspection.recommendations.all():
        for action in first_actions:
            if action is not None:
                RecommendationAction.objects.create(recommendation=finding, action=action)
        finding.measures.add(*council_obj.measures[:1])
    visit = inspections_f.inspection(
        org,
        plans=plans[:1],
        kind=Inspection.Kind.MONITORING,
        title="Monitoring visit",
        follows=inspection,
        on_site_start=date(2022, 9, 6),
        on_site_end=date(2022, 9, 7),
        report_received=None,
    )
    for finding in inspection.recommendations.all():
        VisitFinding.objects.create(
            visit=visit, recommendation=finding, progress=VisitFinding.Progress.SOME, said="Some."
        )
    review = inspections_f.inspection(
        org, kind=Inspection.Kind.REVIEW, title="Peer review", findings=1
    )
    return [inspection, visit, review]


def rows_for(plan_ids, measure_ids, board_ids, inspection_ids) -> dict[str, set[int]]:
    """The ids each table should give a caller who sees these plans, measures, boards and
    inspections, found straight from the models (not through the API's scope)."""
    plans = Plan.objects.filter(pk__in=plan_ids)
    findings = Recommendation.objects.filter(inspection_id__in=inspection_ids)

    def ids(queryset):
        return set(queryset.values_list("pk", flat=True))

    return {
        "organisations": ids(Organisation.objects.filter(plans__in=plans)),
        "plans": ids(plans),
        "priorities": ids(Priority.objects.filter(plan__in=plans)),
        "outcomes": ids(Outcome.objects.filter(priority__plan__in=plans)),
        "objectives": ids(Objective.objects.filter(priority__plan__in=plans)),
        "reporting-periods": ids(ReportingPeriod.objects.filter(plan__in=plans)),
        # Shared reference data, but one a council's values use is that council's (ADR 0012).
        "population-estimates": ids(
            PopulationEstimate.objects.filter(values__measure_id__in=measure_ids)
        )
        | ids(PopulationEstimate.objects.filter(values__isnull=True)),
        "actions": ids(Action.objects.filter(plan__in=plans)),
        "status-updates": ids(StatusUpdate.objects.approved().filter(action__plan__in=plans)),
        "action-tags": ids(Action.tags.through.objects.filter(action__plan__in=plans)),
        "measures": set(measure_ids),
        "measure-plans": ids(
            Measure.plans.through.objects.filter(measure_id__in=measure_ids, plan__in=plans)
        ),
        "measure-values": ids(MeasureValue.objects.filter(measure_id__in=measure_ids)),
        "targets": ids(Target.objects.filter(measure_id__in=measure_ids)),
        "comparators": ids(Comparator.objects.filter(measure_id__in=measure_ids)),
        "boards": set(board_ids),
        "board-plans": ids(
            Board.plans.through.objects.filter(board_id__in=board_ids, plan__in=plans)
        ),
        "meetings": ids(Meeting.objects.filter(board_id__in=board_ids)),
        "inspections": set(inspection_ids),
        "inspection-plans": ids(
            Inspection.plans.through.objects.filter(
                inspection_id__in=inspection_ids, plan__in=plans
            )
        ),
        "judgements": ids(Judgement.objects.filter(inspection_id__in=inspection_ids)),
        "recommendations": ids(findings),
        "recommendation-actions": ids(
            RecommendationAction.objects.filter(recommendation__in=findings, action__plan__in=plans)
        ),
        "recommendation-measures": ids(
            Recommendation.measures.through.objects.filter(
                recommendation__in=findings, measure_id__in=measure_ids
            )
        ),
        "visit-findings": ids(
            VisitFinding.objects.filter(visit_id__in=inspection_ids, recommendation__in=findings)
        ),
        "deadlines": ids(Deadline.objects.filter(inspection_id__in=inspection_ids)),
    }
