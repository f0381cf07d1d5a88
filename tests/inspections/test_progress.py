"""Progress per finding: the roll-up from its actions, its measures, "as at" a moment with
nothing later leaking in, and a fixed number of queries however many findings and actions."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Tag
from inspections import selectors, services
from inspections.models import Inspection, Recommendation
from tests import factories
from tests.factories import inspections as ifac
from tests.factories.boards import add_measure, edit_update, london, rate

pytestmark = pytest.mark.django_db

PROGRESS_QUERIES = 8  # pinned: see recommendation_progress's docstring
AS_AT_QUERIES = 13
GIVEN_QUERIES = 3  # links with evidence, findings, measure links (as at a moment: 5)


def test_progress_rolls_up_worst_rating_complete_overdue_and_evidence():
    plan = factories.plan()
    priority = factories.priority(plan)
    red = factories.action(priority, timescale_text="May 23")  # overdue and red
    done = factories.action(priority)
    done_with_evidence = factories.action(priority)
    unrelated = factories.action(priority)
    rate(red, "red", london(2023, 6, 1, 10))
    rate(done, "complete", london(2023, 6, 1, 10))
    rate(done_with_evidence, "complete", london(2023, 6, 1, 10), evidence_of_impact="Audits up")
    rate(unrelated, "red", london(2023, 6, 1, 10))
    insp = ifac.inspection(plans=[plan], findings=2)
    first, second = insp.recommendations.order_by("order")
    ifac.link(first, red, done, done_with_evidence)
    measure = add_measure(plan, values=[(2021, "40"), (2022, "35")], target="50", tolerance="2")
    first.measures.add(measure)

    rows = selectors.recommendation_progress([plan.pk], today=date(2024, 1, 1))
    assert [r.recommendation for r in rows] == [first, second]
    row = rows[0]
    assert row.total == 3 and row.worst == "red" and row.complete == 2
    assert row.overdue == 1
    assert row.without_evidence == 2 and row.complete_without_evidence == 1
    assert row.counts["complete"] == 2 and row.counts["red"] == 1
    assert [m.measure for m in row.measures] == [measure]
    assert row.measures[0].rag == "red" and row.measures[0].direction == "worsening"
    assert row.measures_off_target == 1
    assert rows[1].total == 0 and rows[1].worst is None and not rows[1].has_actions


def test_progress_counts_only_the_actions_of_the_plans_asked_for():
    plan, other = factories.plan(), factories.plan()
    mine = factories.action(factories.priority(plan))
    theirs = factories.action(factories.priority(other))
    insp = ifac.inspection(plans=[plan, other], findings=1)
    rec = insp.recommendations.get()
    ifac.link(rec, mine, theirs)
    assert selectors.recommendation_progress([plan.pk])[0].total == 1
    assert selectors.inspection_progress(insp)[0].total == 2


def test_a_finding_answered_by_an_action_shows_even_when_the_plan_is_not_linked():
    plan = factories.plan()
    action = factories.action(factories.priority(plan))
    insp = ifac.inspection(findings=1)  # no plans responding
    ifac.link(insp.recommendations.get(), action)
    rows = selectors.recommendation_progress([plan.pk])
    assert len(rows) == 1 and rows[0].total == 1


def test_as_at_nothing_later_leaks_in():
    plan = factories.plan()
    priority = factories.priority(plan)
    a, b = factories.action(priority), factories.action(priority)
    insp = ifac.inspection(plans=[plan])
    rec = ifac.recommendation(insp, created_at=london(2023, 1, 1))
    ifac.link(rec, a, at=london(2023, 2, 1))
    update = rate(a, "amber", london(2023, 3, 1, 10))
    # After 31 March: a correction, a completion with evidence, and another linked action.
    edit_update(update, london(2023, 4, 5), confidence="red", reason="typo")
    rate(a, "complete", london(2023, 4, 10, 10), evidence_of_impact="Done")
    ifac.link(rec, b, at=london(2023, 4, 12))
    late = ifac.recommendation(insp, number="2", created_at=london(2023, 4, 20))

    then = selectors.recommendation_progress([plan.pk], as_at=date(2023, 3, 31))
    assert [r.recommendation for r in then] == [rec]
    assert then[0].total == 1 and then[0].worst == "amber" and then[0].without_evidence == 1

    now = selectors.recommendation_progress([plan.pk])
    assert [r.recommendation for r in now] == [rec, late]
    assert now[0].total == 2 and now[0].complete == 1 and now[0].without_evidence == 1


def test_a_link_removed_later_still_shows_as_at_before_its_removal():
    plan = factories.plan()
    a = factories.action(factories.priority(plan))
    insp = ifac.inspection(plans=[plan])
    rec = ifac.recommendation(insp, created_at=london(2023, 1, 1))
    ifac.link(rec, a, at=london(2023, 2, 1))
    from tests.factories.boards import recorded_at

    with recorded_at(london(2023, 5, 1)):
        services.recommendation_set_actions(recommendation=rec, actions=[], user=None)
    assert selectors.recommendation_progress([plan.pk], as_at=date(2023, 4, 1))[0].total == 1
    assert selectors.recommendation_progress([plan.pk])[0].total == 0


def build(n_findings: int, actions_per_finding: int, measures: int):
    plan = factories.plan()
    priority = factories.priority(plan)
    insp = ifac.inspection(plans=[plan], findings=n_findings)
    Recommendation.objects.filter(inspection=insp).update(created_at=london(2022, 12, 1))
    ms = [
        add_measure(plan, values=[(2020, "1"), (2021, "2"), (2022, "3")], target="2")
        for _ in range(measures)
    ]
    for i, rec in enumerate(insp.recommendations.all()):
        actions = [factories.action(priority) for _ in range(actions_per_finding)]
        for a in actions:
            rate(a, "green", london(2023, 1, 10, 10), evidence_of_impact="x" if i % 2 else "")
            rate(a, "amber", london(2023, 2, 10, 10))
        ifac.link(rec, *actions, at=london(2023, 1, 1))
        rec.measures.set(ms[: (i % measures) + 1] if measures else [])
    return plan


@pytest.mark.parametrize("size", [(1, 1, 0), (12, 8, 6)])
def test_progress_runs_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    plan = build(*size)
    with django_assert_max_num_queries(PROGRESS_QUERIES):
        rows = selectors.recommendation_progress([plan.pk])
        assert rows[0].total == size[1]
    with django_assert_max_num_queries(AS_AT_QUERIES):
        rows = selectors.recommendation_progress([plan.pk], as_at=date(2023, 3, 1))
        assert rows[0].worst == "amber"


def test_the_query_count_is_the_same_small_and_large():
    counts = []
    for size in [(1, 1, 1), (12, 8, 6)]:
        plan = build(*size)
        with CaptureQueriesContext(connection) as ctx:
            selectors.recommendation_progress([plan.pk])
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- deadlines and linking by tag ---------------------------------------------------------------


def test_a_full_inspection_brings_its_statutory_deadlines_counted_in_working_days():
    insp = ifac.inspection(report_received=date(2022, 4, 1))
    created = services.deadlines_ensure(inspection=insp)
    due = {d.kind: d.due for d in created}
    assert due == {"publish_report": date(2022, 5, 18), "action_plan": date(2022, 7, 15)}
    assert services.deadlines_ensure(inspection=insp) == []  # idempotent


def test_a_focused_visit_with_areas_for_priority_action_asks_for_an_early_draft():
    insp = ifac.inspection(kind=Inspection.Kind.FOCUSED, report_received=date(2023, 4, 3))
    assert services.deadlines_ensure(inspection=insp) == []
    ifac.recommendation(insp, kind=Recommendation.Kind.PRIORITY_ACTION)
    due = {d.kind: d.due for d in services.deadlines_ensure(inspection=insp)}
    # Easter 2023 (7 and 10 April) and the coronation bank holiday (8 May) are not counted.
    assert due["early_draft"] == date(2023, 5, 4)
    assert due["action_plan"] == date(2023, 7, 17)


def test_an_override_needs_a_reason_and_is_kept_in_the_history():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    insp = ifac.inspection(report_received=date(2022, 4, 1))
    deadline = services.deadlines_ensure(inspection=insp)[1]
    admin = factories.admin_user()
    with pytest.raises(ValidationError):
        services.deadline_override(deadline=deadline, due=date(2022, 7, 29), reason=" ", user=admin)
    services.deadline_override(
        deadline=deadline, due=date(2022, 7, 29), reason="Ofsted agreed an extension", user=admin
    )
    deadline.refresh_from_db()
    assert deadline.due == date(2022, 7, 29) and deadline.computed_due == date(2022, 7, 15)
    assert deadline.overridden_by == admin
    latest = deadline.history.first()
    assert latest.history_change_reason == "Ofsted agreed an extension"
    with pytest.raises(IntegrityError), transaction.atomic():
        type(deadline).objects.filter(pk=deadline.pk).update(override_reason="")


def test_actions_tagged_with_a_finding_number_are_linked_to_it():
    plan = factories.plan()
    priority = factories.priority(plan)
    a, b, c = (factories.action(priority) for _ in range(3))
    a.tags.add(Tag.objects.create(name="Ofsted Improvement Action 3"))
    b.tags.add(Tag.objects.create(name="Recommendation 1"))
    c.tags.add(Tag.objects.create(name="Ofsted Improvement Action 9"))
    insp = ifac.inspection(plans=[plan], findings=3, action_tag_prefix="Ofsted Improvement Action")
    assert services.link_actions_by_tags(inspection=insp) == 2
    assert services.link_actions_by_tags(inspection=insp) == 0
    assert list(a.recommendations.values_list("number", flat=True)) == ["3"]
    assert list(b.recommendations.values_list("number", flat=True)) == ["1"]
    assert not c.recommendations.exists()


def test_the_rows_for_the_dashboard_and_the_pack_are_json_safe_and_render_in_the_include(
    django_assert_max_num_queries,
):
    import json

    from django.template.loader import render_to_string

    from core.presentation import legend_for

    plan = build(3, 2, 2)
    with django_assert_max_num_queries(PROGRESS_QUERIES):
        rows = selectors.recommendation_progress_rows([plan.pk], as_at=None)
    stored = json.loads(json.dumps(rows))  # as a board pack's snapshot keeps them
    assert stored == rows
    html = render_to_string(
        "inspections/_recommendation_progress.html",
        {
            "recommendation_progress": stored,
            "legend": legend_for(plan.organisation),
            "heading_level": 3,
        },
    )
    assert "<h3" in html and html.count('<tr class="govuk-table__row">') == 4
    assert "Recommendation 1" in html and "app-rag--amber" in html and "<caption" in html
    empty = render_to_string("inspections/_recommendation_progress.html", {})
    assert "No inspection findings are linked to this plan." in empty


def test_positions_and_statuses_the_caller_has_save_their_queries(django_assert_max_num_queries):
    from boards.asat import current_positions, positions_as_at
    from measures.status import measure_statuses

    plan = build(12, 8, 6)
    expected = selectors.recommendation_progress_rows([plan.pk])
    positions = current_positions([plan.pk])
    statuses = {s.measure.pk: s for s in measure_statuses(plan.measures.all(), recent=13)}
    with django_assert_max_num_queries(GIVEN_QUERIES):
        rows = selectors.recommendation_progress_rows(
            [plan.pk], positions=positions, statuses=statuses
        )
    assert rows == expected

    moment = london(2023, 3, 1, 23)
    expected = selectors.recommendation_progress_rows([plan.pk], as_at=moment)
    positions = positions_as_at([plan.pk], moment)
    statuses = {
        s.measure.pk: s for s in measure_statuses(plan.measures.all(), as_at=moment, recent=13)
    }
    with django_assert_max_num_queries(GIVEN_QUERIES + 2):
        rows = selectors.recommendation_progress_rows(
            [plan.pk], as_at=moment, positions=positions, statuses=statuses
        )
    assert rows == expected


def test_progress_by_plan_counts_each_plans_own_actions(django_assert_max_num_queries):
    plan, other, third = factories.plan(), factories.plan(), factories.plan()
    mine = factories.action(factories.priority(plan))
    theirs = factories.action(factories.priority(other))
    rate(mine, "red", london(2023, 6, 1, 10))
    rate(theirs, "green", london(2023, 6, 1, 10))
    insp = ifac.inspection(plans=[plan], findings=2)
    rec = insp.recommendations.get(number="1")
    ifac.link(rec, mine, theirs)
    with django_assert_max_num_queries(PROGRESS_QUERIES + 1):
        by_plan = selectors.recommendation_progress_by_plan([plan.pk, other.pk, third.pk])
    # The plan responding sees both findings (its own action only); the other plan sees the
    # finding its action answers; the third sees none.
    assert [(r["number"], r["total"], r["worst"]) for r in by_plan[plan.pk]] == [
        ("1", 1, "red"),
        ("2", 0, None),
    ]
    assert [(r["number"], r["total"], r["worst"]) for r in by_plan[other.pk]] == [("1", 1, "green")]
    assert by_plan[third.pk] == []


def test_without_measures_two_queries_when_the_positions_are_given(django_assert_max_num_queries):
    from boards.asat import current_positions

    plan = build(12, 8, 6)
    expected = selectors.recommendation_progress_rows([plan.pk], with_measures=False)
    positions = current_positions([plan.pk])
    with django_assert_max_num_queries(2):
        rows = selectors.recommendation_progress_rows(
            [plan.pk], positions=positions, with_measures=False
        )
    assert rows == expected and all(r["measures"] == [] for r in rows)
    assert rows[0]["total"] == 8
