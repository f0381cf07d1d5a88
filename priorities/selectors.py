"""Reads of a plan's structure: its priorities, outcomes, objectives and statements, the tree
they make (with the actions placed where they sit), and its key issues.

Actions live above this app: ``PlanStructure.tree`` takes them as given (anything with
``priority_id``, ``outcome_id``, ``objective_id`` and ``rating``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import BigIntegerField, QuerySet, TextField, Value

from core.queries import loaded, union_branch
from core.rag import Rating, worst
from plans.models import Plan
from priorities.models import KeyIssue, Objective, Outcome, PlanStatement, Priority


class Placed(Protocol):
    """An action as the tree places it."""

    priority_id: int
    outcome_id: int | None
    objective_id: int | None
    rating: str


def outcomes_and_objectives(plan: Plan) -> tuple[list[Outcome], list[Objective]]:
    """The plan's outcomes and objectives, each in ("order", pk) order, in one query: a UNION ALL
    of the two tables (they share their columns but for an outcome's description and an
    objective's outcome), read back into model instances with every field loaded."""
    shared = {"pk": "pk", "priority": "priority_id", "number": "number", "order": "order"}
    outcomes = union_branch(
        Outcome.objects.filter(priority__plan=plan),
        kind=Value("outcome"),
        **shared,
        title="title",
        outcome=Value(None, output_field=BigIntegerField()),
        description="description",
    )
    objectives = union_branch(
        Objective.objects.filter(priority__plan=plan),
        kind=Value("objective"),
        **shared,
        title="title",
        outcome="outcome_id",
        description=Value("", output_field=TextField()),
    )
    found: dict[str, list] = {"outcome": [], "objective": []}
    rows = outcomes.union(objectives, all=True).order_by("row_order", "row_pk")
    for kind, pk, priority_id, number, order, title, outcome_id, description in rows:
        values = {"id": pk, "priority_id": priority_id, "number": number, "order": order}
        values["title"] = title
        if kind == "outcome":
            found[kind].append(loaded(Outcome, rows.db, {**values, "description": description}))
        else:
            found[kind].append(loaded(Objective, rows.db, {**values, "outcome_id": outcome_id}))
    return found["outcome"], found["objective"]


@dataclass
class PlanStructure:
    """A plan's priorities (with their leads), outcomes, objectives and statements, in order."""

    priorities: list[Priority]
    outcomes: list[Outcome]
    objectives: list[Objective]
    statements: list[PlanStatement]

    def plan_statements(self) -> dict[str, list[PlanStatement]]:
        """The statements of the whole plan (not of one priority), by the name of their kind."""
        found = defaultdict(list)
        for s in self.statements:
            if not s.priority_id:
                found[s.get_kind_display()].append(s)
        return dict(found)

    def tree(self, actions: Sequence[Placed]) -> list[dict]:
        """Priority by priority: its statements, its own actions, its objectives (with their
        actions), its outcomes (with their actions and objectives) and the roll-up of all its
        actions by rating (with the worst)."""
        placed = _by_parent(actions)
        objectives_of = _group(self.objectives, _objective_parent)
        outcomes_of = _group(self.outcomes, lambda o: o.priority_id)
        statements_of = _group(
            (s for s in self.statements if s.priority_id), lambda s: s.priority_id
        )

        def objective_nodes(parent: tuple[str, int]) -> list[dict]:
            return [
                {"objective": o, "actions": placed[("objective", o.pk)]}
                for o in objectives_of[parent]
            ]

        tree = []
        for priority in self.priorities:
            every = [a for a in actions if a.priority_id == priority.pk]
            counts = Counter(a.rating for a in every)
            tree.append(
                {
                    "priority": priority,
                    "statements": statements_of[priority.pk],
                    "actions": placed[("priority", priority.pk)],
                    "objectives": objective_nodes(("priority", priority.pk)),
                    "outcomes": [
                        {
                            "outcome": oc,
                            "actions": placed[("outcome", oc.pk)],
                            "objectives": objective_nodes(("outcome", oc.pk)),
                        }
                        for oc in outcomes_of[priority.pk]
                    ],
                    "rollup": [(Rating(r), counts.get(r.value, 0)) for r in Rating],
                    "worst": worst(a.rating for a in every),
                    "n_actions": len(every),
                }
            )
        return tree


def plan_structure(plan: Plan) -> PlanStructure:
    """The plan's structure in three queries (priorities, outcomes and objectives, statements)."""
    priorities = list(
        Priority.objects.filter(plan=plan).select_related("lead").order_by("order", "pk")
    )
    outcomes, objectives = outcomes_and_objectives(plan)
    statements = list(PlanStatement.objects.filter(plan=plan).order_by("kind", "order", "pk"))
    return PlanStructure(priorities, outcomes, objectives, statements)


def _by_parent(actions: Iterable[Placed]) -> defaultdict[tuple[str, int], list]:
    """Actions by where they sit: under their objective, else their outcome, else their
    priority."""
    placed = defaultdict(list)
    for action in actions:
        if action.objective_id:
            key = ("objective", action.objective_id)
        elif action.outcome_id:
            key = ("outcome", action.outcome_id)
        else:
            key = ("priority", action.priority_id)
        placed[key].append(action)
    return placed


def _objective_parent(objective: Objective) -> tuple[str, int]:
    """Where an objective sits: under its outcome, else directly under its priority."""
    if objective.outcome_id:
        return ("outcome", objective.outcome_id)
    return ("priority", objective.priority_id)


def _group(items: Iterable[Any], key: Any) -> defaultdict[Any, list]:
    grouped = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


# --- key issues -----------------------------------------------------------------------------


def key_issue_branches(plan: Plan) -> list[QuerySet]:
    """The plan's key issues ("issue") and the key issues each priority answers ("answers"), as
    branches of a UNION ALL of small lists with the columns (kind, parent, position, sort, pk,
    number, title, text, slug), so that a plan's page reads them with its other particulars in
    one query (``key_issues_from`` and ``answers_from`` read the rows back)."""
    none = Value(None, output_field=BigIntegerField())
    blank = Value("", output_field=TextField())
    return [
        union_branch(
            KeyIssue.objects.filter(plan=plan),
            kind=Value("issue"), parent=none, position="order", sort=blank, pk="pk",
            number="number", title="title", text="description", slug=blank,
        ),
        union_branch(
            Priority.key_issues.through.objects.filter(priority__plan=plan),
            kind=Value("answers"), parent="priority_id", position="keyissue__order", sort=blank,
            pk="keyissue_id", number="keyissue__number", title=blank, text=blank, slug=blank,
        ),
    ]  # fmt: skip


def key_issues_from(rows: Iterable[Any], plan: Plan, db: str) -> list[KeyIssue]:
    """The plan's key issues from their ("issue") rows of ``key_issue_branches``."""
    return [
        loaded(
            KeyIssue,
            db,
            {
                "id": row.pk,
                "plan_id": plan.pk,
                "number": row.number,
                "order": row.position,
                "title": row.title,
                "description": row.text,
            },
        )
        for row in rows
    ]


def answers_from(rows: Iterable[Any]) -> dict[int, list[str]]:
    """{priority pk: [number of each key issue it answers]} from the ("answers") rows of
    ``key_issue_branches``."""
    answers = defaultdict(list)
    for row in rows:
        answers[row.parent].append(row.number)
    return dict(answers)
