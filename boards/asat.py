"""The position of actions now and "as at" a past moment, reconstructed from the history.

A board pack shows what was known at the end of the meeting day (Europe/London), not today's
data. Each action's rating as at a moment is its latest status update recorded by then, in the
version that update had then: the simple-history table of ``StatusUpdate`` keeps every version,
so a correction made after the meeting never leaks back into that meeting's pack.

When was a version known?
- an edit (or deletion) from its ``history_date``;
- the first version of an update from its ``created_at``, the moment the update says it was
  given. Usually that is the same instant; updates brought in from a council's old spreadsheets
  (and the demo's illustrative history) are recorded later than the date they were given, and
  are counted from the date they were given. Later edits of them still count only from the edit.

Boards see approved updates only: an update submitted for approval counts from the moment it
was approved (``approved_at``; updates that needed no approval count from when they were given),
and one returned to its author never counts.

Updates with no history at all (written with a bulk insert) are read from the live table.
Timescales are reconstructed the same way from ``Action.history`` where it reaches back that far;
otherwise the current timescale is used. Every function here runs a fixed number of queries
whatever the number of plans, actions and updates.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import IntegerField, OuterRef, Q, Subquery, Value
from django.utils import timezone

from actions.models import Action, StatusUpdate
from actions.overdue import OVERDUE
from actions.querysets import Approval
from actions.timescales import TimescaleKind
from core.presentation import rating_direction
from core.rag import Rating

LONDON = ZoneInfo("Europe/London")

TIMESCALE_FIELDS = ("timescale_text", "timescale_kind", "timescale_due", "timescale_label")


def end_of_day(day: date) -> datetime:
    """The last instant of a day in Europe/London (whatever the clocks do that day)."""
    return datetime.combine(day, time.max, tzinfo=LONDON)


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, LONDON).date()


@dataclass
class Position:
    """An action's standing at a moment: its latest update then, the one before it (for the
    direction of travel), and its timescale then."""

    action: Action
    latest: object | None  # a StatusUpdate or a historical version of one
    previous: object | None
    on: date  # the day overdue is judged on
    timescale_text: str
    timescale_kind: str
    timescale_due: date | None

    @property
    def rating(self) -> str:
        if self.latest is not None:
            return self.latest.rating
        return Rating.NOT_STARTED.value

    @property
    def has_update(self) -> bool:
        return self.latest is not None

    @property
    def overdue(self) -> bool:
        """Past its due date (then) and not complete (then), on the day ``on``: the one rule,
        ``actions.overdue.OVERDUE``, that ``Action.objects.overdue`` queries."""
        return OVERDUE.holds(self, self.on)

    @property
    def timescale_unparsed(self) -> bool:
        return self.timescale_kind == TimescaleKind.UNPARSED

    @property
    def direction(self) -> str:
        """Direction of travel against the update before the latest."""
        return rating_direction(self.previous.rating if self.previous else None, self.rating)


def _actions(plan_ids, action_filter: Q | None = None):
    qs = Action.objects.filter(plan_id__in=plan_ids)
    if action_filter is not None:
        qs = qs.filter(action_filter)
    return qs.select_related("plan", "priority", "outcome", "objective", "lead").order_by(
        "plan_id", "priority__order", "priority__pk", "sequence", "pk"
    )


def current_positions(plan_ids, *, actions=None, today: date | None = None) -> list[Position]:
    """Every action's position now, from the live tables (two queries). ``actions`` may be a
    filtered Action queryset (e.g. from the dashboard filters)."""
    today = today or timezone.localdate()
    updates = (
        StatusUpdate.objects.filter(action=OuterRef("pk")).approved().order_by("-created_at", "-pk")
    )
    qs = actions if actions is not None else _actions(plan_ids)
    qs = qs.annotate(
        latest_update_id=Subquery(updates.values("pk")[:1]),
        previous_update_id=Subquery(updates.values("pk")[1:2]),
    )
    action_list = list(qs)
    ids = {a.latest_update_id for a in action_list} | {a.previous_update_id for a in action_list}
    ids.discard(None)
    by_id = StatusUpdate.objects.in_bulk(ids) if ids else {}
    return [
        Position(
            action=a,
            latest=by_id.get(a.latest_update_id),
            previous=by_id.get(a.previous_update_id),
            on=today,
            timescale_text=a.timescale_text,
            timescale_kind=a.timescale_kind,
            timescale_due=a.timescale_due,
        )
        for a in action_list
    ]


# What positions show of an update (the rating, the words, who and when): read from the history
# as plain rows, not historical model instances, since a pack reads thousands of them.
UPDATE_FIELDS = (
    "id",
    "action_id",
    "period_id",
    "rating",
    "commentary",
    "issue",
    "mitigation",
    "resolve_by",
    "outside_control",
    "escalate",
    "author_name",
    "created_at",
    "illustrative",
    "approval",
)


class UpdateVersion(namedtuple("UpdateVersion", (*UPDATE_FIELDS, "history_type", "history_date"))):
    """A status update as one of its historical versions: the fields positions show, by
    attribute name (``rating``, ``commentary``, ``period_id``...), plus ``history_type`` and
    ``history_date``."""

    __slots__ = ()


def _known_at(records, moment: datetime) -> dict[int, object]:
    """``versions_as_at`` over records already ordered by id, history date and history id."""
    chosen: dict[int, object] = {}
    first: dict[int, object] = {}
    for record in records:
        if record.history_type == "+" and record.id not in first:
            first[record.id] = record
        if record.history_date <= moment:
            chosen[record.id] = record  # ordered by date: the last one known wins
    for record_id, record in first.items():
        if record_id not in chosen and record.created_at <= moment:
            chosen[record_id] = record  # given by then, recorded later (an import, a backfill)
    return chosen


def versions_as_at(records, moment: datetime) -> dict[int, object]:
    """The version of each record (by id) known at ``moment``, from a simple-history queryset
    holding at least every version recorded by then and every first version (see the module
    docstring). Deletions are returned too (``history_type == "-"``)."""
    return _known_at(records.order_by("id", "history_date", "history_id"), moment)


DELETED = -1  # the candidates of every moment: updates deleted at some point


def _candidate_update_ids(plan_ids, moments) -> dict[int, set[int]]:
    """For each moment (by its index in ``moments``), the ids of each action's two newest
    updates given by then; under ``DELETED``, every update since deleted (it may have been among
    the two newest then). One query.

    A UNION of small index-driven selects: an ``id IN (...) OR id IN (...)`` filter instead makes
    PostgreSQL scan the whole update table, whose size grows every month (docs/adr/0006). Each
    select reads, per action, its newest or second newest update by then (a correlated subquery
    walking the ``(action, created_at)`` index backwards), so the cost follows the number of
    actions, not the length of their history. Each row says which moment it is for, so that a
    moment computed with others gives exactly what it gives alone."""
    actions = Action.objects.filter(plan_id__in=plan_ids).order_by()
    parts = []
    for index, moment in enumerate(moments):
        newest = (
            StatusUpdate.objects.filter(action=OuterRef("pk"), created_at__lte=moment)
            .approved(moment)
            .order_by("-created_at", "-pk")
            .values("pk")
        )
        for nth in (newest[:1], newest[1:2]):
            parts.append(
                actions.annotate(
                    update_id=Subquery(nth), moment_index=Value(index, output_field=IntegerField())
                ).values_list("update_id", "moment_index")
            )
    parts.append(
        StatusUpdate.history.filter(action__plan_id__in=plan_ids, history_type="-")
        .order_by()
        .annotate(moment_index=Value(DELETED, output_field=IntegerField()))
        .values_list("id", "moment_index")
    )
    candidates: dict[int, set[int]] = defaultdict(set)
    for update_id, index in parts[0].union(*parts[1:]):
        if update_id is not None:
            candidates[index].add(update_id)
    return candidates


def update_versions_as_at_many(plan_ids, moments) -> dict[datetime, dict[int, list]]:
    """For each moment, the newest two status updates of each action as they stood then, newest
    first, by action id: two queries for any number of moments (three when some updates were
    written without history, by a bulk insert).

    Each update's version is its latest historical record known by then (see the module
    docstring); updates deleted by then, or given after it, are left out."""
    moments = list(moments)
    if not moments:
        return {}
    # Only the two newest updates of each action can be its latest and previous as at a moment:
    # read the history of those (and of any deleted update) rather than of every update ever
    # given, which grows every month.
    candidates = _candidate_update_ids(plan_ids, moments)
    ids = set().union(*candidates.values())
    # Rows, not historical model instances: a pack reads thousands of them and only their
    # fields are used (instantiating the models was most of the time; docs/adr/0006).
    records = (
        list(
            map(
                UpdateVersion._make,
                StatusUpdate.history.filter(id__in=ids)
                .order_by("id", "history_date", "history_id")
                .values_list(*UPDATE_FIELDS, "history_type", "history_date"),
            )
        )
        if ids
        else []
    )
    tracked = {r.id for r in records}
    untracked_ids = [i for i in ids if i not in tracked]
    # Updates that never went through the history (bulk inserts) are taken as they are now.
    untracked = list(StatusUpdate.objects.filter(id__in=untracked_ids)) if untracked_ids else []
    result = {}
    for index, moment in enumerate(moments):
        mine = candidates[index] | candidates[DELETED]
        by_action: dict[int, list] = defaultdict(list)
        for record in _known_at([r for r in records if r.id in mine], moment).values():
            if (
                record.history_type != "-"
                and record.created_at <= moment
                and record.approval == Approval.APPROVED
            ):
                by_action[record.action_id].append(record)
        for update in untracked:
            if update.id in mine and update.created_at <= moment and update.approval == "approved":
                by_action[update.action_id].append(update)
        for versions in by_action.values():
            versions.sort(key=lambda v: (v.created_at, v.id), reverse=True)
            del versions[2:]
        result[moment] = by_action
    return result


def update_versions_as_at(plan_ids, moment: datetime) -> dict[int, list]:
    """The newest two status updates of each action as they stood at ``moment`` (see
    ``update_versions_as_at_many``)."""
    return update_versions_as_at_many(plan_ids, [moment])[moment]


def timescales_as_at_many(plan_ids, moments) -> dict[datetime, dict[int, dict]]:
    """Each action's timescale as it stood at each moment, where the history reaches back that
    far (one query for any number of moments)."""
    moments = sorted(set(moments))
    if not moments:
        return {}
    records = (
        Action.history.filter(plan_id__in=plan_ids, history_date__lte=moments[-1])
        .order_by("history_date", "history_id")
        .values("id", "history_type", "history_date", *TIMESCALE_FIELDS)
    )
    result: dict[datetime, dict[int, dict]] = {}
    current: dict[int, dict] = {}
    records = list(records)
    i = 0
    for moment in moments:  # one sweep through the records in date order
        while i < len(records) and records[i]["history_date"] <= moment:
            current[records[i]["id"]] = records[i]
            i += 1
        result[moment] = {k: v for k, v in current.items() if v["history_type"] != "-"}
    return result


def timescales_as_at(plan_ids, moment: datetime) -> dict[int, dict]:
    """Each action's timescale as it stood at ``moment`` (one query)."""
    return timescales_as_at_many(plan_ids, [moment])[moment]


def positions_as_at_many(plan_ids, moments, *, actions=None) -> dict[datetime, list[Position]]:
    """Every action's position as at each of the moments: four queries at most for any number
    of moments (three when ``actions``, a list or queryset of the plans' actions, is given as a
    list)."""
    plan_ids = list(plan_ids)
    action_list = list(actions if actions is not None else _actions(plan_ids))
    versions_at = update_versions_as_at_many(plan_ids, moments)
    timescales_at = timescales_as_at_many(plan_ids, moments)
    result = {}
    for moment in versions_at:
        versions, timescales = versions_at[moment], timescales_at[moment]
        on = local_date(moment)
        positions = []
        for a in action_list:
            mine = versions.get(a.pk, [])
            then = timescales.get(a.pk)
            source = then if then is not None else {f: getattr(a, f) for f in TIMESCALE_FIELDS}
            positions.append(
                Position(
                    action=a,
                    latest=mine[0] if mine else None,
                    previous=mine[1] if len(mine) > 1 else None,
                    on=on,
                    timescale_text=source["timescale_text"],
                    timescale_kind=source["timescale_kind"],
                    timescale_due=source["timescale_due"],
                )
            )
        result[moment] = positions
    return result


def positions_as_at(plan_ids, moment: datetime, *, actions=None) -> list[Position]:
    """Every action's position as at ``moment`` (at most four queries)."""
    return positions_as_at_many(plan_ids, [moment], actions=actions)[moment]


def measure_statuses(measures, *, as_at: datetime | None = None, recent: int | None = None):
    """Measure statuses (latest value vs target, direction of travel) as at a moment or now."""
    from measures.status import measure_statuses as statuses

    return statuses(measures, as_at=as_at, recent=recent)
