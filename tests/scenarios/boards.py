"""Scenario data for the board tests, kept apart from the factories: a plan of any size with a
history of updates for the query-count tests, and a small history at known moments for the
"as at" and pack tests."""

from datetime import date

from actions.models import StatusUpdate
from actions.services import Reason, status_update_record
from boards.models import Board
from measures.models import Measure
from plans.models import Plan
from tests import factories
from tests.factories.boards import (
    RATINGS,
    add_measure,
    board_for,
    edit_update,
    london,
    rate,
    recorded_at,
)


def build_board_plan(
    n_actions: int, updates_each: int, *, n_measures: int = 2, board_member=None, org=None
) -> tuple[Plan, Board]:
    """A plan of any size, overseen by a board with three meetings, with a history of updates
    (reds, ambers, escalations, overdue and unparsed timescales) and measures with values."""
    plan = factories.plan(organisation=org or factories.default_organisation())
    priorities = [factories.priority(plan) for _ in range(3)]
    outcome = factories.outcome(priorities[0])
    lead = factories.person()
    timescales = ["May 23", "Ongoing", "Every Q", "Q3 2023/24", "when the money allows", ""]
    ratings = ["green", "amber", "red", "complete", "not_started"]
    for i in range(n_actions):
        a = factories.action(
            priorities[i % 3],
            outcome=outcome if i % 3 == 0 else None,
            lead=lead,
            timescale_text=timescales[i % len(timescales)],
        )
        for u in range(updates_each):
            rating = ratings[(i + u) % len(ratings)]
            status_update_record(
                action=a,
                lifecycle=RATINGS[rating][0],
                confidence=RATINGS[rating][1],
                commentary=f"Update {u}",
                reason=Reason(
                    issue="Staffing", mitigation="Agency cover", outside_control=u % 2 == 0
                )
                if rating in ("red", "amber")
                else None,
                escalate=rating == "red",
                created_at=london(2023, 5 + u % 6, 10 + u % 10, 10),
            )
    for i in range(n_measures):
        add_measure(
            plan,
            priority=priorities[i % 3],
            values=[(2021, 50 + i), (2022, 40 + i), (2023, 30 + i)],
            target=60,
            tolerance=5,
            unit=Measure.Unit.PERCENTAGE,
        )
    board = board_for(plan, [date(2023, 6, 15), date(2023, 7, 20), date(2099, 1, 1)])
    if board_member is not None:
        from boards.models import BoardMembership

        BoardMembership.objects.create(board=board, person=board_member.person)
    return plan, board


# --- a history across several periods, with hand-computed positions --------------------------

M1, M2, M3 = date(2023, 5, 18), date(2023, 6, 15), date(2023, 7, 20)


def history_scenario() -> dict:
    """A plan overseen by a board meeting on M1, M2 and M3, with updates at known moments:

    - A1 "Jun 23": green 10 May; amber 18 May 23:30 (London, still the meeting day); red
      10 June (escalated, with a reason); that red corrected to amber on 20 June ("Typo");
      complete 1 July.
    - A2 "Ongoing": amber 10 May; red 19 May 00:30 London (23:30 UTC on the 18th, so after M1);
      the red deleted on 5 July.
    - A3 "Every Q": green 1 June.
    - A4 "when funding allows" (not understood): never updated.
    - A5 "May 23": green 10 May; its timescale changed to "Sep 23" on 20 June.
    """
    with recorded_at(london(2023, 4, 1, 9)):
        plan = factories.plan(title="History plan", start=date(2023, 4, 1), end=date(2024, 3, 31))
        priority = factories.priority(plan, title="Our People")
        a1 = factories.action(
            priority, description="Recruit social workers", timescale_text="Jun 23"
        )
        a2 = factories.action(
            priority, description="Keep the front door safe", timescale_text="Ongoing"
        )
        a3 = factories.action(priority, description="Audit case files", timescale_text="Every Q")
        a4 = factories.action(
            priority, description="Open a family hub", timescale_text="when funding allows"
        )
        a5 = factories.action(
            priority, description="Agree the practice model", timescale_text="May 23"
        )
        board = board_for(plan, [M1, M2, M3], name="History Board")
    editor = factories.user(username="editor", first_name="Eddie", last_name="Tor")
    u1 = rate(a1, "green", london(2023, 5, 10, 10))
    rate(a2, "amber", london(2023, 5, 10, 11))
    rate(a5, "green", london(2023, 5, 10, 12))
    rate(a1, "amber", london(2023, 5, 18, 23, 30))
    u5 = rate(a2, "red", london(2023, 5, 19, 0, 30))
    rate(a3, "green", london(2023, 6, 1, 9))
    u7 = rate(
        a1,
        "red",
        london(2023, 6, 10, 9),
        commentary="Two posts still vacant.",
        reason=Reason(
            issue="Recruitment has stalled.",
            mitigation="Agency staff cover the gap.",
            resolve_by=date(2023, 9, 30),
            outside_control=True,
        ),
        escalate=True,
    )
    edit_update(
        u7,
        london(2023, 6, 20, 14),
        user=editor,
        reason="Typo: the rating was meant to be amber",
        confidence="amber",
        commentary="Two posts still vacant (amber).",
    )
    with recorded_at(london(2023, 6, 20, 15)):
        a5.timescale_text = "Sep 23"
        a5.save()
    rate(a1, "complete", london(2023, 7, 1, 9))
    with recorded_at(london(2023, 7, 5, 9)):
        StatusUpdate.objects.get(pk=u5.pk).delete()
    return {
        "plan": plan,
        "priority": priority,
        "board": board,
        "meetings": {m.date: m for m in board.meetings.all()},
        "actions": {"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5},
        "updates": {"u1": u1, "u5": u5, "u7": u7},
        "editor": editor,
    }


#: The position at each meeting, computed by hand from the scenario above:
#: action -> (rating, previous rating, overdue).
EXPECTED = {
    M1: {
        "A1": ("amber", "green", False),
        "A2": ("amber", None, False),
        "A3": ("not_started", None, False),
        "A4": ("not_started", None, False),
        "A5": ("green", None, False),
    },
    M2: {
        "A1": ("red", "amber", False),
        "A2": ("red", "amber", False),
        "A3": ("green", None, False),
        "A4": ("not_started", None, False),
        "A5": ("green", None, True),  # due end of May 2023 (its timescale then)
    },
    M3: {
        "A1": ("complete", "amber", False),  # the red of 10 June, as corrected on 20 June
        "A2": ("amber", None, False),  # the red was deleted on 5 July
        "A3": ("green", None, False),
        "A4": ("not_started", None, False),
        "A5": ("green", None, False),  # now due September 2023
    },
}
