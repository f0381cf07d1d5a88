"""A board pack's data: the position of every plan a board oversees as at a meeting, as plain
data (the snapshot). The same dict is rendered as the meeting page, the PDF and the .xlsx, and is
what an issued pack stores."""

from __future__ import annotations

import re
from collections import defaultdict, namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from actions.models import Action
from boards.asat import (
    TIMESCALE_FIELDS,
    Position,
    end_of_day,
    local_date,
    measure_statuses,
    positions_as_at_many,
)
from boards.exceptions import (
    REPORT_CRITERIA,
    changes_between,
    compare_with_meeting,
    exception_sections,
    unparsed_rows,
)
from boards.models import HEX_COLOUR_PATTERN, Meeting
from boards.packs.authored import brief_part, decisions_part, questions_part
from boards.packs.context import PreviousMeeting, chair_of, earlier_of
from boards.packs.revisions import revisions_since
from boards.panels import rows_for
from boards.presenters import action_row, measure_row, plan_legend, rollup
from boards.selectors.dashboards import plan_measures
from core.formatting import day_text, moment_text
from core.freshness import cached
from core.links import url_for_each
from core.presentation import Legend
from measures.status import RECENT_VALUES
from plans.models import Plan
from priorities.models import Priority

SNAPSHOT_VERSION = 2  # 2: the cover, the summary, questions and decisions


def pack_moment(meeting: Meeting, now: datetime | None = None) -> datetime:
    """The moment a pack shows the position at: the end of the meeting day (Europe/London), or
    now when the meeting has not happened yet."""
    return min(end_of_day(meeting.date), now or timezone.now())


class PackAction(
    namedtuple(
        "PackAction",
        (
            "pk",
            "plan_id",
            "priority_id",
            "number",
            "description",
            "success_criteria",
            "lead_text",
            "lead_name",
            *TIMESCALE_FIELDS,
        ),
    )
):
    """An action as a pack shows it: plain values read as a row (a pack reads hundreds of
    actions, and model instances cost several times the query)."""

    __slots__ = ()

    @property
    def lead_display(self) -> str:  # as ``Action.lead_display``
        return self.lead_text or self.lead_name or ""


def pack_actions(plan_ids) -> list[PackAction]:
    """The plans' actions in plan order, with only the columns a pack shows (one query)."""
    rows = (
        Action.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "priority__order", "priority__pk", "sequence", "pk")
        .values_list(*(f if f != "lead_name" else "lead__name" for f in PackAction._fields))
    )
    return list(map(PackAction._make, rows))


@dataclass
class PlanReads:
    """What a pack reads of its plans, grouped by plan: the positions as at the meeting and (when
    there was an earlier meeting, else None) as at the previous one, and the priorities."""

    positions: dict[int, list[Position]]
    before: dict[int, list[Position]] | None
    priorities: dict[int, list[Priority]]


def read_positions(
    plan_ids: list[int],
    actions: list[PackAction],
    as_at: datetime,
    previous: PreviousMeeting | None,
) -> PlanReads:
    """Each plan's positions as at the meeting and as at the previous meeting (both moments from
    one read of the history) and its priorities in order."""
    before_at = end_of_day(previous.date) if previous else None
    moments = [as_at] if before_at is None else [as_at, before_at]
    at = positions_as_at_many(plan_ids, moments, actions=actions) if actions else {}
    return PlanReads(
        positions=_by_plan(at.get(as_at, []), lambda p: p.action.plan_id),
        before=_by_plan(at.get(before_at, []), lambda p: p.action.plan_id) if previous else None,
        priorities=_by_plan(
            Priority.objects.filter(plan_id__in=plan_ids).order_by("order", "pk"),
            lambda p: p.plan_id,
        ),
    )


def _by_plan(items, plan_of: Callable) -> defaultdict[int, list]:
    grouped = defaultdict(list)
    for item in items:
        grouped[plan_of(item)].append(item)
    return grouped


def measure_rows_as_at(plan_ids: list[int], as_at: datetime):
    """The plans' measures, the plan ids of each, and each measure's row as at the moment (with
    its latest value and target as written, for the spreadsheet)."""
    measures, plans_of, priorities_of = plan_measures(plan_ids)
    statuses = (
        {s.measure.pk: s for s in measure_statuses(measures, as_at=as_at, recent=RECENT_VALUES)}
        if measures
        else {}
    )
    rows = {}
    for m in measures:
        status = statuses[m.pk]
        row = measure_row(status, priorities_of.get(m.pk, []))
        row["latest_raw"] = str(status.latest.value) if status.latest else None
        row["target_raw"] = str(status.target.value) if status.target else None
        rows[m.pk] = row
    return measures, plans_of, rows


def plan_part(
    plan: Plan,
    legend: Legend,
    reads: PlanReads,
    measure_rows: list[dict],
    action_url: Callable[[int], str],
) -> dict:
    """One plan of the pack: its particulars, legend, roll-ups overall and by priority, every
    action by priority, the exceptions, the changes since the previous meeting and its
    measures."""
    rows = [action_row(p, legend, action_url) for p in reads.positions[plan.pk]]
    # One meaning of change in a pack: every arrow and word against the previous meeting.
    compare_with_meeting(rows, reads.before[plan.pk] if reads.before is not None else None, legend)
    priorities = reads.priorities[plan.pk]
    rows_by_priority = _by_plan(rows, lambda row: row["priority_id"])
    changes = None
    if reads.before is not None:
        changes = changes_between(reads.before[plan.pk], rows, legend)
    return {
        "id": plan.pk,
        "slug": plan.slug,
        "title": plan.title,
        "url": plan.get_absolute_url(),
        "organisation": plan.organisation.name,
        "version_label": plan.version_label,
        "status": plan.get_status_display(),
        "priority_label": plan.priority_label,
        "action_label": plan.action_label,
        "legend": legend.to_entries(),
        "overall": rollup([r["rating"] for r in rows], legend),
        "priorities": [
            {
                "id": p.pk,
                "number": p.number,
                "title": p.title,
                **rollup([r["rating"] for r in rows_by_priority[p.pk]], legend),
                "actions": rows_by_priority[p.pk],
            }
            for p in priorities
        ],
        "exceptions": exception_sections(priorities, rows, measure_rows, REPORT_CRITERIA),
        "unparsed": unparsed_rows(rows),
        "changes": changes,
        "measures": measure_rows,
    }


def build_pack(meeting: Meeting, *, as_at: datetime | None = None) -> dict:
    """The pack for a meeting as plain data, as at the end of the meeting day (or now, before
    the meeting). A fixed number of queries whatever the number of plans, actions and updates:
    both moments (the meeting and the previous meeting) come from one read of the history."""
    as_at = as_at or pack_moment(meeting)
    previous, previous_pack = earlier_of(meeting)
    plans = list(meeting.board.plans.select_related("organisation").order_by("title", "pk"))
    plan_ids = [p.pk for p in plans]
    actions = pack_actions(plan_ids) if plan_ids else []
    reads = read_positions(plan_ids, actions, as_at, previous)
    measures, plans_of, measure_rows = measure_rows_as_at(plan_ids, as_at)
    legends = {p.pk: plan_legend(p) for p in plans}
    action_url = url_for_each("actions:detail")  # one reverse() for thousands of links
    plan_parts = [
        plan_part(
            plan,
            legends[plan.pk],
            reads,
            [measure_rows[m.pk] for m in measures if plan.pk in plans_of.get(m.pk, [])],
            action_url,
        )
        for plan in plans
    ]
    panels = rows_for(plan_ids, as_at=as_at, positions=_flat(reads.positions)) if plan_ids else {}
    for part in plan_parts:
        part["panels"] = {key: by_plan.get(part["id"], []) for key, by_plan in panels.items()}
    revisions = revisions_since(
        previous=previous_pack,
        as_at=as_at,
        actions_by_id={a.pk: a for a in actions},
        measures_by_id={m.pk: m for m in measures},
        legends=legends,
    )
    pack = snapshot(meeting, as_at, previous, plan_parts, revisions)
    pack.update(
        brief=brief_part(meeting),
        questions=questions_part(meeting),
        decisions=decisions_part(meeting, as_at, previous),
    )
    return pack


@dataclass(frozen=True)
class DraftKey:
    """Where a draft pack is cached: its key, how long it may be kept, the moment it shows and
    whether that moment is "now" (before the end of the meeting day) or fixed."""

    key: str
    timeout: int
    as_at: datetime
    live: bool


def draft_key(meeting: Meeting, now: datetime | None = None) -> DraftKey:
    """A pack before the end of its meeting day shows "now": cached for the day (overdue is
    judged on a date) for FRESH_LIVE_SECONDS at most. After it, the pack shows a fixed moment
    and is cached for FRESH_FIXED_SECONDS."""
    now = now or timezone.now()
    as_at = pack_moment(meeting, now)
    live = as_at == now
    moment = f"live-{local_date(now).isoformat()}" if live else as_at.isoformat()
    timeout = settings.FRESH_LIVE_SECONDS if live else settings.FRESH_FIXED_SECONDS
    return DraftKey(f"pack:{SNAPSHOT_VERSION}:{meeting.pk}:{moment}", timeout, as_at, live)


def draft_pack(meeting: Meeting, *, version: int | None) -> dict:
    """``build_pack(meeting)`` for a pack not issued yet, kept in the cache until the data it
    shows changes (``core.freshness``; ``version`` read before the meeting was): the meeting
    page and the downloads read it far more often than updates are given. A "now" pack from
    the cache is stamped with this moment: no data has changed since it was built, so it is the
    position now."""
    where = draft_key(meeting)
    pack = cached(
        where.key,
        lambda: build_pack(meeting, as_at=where.as_at),
        version=version,
        timeout=where.timeout,
    )
    if where.live and pack["as_at"] != where.as_at.isoformat():
        pack = {**pack, "as_at": where.as_at.isoformat(), "as_at_text": moment_text(where.as_at)}
    return pack


def _flat(by_plan: dict[int, list[Position]]) -> list[Position]:
    return [position for positions in by_plan.values() for position in positions]


DEFAULT_COLOUR = "#1d70b8"


def board_colour(colour: str) -> str:
    """The board's colour if it is one (#rrggbb), else GOV.UK blue: the field is validated in
    forms, but a colour written some other way never reaches the cover as it is."""
    return colour if re.fullmatch(HEX_COLOUR_PATTERN, colour or "") else DEFAULT_COLOUR


def snapshot(
    meeting: Meeting,
    as_at: datetime,
    previous: PreviousMeeting | None,
    plans: list[dict],
    revisions: dict | None,
) -> dict:
    """The pack's snapshot: the board, the meeting, the moment, the previous meeting, the plans
    (``plan_part``) and the revisions since the last issued pack."""
    board = meeting.board
    return {
        "version": SNAPSHOT_VERSION,
        "board": {
            "id": board.pk,
            "name": board.name,
            "organisation": board.organisation.name,
            "colour": board_colour(board.colour),
            "chair": chair_of(meeting),
        },
        "status": {"issued": False, "text": "Not issued yet: it may change until it is issued"},
        "meeting": {
            "id": meeting.pk,
            "date": meeting.date.isoformat(),
            "date_text": day_text(meeting.date),
            "title": meeting.title,
            "kind": meeting.get_kind_display(),
            "illustrative": meeting.illustrative,
        },
        "as_at": as_at.isoformat(),
        "as_at_text": moment_text(as_at),
        "previous_meeting": {"id": previous.id, "date_text": day_text(previous.date)}
        if previous
        else None,
        "plans": plans,
        "revisions": revisions,
    }
