"""A plan's structure (priorities.selectors): outcomes and objectives in one query, the tree
with each action where it sits, and the key issues each priority answers."""

from types import SimpleNamespace

import pytest
from django.db.models import IntegerField, Value

from core.queries import union_branch
from priorities.models import KeyIssue, Objective, PlanStatement
from priorities.selectors import (
    answers_from,
    key_issue_branches,
    key_issues_from,
    outcomes_and_objectives,
    plan_structure,
)
from tests import factories

pytestmark = pytest.mark.django_db


def placed(priority, *, outcome=None, objective=None, rating="green"):
    return SimpleNamespace(
        priority_id=priority.pk,
        outcome_id=outcome.pk if outcome else None,
        objective_id=objective.pk if objective else None,
        rating=rating,
    )


def test_outcomes_and_objectives_are_read_in_one_query_in_order(django_assert_num_queries):
    plan = factories.plan()
    priority = factories.priority(plan)
    second = factories.outcome(priority, order=2, description="Second, described")
    first = factories.outcome(priority, order=1)
    objective = Objective.objects.create(priority=priority, outcome=first, number="a", title="A")
    with django_assert_num_queries(1):
        outcomes, objectives = outcomes_and_objectives(plan)
    assert outcomes == [first, second] and objectives == [objective]
    assert outcomes[1].description == "Second, described"
    assert objectives[0].outcome_id == first.pk and objectives[0].title == "A"


def test_the_tree_places_each_action_under_its_objective_outcome_or_priority():
    plan = factories.plan()
    priority, other = factories.priority(plan), factories.priority(plan)
    outcome = factories.outcome(priority)
    under_outcome = Objective.objects.create(priority=priority, outcome=outcome, number="a")
    under_priority = Objective.objects.create(priority=priority, number="b")
    PlanStatement.objects.create(plan=plan, kind="value", title="Kindness")
    own = PlanStatement.objects.create(plan=plan, kind="ambition", title="A", priority=priority)
    actions = [
        placed(priority, rating="red"),
        placed(priority, outcome=outcome),
        placed(priority, outcome=outcome, objective=under_outcome, rating="amber"),
        placed(priority, objective=under_priority, rating="complete"),
    ]
    structure = plan_structure(plan)
    first, second = structure.tree(actions)
    assert first["actions"] == actions[:1]
    assert first["statements"] == [own]
    assert first["objectives"] == [{"objective": under_priority, "actions": actions[3:]}]
    assert first["outcomes"] == [
        {
            "outcome": outcome,
            "actions": actions[1:2],
            "objectives": [{"objective": under_outcome, "actions": actions[2:3]}],
        }
    ]
    assert first["worst"] == "red" and first["n_actions"] == 4
    assert {r.value: n for r, n in first["rollup"]}["green"] == 1
    assert second["priority"] == other and second["n_actions"] == 0 and second["worst"] is None
    assert list(structure.plan_statements()) == ["Value"]


def test_key_issues_and_the_priorities_answering_them_read_back_from_a_union():
    plan = factories.plan()
    priority = factories.priority(plan)
    one = KeyIssue.objects.create(plan=plan, number="1", order=1, title="Drift", description="D")
    two = KeyIssue.objects.create(plan=plan, number="2", order=2, title="Delay")
    priority.key_issues.add(one, two)
    first, *others = key_issue_branches(plan)
    rows = first.union(*others, all=True).order_by("row_position", "row_pk")
    found = {"issue": [], "answers": []}
    for kind, parent, position, _, pk, number, title, text, _ in rows:
        found[kind].append(SimpleNamespace(parent=parent, position=position, pk=pk,
                                           number=number, title=title, text=text))  # fmt: skip
    issues = key_issues_from(found["issue"], plan, rows.db)
    assert issues == [one, two] and issues[0].description == "D"
    assert answers_from(found["answers"]) == {priority.pk: ["1", "2"]}


def test_a_union_branch_names_its_columns_in_the_order_given():
    plan = factories.plan()
    branch = union_branch(
        KeyIssue.objects.filter(plan=plan), kind=Value(7, output_field=IntegerField()), pk="pk"
    )
    issue = KeyIssue.objects.create(plan=plan, number="1", title="T")
    assert list(branch) == [(7, issue.pk)]
