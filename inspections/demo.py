"""The inspection cycle around the Stockton Improvement Plan, for the demo.

From seed 002 (the plan, draft April 2023): the Good and Beyond Board was set up after "the
focused visit of our front door arrangements in September 2022"; four of the plan's actions are
tagged "Ofsted Improvement Action 1" to "4"; one action mentions a "DfE adviser review – June
23". Everything else here is illustrative and marked so (``illustrative`` fields, shown on every
page): the exact dates, the wording of the four findings (the plan gives their numbers, not their
text), the deadline and when it was met, what the June 2023 review said, which measures are
linked, and the self-evaluation.

Idempotent: nothing is created when the focused visit is already there."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from core.models import Organisation
from inspections.models import (
    Deadline,
    Evidence,
    Inspection,
    Recommendation,
    RecommendationAction,
    SelfEvaluation,
    VisitFinding,
)
from measures.models import Measure
from plans.models import Plan

ORGANISATION = "Stockton-on-Tees Borough Council"
PLAN = "stockton-improvement-plan-2023"
TITLE = "Focused visit: front door arrangements"

VISIT_NOTE = (
    "From the plan (seed 002): a focused visit of the front door arrangements in September 2022, "
    "after which the Good and Beyond Board was set up, and four findings the plan calls "
    "'Ofsted Improvement Action 1' to '4'. Illustrative: the exact dates, the findings' "
    "wording, the deadline and the measures linked to each finding."
)
REVIEW_NOTE = (
    "From the plan (seed 002): a 'DfE adviser review – June 23'. Illustrative: its date and "
    "everything it is shown to have said."
)

# The numbers are the plan's; the words are ours, written from the actions the plan tags with
# each number (marked illustrative wherever they are shown).
FINDINGS = {
    "1": "Make practice consistently good through clear practice standards for assessments, "
    "plans, case recording, visits, direct work and management oversight.",
    "2": "Make sure there are enough good-quality placements for children in care, with work "
    "on the edge of care and on children returning home.",
    "3": "Make sure team managers give consistent management oversight and every worker has "
    "regular, reflective supervision.",
    "4": "Improve the help given to care leavers and make sure children's views shape services "
    "across the directorate.",
}
MEASURES = {"1": ["CSS-02"], "2": ["CSS-01"], "4": ["CSS-09"]}
REVIEW_FINDINGS = {
    "3": (
        VisitFinding.Progress.SOME,
        "Supervision is more regular; its quality and the recording of management oversight "
        "are still inconsistent.",
    ),
    "4": (
        VisitFinding.Progress.INSUFFICIENT,
        "The review of work with care leavers has started; care leavers do not yet see a "
        "difference.",
    ),
}


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


@transaction.atomic
def load_demo_inspections() -> Inspection | None:
    organisation = Organisation.objects.filter(name=ORGANISATION).first()
    plan = Plan.objects.filter(slug=PLAN).first()
    if organisation is None or plan is None:
        return None
    if Inspection.objects.filter(organisation=organisation, title=TITLE).exists():
        return None
    visit = Inspection.objects.create(
        organisation=organisation,
        kind=Inspection.Kind.FOCUSED,
        title=TITLE,
        inspectorate="Ofsted",
        on_site_start=date(2022, 9, 13),
        on_site_end=date(2022, 9, 14),
        report_received=date(2022, 10, 17),
        published=date(2022, 10, 24),
        summary="Illustrative summary: the visit looked at the front door (contacts, referrals "
        "and the first response to children who may need help or protection).",
        action_tag_prefix="Ofsted Improvement Action",
        illustrative=True,
        illustrative_note=VISIT_NOTE,
    )
    visit.plans.add(plan)
    recommendations = {}
    for order, (number, text) in enumerate(FINDINGS.items(), start=1):
        recommendations[number] = Recommendation.objects.create(
            inspection=visit,
            kind=Recommendation.Kind.RECOMMENDATION,
            number=number,
            text=text,
            order=order,
            illustrative=True,
            created_at=_moment(visit.report_received),
        )
    for number, codes in MEASURES.items():
        recommendations[number].measures.set(Measure.objects.filter(code__in=codes))
    deadline = Deadline.objects.create(
        inspection=visit,
        kind=Deadline.Kind.ACTION_PLAN,
        label="Improvement plan answering the findings (illustrative)",
        working_days=70,
        source="Illustrative: the demo counts 70 working days from the letter, as Ofsted asks "
        "after an inspection.",
    )
    deadline.met_on = deadline.computed_due  # illustrative
    deadline.save(update_fields=["met_on"])
    # Actions answer the finding their tag names ("Ofsted Improvement Action 3" answers 3), from
    # the plan's first draft (April 2023): packs as at earlier dates show no links.
    linked_on = _moment(date(2023, 4, 3))
    for action in plan.actions.prefetch_related("tags").order_by("pk"):
        for tag in action.tags.all():
            number = tag.name.rsplit(" ", 1)[-1]
            if tag.name.startswith(visit.action_tag_prefix) and number in recommendations:
                link = RecommendationAction(
                    recommendation=recommendations[number], action=action, created_at=linked_on
                )
                link._history_date = linked_on
                link.save()

    review = Inspection.objects.create(
        organisation=organisation,
        kind=Inspection.Kind.REVIEW,
        title="DfE adviser review",
        inspectorate="Department for Education",
        on_site_start=date(2023, 6, 20),
        on_site_end=date(2023, 6, 20),
        follows=visit,
        illustrative=True,
        illustrative_note=REVIEW_NOTE,
    )
    review.plans.add(plan)
    for number, (progress, said) in REVIEW_FINDINGS.items():
        VisitFinding.objects.create(
            visit=review,
            recommendation=recommendations[number],
            progress=progress,
            said=said,
            illustrative=True,
        )

    sef = SelfEvaluation.objects.create(
        organisation=organisation,
        year="2023/24",
        illustrative=True,
        know="Illustrative. Our own self-evaluation, and the focused visit of September 2022, "
        "tell us that change is needed: the quality of practice is not yet consistently good, "
        "the workforce is not stable enough, and our systems do not yet give managers the "
        "information they need.",
        how_know="Illustrative. Collaborative and themed audits, performance information, "
        "feedback from children, families and staff, and the findings of the focused visit.",
        plans_text="Illustrative. The Improvement Plan (draft April 2023) under four themes: our "
        "people, our practice, our processes and our partnerships, overseen monthly by the Good "
        "and Beyond Board.",
    )
    sef.actions.set(plan.actions.filter(recommendation_links__isnull=False).distinct())
    sef.measures.set(Measure.objects.filter(code__in=["CSS-01", "CSS-02"]))
    Evidence.objects.create(
        self_evaluation=sef, title="Improvement Plan, draft April 2023", order=1
    )
    sef.status = SelfEvaluation.Status.SHARED
    sef._change_reason = "Shared with the inspectorate (illustrative)"
    sef.save()
    return visit
