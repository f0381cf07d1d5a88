"""One meaning of change in a board pack: every arrow and word compares an action with its
position at the board's previous meeting, so the pack's "what changed" sentence and the arrows
beside the actions always agree. Checked over generated histories (hypothesis), on the pack as
rendered."""

import re
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boards.packs.html import render_pack_html
from boards.packs.snapshot import build_pack
from core.rag import SEVERITY, Rating
from tests import factories
from tests.factories.boards import board_for, london, rate

pytestmark = pytest.mark.django_db

M1, M2 = date(2024, 1, 18), date(2024, 3, 21)
RATINGS = ["red", "amber", "green", "complete", "not_started"]
# Moments (days after 1 January 2024) an update can be given: before the first meeting, between
# the meetings, and after the second (which the second meeting's pack must not see).
DAYS = st.integers(min_value=0, max_value=(M2 - date(2024, 1, 1)).days + 20)
HISTORY = st.lists(  # one list of (day, rating) per action
    st.lists(st.tuples(DAYS, st.sampled_from(RATINGS)), max_size=4), min_size=1, max_size=6
)

ROW_ARROW = re.compile(
    r'<span class="app-direction app-direction--(improved|worsened)"><span aria-hidden="true">'
    r"(.)</span> (Improved|Worsened)</span>"
)
SUMMARY = re.compile(
    r'app-direction--(improved|worsened)"><span aria-hidden="true">(.)</span> (\d+) '
    r"(improved|worsened)</span>"
)


def rating_on(history, meeting: date) -> str:
    """An action's rating at the end of a meeting day: its latest update given by then."""
    given = [(day, i, r) for i, (day, r) in enumerate(history) if day <= meeting]
    return max(given)[2] if given else Rating.NOT_STARTED.value


def expected_moves(histories) -> tuple[int, int]:
    improved = worsened = 0
    for history in histories:
        before, after = (
            SEVERITY[Rating(rating_on(history, M1))],
            SEVERITY[Rating(rating_on(history, M2))],
        )
        improved += after > before
        worsened += after < before
    return improved, worsened


def build(histories):
    plan = factories.plan()
    priority = factories.priority(plan)
    board = board_for(plan, [M1, M2])
    for n, updates in enumerate(histories):
        action = factories.action(priority, description=f"Action {n}")
        # Same-day updates are given a minute apart, in the order listed.
        for i, (day, rating) in enumerate(updates):
            d = date(2024, 1, 1) + timedelta(days=day)
            rate(action, rating, london(d.year, d.month, d.day, 9, i))
    return board.meetings.get(date=M2)


def dated(histories):
    """Each (day, rating) as (date, rating), the form ``rating_on`` compares with meetings."""
    return [[(date(2024, 1, 1) + timedelta(days=d), r) for d, r in h] for h in histories]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=HISTORY)
def test_pack_arrows_and_what_changed_sentence_agree(histories):
    with transaction.atomic():
        meeting = build(histories)
        html = render_pack_html(build_pack(meeting))
        transaction.set_rollback(True)
    improved, worsened = expected_moves(dated(histories))
    every_action = html[html.index("app-pack__actions") :] if "app-pack__actions" in html else ""
    arrows = ROW_ARROW.findall(every_action)
    # The arrows beside the actions: one per action that moved since the previous meeting.
    assert sum(1 for key, _, _ in arrows if key == "improved") == improved
    assert sum(1 for key, _, _ in arrows if key == "worsened") == worsened
    assert all(
        arrow == ("↑" if key == "improved" else "↓") for key, arrow, _ in arrows
    )  # one vocabulary
    # The "what changed" sentence says the same.
    if improved or worsened:
        summary = {key: int(n) for key, _, n, _ in SUMMARY.findall(html)}
        assert summary == {"improved": improved, "worsened": worsened}
        assert "No rating has moved" not in html
    else:
        assert "No rating has moved" in html
