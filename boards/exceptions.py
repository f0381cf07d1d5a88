"""What boards are told by exception, and what changed: the rules that pick actions and measures
out of the rows of a plan (``boards.presenters.action_row`` and ``measure_row``) for the plan
dashboard, the exception report and the board pack.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from boards.asat import Position
from core.presentation import IMPROVED, WORSENED, Legend, rating_direction, rating_travel
from core.rag import Rating

RED, AMBER, AMBER_WORSENING, OVERDUE, ESCALATED, NO_UPDATE = (
    "red",
    "amber",
    "amber_worsening",
    "overdue",
    "escalated",
    "no_update",
)
# Data quality: ratings a board would challenge because the facts beside them contradict them.
GREEN_OVERDUE, RESOLUTION_PASSED = "green_overdue", "resolution_passed"
REASON_WORDS = {
    RED: "Red",
    AMBER: "Amber",
    AMBER_WORSENING: "Amber and worsening",
    OVERDUE: "Overdue",
    ESCALATED: "Escalated by the officer",
    NO_UPDATE: "No update by the deadline",
    GREEN_OVERDUE: "Green but past its due date",
    RESOLUTION_PASSED: "Resolution date passed",
}
DATA_QUALITY = (GREEN_OVERDUE, RESOLUTION_PASSED)
#: What the exception report (and the board pack) reports by exception.
REPORT_CRITERIA = (RED, AMBER_WORSENING, OVERDUE, ESCALATED)
#: What the plan dashboard lists as needing attention.
DASHBOARD_CRITERIA = (
    RED,
    AMBER,
    OVERDUE,
    ESCALATED,
    NO_UPDATE,
    GREEN_OVERDUE,
    RESOLUTION_PASSED,
)


def exception_reasons(
    row: dict, criteria, *, no_update_ids=frozenset(), today: date | None = None
) -> list[str]:
    """Why an action is reported. Green on an action past its due date is reported as that
    (not plainly "overdue") where the criteria ask for it; a red or amber issue whose
    resolution date is before ``today`` is reported as "resolution date passed"."""
    reasons = []
    if RED in criteria and row["rating"] == Rating.RED:
        reasons.append(RED)
    if AMBER in criteria and row["rating"] == Rating.AMBER:
        reasons.append(AMBER)
    elif (
        AMBER_WORSENING in criteria
        and row["rating"] == Rating.AMBER
        and row["direction"] == WORSENED
    ):
        reasons.append(AMBER_WORSENING)
    if GREEN_OVERDUE in criteria and row["overdue"] and row["rating"] == Rating.GREEN:
        reasons.append(GREEN_OVERDUE)
    elif OVERDUE in criteria and row["overdue"]:
        reasons.append(OVERDUE)
    if ESCALATED in criteria and row["escalate"]:
        reasons.append(ESCALATED)
    if NO_UPDATE in criteria and row["id"] in no_update_ids:
        reasons.append(NO_UPDATE)
    if (
        RESOLUTION_PASSED in criteria
        and today is not None
        and row["rating"] in (Rating.RED, Rating.AMBER)
        and row.get("resolve_by")
        and row["resolve_by"] < today.isoformat()
    ):
        reasons.append(RESOLUTION_PASSED)
    return reasons


def exception_sections(
    priorities,
    rows: list[dict],
    measures: list[dict],
    criteria,
    *,
    no_update_ids=frozenset(),
    today: date | None = None,
) -> list[dict]:
    """One section per priority (in plan order) with the actions reported by exception and the
    measures outside tolerance (red against target) linked to it; measures linked to the plan
    but to none of its priorities come last, under "Across the plan"."""
    actions_by = defaultdict(list)
    for row in rows:
        reasons = exception_reasons(row, criteria, no_update_ids=no_update_ids, today=today)
        if reasons:
            actions_by[row["priority_id"]].append(
                {
                    **row,
                    "reasons": reasons,
                    "reason_words": [REASON_WORDS[r] for r in reasons],
                    "data_quality": [r for r in reasons if r in DATA_QUALITY],
                }
            )
    priority_ids = {p.pk for p in priorities}
    measures_by = defaultdict(list)
    for m in measures:
        if m["rag"] != "red":
            continue
        linked = [pid for pid in m["priority_ids"] if pid in priority_ids]
        for pid in linked or [None]:
            measures_by[pid].append(m)
    sections = [
        {
            "id": p.pk,
            "number": p.number,
            "title": p.title,
            "actions": actions_by[p.pk],
            "measures": measures_by[p.pk],
        }
        for p in priorities
    ]
    if measures_by[None]:
        sections.append(
            {
                "id": None,
                "number": "",
                "title": "Across the plan",
                "actions": [],
                "measures": measures_by[None],
            }
        )
    return sections


def compare_with_meeting(rows: list[dict], before: list[Position] | None, legend: Legend) -> None:
    """Make each row's direction of travel (its arrow, word and "was") compare with the position
    at the board's previous meeting (``before``), the one meaning of change in a pack; with no
    previous meeting, or for an action that did not exist then, there is nothing to compare
    with and the row has no direction."""
    then = {p.action.pk: p for p in before} if before is not None else {}
    for row in rows:
        old = then.get(row["id"])
        previous = old.rating if old is not None else None
        direction = rating_direction(previous, row["rating"])
        travel = rating_travel(direction)
        row.update(
            previous_rating=previous,
            previous_rating_label=legend.label(previous) if previous else "",
            direction=direction,
            direction_word=travel.word,
            direction_arrow=travel.arrow,
        )


def changes_between(before: list[Position], after_rows: list[dict], legend: Legend) -> dict:
    """What changed from one position to the next: ratings that moved (improved or worsened),
    actions newly overdue and actions newly complete. Read from the rows once
    ``compare_with_meeting`` has set their direction against ``before``, so the counts and the
    rows' arrows are one reading."""
    then = {p.action.pk: p for p in before}
    moved, newly_overdue, newly_complete = [], [], []
    for row in after_rows:
        old = then.get(row["id"])
        if old is None:
            continue
        direction = rating_direction(old.rating, row["rating"])
        if direction in (IMPROVED, WORSENED):
            moved.append(
                {
                    **row,
                    "from": old.rating,
                    "from_label": legend.label(old.rating),
                    "change": direction,
                }
            )
        if row["overdue"] and not old.overdue:
            newly_overdue.append(row)
        if row["rating"] == Rating.COMPLETE and old.rating != Rating.COMPLETE:
            newly_complete.append(row)
    return {
        "moved": moved,
        "improved": sum(1 for m in moved if m["change"] == IMPROVED),
        "worsened": sum(1 for m in moved if m["change"] == WORSENED),
        "newly_overdue": newly_overdue,
        "newly_complete": newly_complete,
    }


def unparsed_rows(rows: list[dict]) -> list[dict]:
    """Actions whose timescale could not be read: shown as such, never as on time."""
    return [r for r in rows if r["timescale_unparsed"] and r["rating"] != Rating.COMPLETE]


def reason_counts(sections: list[dict]) -> list[dict]:
    """How many actions are reported for each reason (an action may have several), in the
    order of ``REASON_WORDS``, with whether the reason is one of data quality."""
    counts: dict[str, int] = defaultdict(int)
    for section in sections:
        for action in section["actions"]:
            for reason in action["reasons"]:
                counts[reason] += 1
    return [
        {"reason": r, "words": words, "n": counts[r], "data_quality": r in DATA_QUALITY}
        for r, words in REASON_WORDS.items()
        if counts[r]
    ]
