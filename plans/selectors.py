"""Reads for plan pages: each returns everything a page shows in a fixed number of queries."""

from collections import Counter, defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from actions.legend import legend_for
from actions.models import Action, ActionLink, StatusUpdate, SubAction
from actions.rag import Rating, worst
from priorities.models import Objective, Outcome, PlanStatement, Priority

from .models import Board, IssuedPack, Meeting, Plan


def plans_for_listing():
    rating_counts = {
        f"n_{r.value}": Count("actions", filter=Q(actions__rating=r.value)) for r in Rating
    }
    return (
        Plan.objects.select_related("organisation")
        .annotate(n_actions=Count("actions"), **rating_counts)
        .order_by("organisation__name", "-start", "title")
    )


def plan_document(plan: Plan) -> dict:
    """The whole plan as councils print it: priority, outcome, objective, actions."""
    priorities = list(
        Priority.objects.filter(plan=plan)
        .select_related("lead")
        .prefetch_related("key_issues")
        .order_by("order", "pk")
    )
    outcomes = list(Outcome.objects.filter(priority__plan=plan).order_by("order", "pk"))
    objectives = list(Objective.objects.filter(priority__plan=plan).order_by("order", "pk"))
    latest = StatusUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("lead")
        .prefetch_related(
            "tags",
            Prefetch("links", queryset=ActionLink.objects.order_by("order", "pk")),
            Prefetch("sub_actions", queryset=SubAction.objects.order_by("order", "pk")),
        )
        .annotate(latest_update_id=Subquery(latest.values("pk")[:1]))
        .order_by("sequence", "pk")
    )
    # The current rating comes with its latest commentary (one query for all of them).
    update_ids = [a.latest_update_id for a in actions if a.latest_update_id]
    updates = StatusUpdate.objects.in_bulk(update_ids) if update_ids else {}
    for action in actions:
        action.latest_update = updates.get(action.latest_update_id)
    statements = list(PlanStatement.objects.filter(plan=plan).order_by("kind", "order", "pk"))
    by_parent = defaultdict(list)
    for action in actions:
        key = (
            ("objective", action.objective_id)
            if action.objective_id
            else (
                ("outcome", action.outcome_id)
                if action.outcome_id
                else ("priority", action.priority_id)
            )
        )
        by_parent[key].append(action)
    objectives_by_outcome = defaultdict(list)
    objectives_by_priority = defaultdict(list)
    for objective in objectives:
        if objective.outcome_id:
            objectives_by_outcome[objective.outcome_id].append(objective)
        else:
            objectives_by_priority[objective.priority_id].append(objective)
    outcomes_by_priority = defaultdict(list)
    for outcome in outcomes:
        outcomes_by_priority[outcome.priority_id].append(outcome)
    statements_by_priority = defaultdict(list)
    plan_statements = defaultdict(list)
    for s in statements:
        if s.priority_id:
            statements_by_priority[s.priority_id].append(s)
        else:
            plan_statements[s.get_kind_display()].append(s)

    tree = []
    for priority in priorities:
        own_actions = by_parent[("priority", priority.pk)]
        priority_actions = [a for a in actions if a.priority_id == priority.pk]
        counts = Counter(a.rating for a in priority_actions)
        tree.append(
            {
                "priority": priority,
                "statements": statements_by_priority[priority.pk],
                "actions": own_actions,
                "objectives": [
                    {"objective": o, "actions": by_parent[("objective", o.pk)]}
                    for o in objectives_by_priority[priority.pk]
                ],
                "outcomes": [
                    {
                        "outcome": oc,
                        "actions": by_parent[("outcome", oc.pk)],
                        "objectives": [
                            {"objective": o, "actions": by_parent[("objective", o.pk)]}
                            for o in objectives_by_outcome[oc.pk]
                        ],
                    }
                    for oc in outcomes_by_priority[priority.pk]
                ],
                "rollup": [(Rating(r), counts.get(r.value, 0)) for r in Rating],
                "worst": worst(a.rating for a in priority_actions),
                "n_actions": len(priority_actions),
            }
        )
    return {
        "tree": tree,
        "n_actions": len(actions),
        "plan_statements": dict(plan_statements),
        "legend": legend_for(plan.organisation, plan.organisation.rag_definitions.all()),
    }


def boards_for_listing():
    return Board.objects.select_related("organisation").annotate(
        n_plans=Count("plans", distinct=True), n_meetings=Count("meetings", distinct=True)
    )


def board_detail(board: Board) -> dict:
    """Members, plans overseen and meetings (with whether each pack has been issued)."""
    meetings = list(
        Meeting.objects.filter(board=board)
        .annotate(issued=Exists(IssuedPack.objects.filter(meeting=OuterRef("pk"))))
        .order_by("date")
    )
    today = timezone.localdate()
    return {
        "memberships": list(
            board.memberships.select_related("person", "person__organisation").order_by(
                "role", "person__name"
            )
        ),
        "plans": list(board.plans.select_related("organisation").order_by("title")),
        "meetings": meetings,
        "next_meeting": next((m for m in meetings if m.date >= today), None),
        "today": today,
    }
