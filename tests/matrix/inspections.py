"""Matrix entries for the inspection pages. Reading follows the plans and the organisations
(ADR 0012): board members, a partner agency's member included, see the inspections of the plans
their boards oversee (the demo's focused visit is answered by the Good and Beyond Board's plan);
self-evaluations are read by those who read their organisation's plans. Recording an inspection
(the admin), linking actions from a finding's side, overriding a deadline and the evidence pack
are for the inspection's organisation's administrators (and the superuser); an officer links the
findings of the actions they lead (jane.smith leads ``objs.action``). Council B's inspection,
finding, deadline, evidence pack and self-evaluation (``tests.matrix.records``) are refused to
every council-A actor, and council A's to council B's officer."""

from tests.matrix import (
    BOARD_SCOPED,
    COUNCIL_B_ONLY,
    OTHER_PLAN,
    Entry,
    no_other_council,
    statuses,
)

ADMIN_ONLY = statuses(403, administrator=200, superuser=200)
ADMIN_ONLY_POST = statuses(403, administrator=302, superuser=302)
LEAD_OR_ADMIN = statuses(403, officer=200, administrator=200, superuser=200)
LEAD_OR_ADMIN_POST = statuses(403, officer=302, administrator=302, superuser=302)
# Self-evaluations: not for board members; another council's is not there at all.
NOT_BOARD_MEMBERS = statuses(200, board_member=403, partner=403)
OWN_SELF_EVALUATION = statuses(200, board_member=403, partner=403, b_officer=404)
B_SELF_EVALUATION = statuses(404, board_member=403, partner=403, superuser=200, b_officer=200)
OWN_SELF_EVALUATION_POST = statuses(302, board_member=403, partner=403, b_officer=404)
B_SELF_EVALUATION_POST = statuses(404, board_member=403, partner=403, superuser=302, b_officer=302)
B_ADMIN_ONLY = statuses(403, superuser=200)
B_ADMIN_ONLY_POST = statuses(403, superuser=302)


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

    return {
        "pk": SelfEvaluation.objects.filter(organisation=o["plan"].organisation)
        .order_by("pk")
        .first()
        .pk
    }


EVIDENCE_PACK_DATE = lambda o: {"as_at": "01/01/2024"}  # noqa: E731

MATRIX = [
    Entry("inspections:list", check=no_other_council),
    Entry("inspections:detail", kwargs=lambda o: {"pk": visit(o).pk}, get=BOARD_SCOPED),
    Entry(
        "inspections:detail",
        kwargs=lambda o: {"pk": visit(o).follow_ups.get().pk},
        get=BOARD_SCOPED,
        label="follow-up visit",
    ),
    Entry("inspections:recommendation", kwargs=finding, get=BOARD_SCOPED),
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
        post=ADMIN_ONLY_POST,  # starts the job and goes to its page (issue 16)
        post_data=EVIDENCE_PACK_DATE,
    ),
    Entry("inspections:readiness", kwargs=lambda o: {"slug": o["plan"].slug}, get=BOARD_SCOPED),
    Entry(
        "inspections:readiness",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry("inspections:self_evaluations", get=NOT_BOARD_MEMBERS, check=no_other_council),
    Entry("inspections:self_evaluation", kwargs=self_evaluation, get=OWN_SELF_EVALUATION),
    Entry(
        "inspections:self_evaluation_pdf",
        kwargs=self_evaluation,
        get=OWN_SELF_EVALUATION,  # the page offering to prepare the PDF
        post=OWN_SELF_EVALUATION_POST,  # starts the job and goes to its page (issue 16)
    ),
]

# Council B's records, by id and by slug: refused to every council-A actor.
MATRIX += [
    Entry(
        "inspections:detail",
        kwargs=lambda o: {"pk": o["b_inspection"].pk},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry(
        "inspections:recommendation",
        kwargs=lambda o: {"pk": o["b_finding"].pk},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry(
        "inspections:recommendation_actions",
        kwargs=lambda o: {"pk": o["b_finding"].pk},
        get=B_ADMIN_ONLY,
        post=B_ADMIN_ONLY_POST,
        label="council B",
    ),
    Entry(
        "inspections:action_recommendations",
        kwargs=lambda o: {"pk": o["b_action"].pk},
        get=B_ADMIN_ONLY,  # middlesbrough.officer does not lead it
        post=B_ADMIN_ONLY_POST,
        label="council B",
    ),
    Entry(
        "inspections:deadline_override",
        kwargs=lambda o: {"pk": o["b_deadline"].pk},
        get=B_ADMIN_ONLY,
        post=B_ADMIN_ONLY,
        label="council B",
    ),
    Entry(
        "inspections:evidence_pack",
        kwargs=lambda o: {"pk": o["b_inspection"].pk},
        get=B_ADMIN_ONLY,
        post=B_ADMIN_ONLY_POST,
        post_data=EVIDENCE_PACK_DATE,
        label="council B",
    ),
    Entry(
        "inspections:readiness",
        kwargs=lambda o: {"slug": o["b_plan"].slug},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry(
        "inspections:self_evaluation",
        kwargs=lambda o: {"pk": o["b_self_evaluation"].pk},
        get=B_SELF_EVALUATION,
        label="council B",
    ),
    Entry(
        "inspections:self_evaluation_pdf",
        kwargs=lambda o: {"pk": o["b_self_evaluation"].pk},
        get=B_SELF_EVALUATION,
        post=B_SELF_EVALUATION_POST,
        label="council B",
    ),
]
