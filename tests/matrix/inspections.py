"""Matrix entries for the inspection pages. Reading follows the plans (board members see the
inspections of the plans their boards oversee; the demo's focused visit is answered by the Good
and Beyond Board's plan); self-evaluations are read by those who read every plan. Recording an
inspection (the admin), linking actions from a finding's side, overriding a deadline and the
evidence pack are for administrators; an officer links the findings of the actions they lead
(jane.smith leads ``objs.action``)."""

from tests.matrix import NOT_ALLOWED_METHOD, Entry, statuses

ADMIN_ONLY = statuses(403, administrator=200)
ADMIN_ONLY_POST = statuses(403, administrator=302)
LEAD_OR_ADMIN = statuses(403, officer=200, administrator=200)
LEAD_OR_ADMIN_POST = statuses(403, officer=302, administrator=302)
# A signed-in account with no role (the actor issue 18 added) reads no plan, so no inspection.
WITH_A_ROLE = statuses(200, no_role=403)
NOT_BOARD_MEMBERS = statuses(200, board_member=403, no_role=403)


def visit(o):
    """The demo's focused visit (by its plan: the XSS sweep overwrites titles)."""
    from inspections.models import Inspection

    return Inspection.objects.filter(follows__isnull=True, plans=o["plan"]).order_by("pk").first()


def finding(o):
    return {"pk": visit(o).recommendations.order_by("order").first().pk}


def deadline(o):
    return {"pk": visit(o).deadlines.first().pk}


def self_evaluation(o):
    from inspections.models import SelfEvaluation

    return {"pk": SelfEvaluation.objects.order_by("pk").first().pk}


MATRIX = [
    Entry("inspections:list", get=WITH_A_ROLE),
    Entry("inspections:detail", kwargs=lambda o: {"pk": visit(o).pk}, get=WITH_A_ROLE),
    Entry(
        "inspections:detail",
        kwargs=lambda o: {"pk": visit(o).follow_ups.get().pk},
        get=WITH_A_ROLE,
        label="follow-up visit",
    ),
    Entry("inspections:recommendation", kwargs=finding, get=WITH_A_ROLE),
    Entry(
        "inspections:recommendation_actions",
        kwargs=finding,
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_POST,
    ),
    Entry(
        "inspections:action_recommendations",
        kwargs=lambda o: {"pk": o["action"].pk},
        get=LEAD_OR_ADMIN,
        post=LEAD_OR_ADMIN_POST,
    ),
    Entry(
        "inspections:deadline_override",
        kwargs=deadline,
        get=ADMIN_ONLY,
        post=ADMIN_ONLY,  # an empty form is re-shown with its errors
    ),
    Entry(
        "inspections:evidence_pack",
        kwargs=lambda o: {"pk": visit(o).pk},
        get=ADMIN_ONLY,
        post=NOT_ALLOWED_METHOD,
    ),
    Entry("inspections:readiness", kwargs=lambda o: {"slug": o["plan"].slug}, get=WITH_A_ROLE),
    Entry(
        "inspections:readiness",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=NOT_BOARD_MEMBERS,
        label="other plan",
    ),
    Entry("inspections:self_evaluations", get=NOT_BOARD_MEMBERS),
    Entry("inspections:self_evaluation", kwargs=self_evaluation, get=NOT_BOARD_MEMBERS),
    Entry("inspections:self_evaluation_pdf", kwargs=self_evaluation, get=NOT_BOARD_MEMBERS),
]
