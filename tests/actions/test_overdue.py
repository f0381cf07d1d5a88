"""The overdue rule is written once (actions.overdue.OVERDUE): the query and every in-memory check
(Action.is_overdue, the as-at Position.overdue, timescales.is_overdue) agree, on the database."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Action
from actions.overdue import OVERDUE, Before, NoneOf
from actions.querysets import overdue_q
from actions.timescales import is_overdue, parse_timescale
from boards.asat import Position
from core.rag import Rating
from tests import factories

pytestmark = pytest.mark.django_db

DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31))
UNDATED = ["Ongoing", "on-going", "Every quarter", "Monthly", "", "-", "n/a", "Soon", "Q3 2026"]
TIMESCALES = st.one_of(
    DAYS.map(lambda d: f"{d:%d/%m/%Y}"),  # a date
    DAYS.map(lambda d: f"{d:%B %Y}"),  # a month: due at its end
    DAYS.map(lambda d: f"Q{(d.month - 1) // 3 + 1} {d.year}/{(d.year + 1) % 100:02d}"),
    st.sampled_from(UNDATED),  # ongoing, recurring, blank, not understood: no due date
)
CASES = st.lists(st.tuples(TIMESCALES, st.sampled_from(Rating.values)), min_size=1, max_size=12)


@pytest.fixture
def priority():
    return factories.priority()


def position(action: Action, today: date) -> Position:
    return Position(
        action=action,
        latest=SimpleNamespace(rating=action.rating),
        previous=None,
        on=today,
        timescale_text=action.timescale_text,
        timescale_kind=action.timescale_kind,
        timescale_due=action.timescale_due,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cases=CASES, data=st.data())
def test_the_query_and_every_in_memory_check_agree(priority, cases, data):
    with transaction.atomic():
        actions = []
        for n, (text, rating) in enumerate(cases, start=1):
            action = Action(
                plan=priority.plan,
                priority=priority,
                number=str(n),
                description=f"Action {n}",
                timescale_text=text,
                rating=rating,
            )
            action.apply_timescale()
            actions.append(action)
        Action.objects.bulk_create(actions)
        # Today: any day, or a day either side of (or on) one of the due dates.
        dues = [a.timescale_due for a in actions if a.timescale_due]
        today = data.draw(
            st.one_of(
                DAYS,
                st.tuples(st.sampled_from(dues or [date(2024, 1, 1)]), st.integers(-1, 1)).map(
                    lambda pair: pair[0] + timedelta(days=pair[1])
                ),
            ),
            label="today",
        )
        in_plan = Action.objects.filter(plan=priority.plan)
        queried = set(in_plan.filter(overdue_q(today)).values_list("number", flat=True))
        not_queried = set(in_plan.exclude(overdue_q(today)).values_list("number", flat=True))
        counted = in_plan.aggregate(n=Count("pk", filter=overdue_q(today)))["n"]

        for action in Action.objects.filter(plan=priority.plan):  # as read back
            expected = action.number in queried
            assert action.overdue_on(today) is expected, (action.timescale_text, action.rating)
            assert position(action, today).overdue is expected
            parsed = parse_timescale(action.timescale_text)
            complete = action.rating == Rating.COMPLETE
            assert is_overdue(parsed, today=today, complete=complete) is expected
            assert (action.number in not_queried) is not expected
        assert counted == len(queried)
        transaction.set_rollback(True)


def test_the_rule_reads_as_written():
    assert OVERDUE.conditions == (
        Before("timescale_due"),
        NoneOf("rating", frozenset({"complete"})),
    )
    today = date(2024, 5, 1)
    assert OVERDUE.holds({"timescale_due": date(2024, 4, 30), "rating": "green"}, today)
    assert not OVERDUE.holds({"timescale_due": date(2024, 5, 1), "rating": "red"}, today)
    assert not OVERDUE.holds({"timescale_due": date(2024, 4, 30), "rating": "complete"}, today)
    assert not OVERDUE.holds({"timescale_due": None, "rating": "red"}, today)  # undated


def test_is_overdue_property_is_judged_today(priority):
    late = factories.action(priority, timescale_text="01/01/2000")
    assert late.is_overdue and list(Action.objects.overdue()) == [late]
