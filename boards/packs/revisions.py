"""Revised since the last meeting: the status updates and measure values shown in the board's
previous issued pack that have been corrected since, with the value the board was shown, the
value now, who changed it, when and why (read from the simple-history records)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from actions.models import StatusUpdate
from boards.asat import versions_as_at
from boards.packs.context import PreviousPack
from core.formatting import day_text, moment_text, number_text
from core.rag import Rating
from measures.status import revisions_between, values_as_at

UPDATE_FIELDS = [
    ("rating", "Rating"),
    ("commentary", "Commentary"),
    ("issue", "What the issue is"),
    ("mitigation", "What is being done"),
    ("resolve_by", "By when"),
    ("outside_control", "Outside the service's control"),
    ("escalate", "Escalated to the board"),
]

NO_REASON = "No reason given"


def revisions_since(
    *,
    previous: PreviousPack | None,
    as_at: datetime,
    actions_by_id: dict,
    measures_by_id: dict,
    legends: dict,
) -> dict | None:
    """Status updates and measure values recorded before the board's previous issued pack and
    changed since it (up to ``as_at``), with the value the board was shown, the value now, who
    changed it, when and why, oldest change first. None when the board has no earlier issued
    pack (``previous``, from ``context.earlier_of``)."""
    if previous is None:
        return None
    since = previous.as_at
    items = [
        *update_revisions(since, as_at, actions_by_id, legends),
        *measure_revisions(since, as_at, measures_by_id),
    ]
    items.sort(key=lambda i: i["sort"])
    return {
        "previous_meeting": day_text(previous.meeting_date),
        "previous_issued": moment_text(previous.issued_at),
        "items": items,
    }


def update_revisions(
    since: datetime, as_at: datetime, actions_by_id: dict, legends: dict
) -> list[dict]:
    """The status updates of the actions shown at ``since`` that were edited or deleted after it
    (up to ``as_at``): one item each, its fields as shown then and as now, every edit since."""
    plan_ids = {a.plan_id for a in actions_by_id.values()}
    changed = list(
        StatusUpdate.history.filter(
            action__plan_id__in=plan_ids,
            history_type__in=["~", "-"],
            history_date__gt=since,
            history_date__lte=as_at,
            created_at__lte=since,
        )
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    if not changed:
        return []
    shown = versions_as_at(StatusUpdate.history.filter(id__in={r.id for r in changed}), since)
    records_of = defaultdict(list)
    for record in changed:
        records_of[record.id].append(record)
    items = []
    for update_id, records in records_of.items():
        old, new = shown.get(update_id), records[-1]
        if old is None or old.history_type == "-":
            continue  # not in the pack the board was shown
        action = actions_by_id[new.action_id]
        fields = field_changes(old, new, UPDATE_FIELDS, legends.get(action.plan_id))
        if fields:
            edits = [
                _edit(_who(r.history_user), r.history_change_reason, r.history_date)
                for r in records
            ]
            items.append(
                _item(
                    "Status update",
                    plan_id=action.plan_id,
                    subject=f"{action.number} {action.description}",
                    given=day_text(old.created_at),
                    fields=fields,
                    edits=edits,
                    at=new.history_date,
                )
            )
    return items


def measure_revisions(since: datetime, as_at: datetime, measures_by_id: dict) -> list[dict]:
    """The measure values the board could see at ``since`` that were corrected or deleted after
    it (up to ``as_at``)."""
    if not measures_by_id:
        return []
    ids = list(measures_by_id)
    shown = {v.pk for v in values_as_at(ids, since)}  # the values the board could see
    items = []
    for rev in revisions_between(ids, since, as_at):
        if rev.value_id not in shown:
            continue
        measure = measures_by_id[rev.measure_id]
        new = "Deleted" if rev.deleted else show(rev.after, "value")
        items.append(
            _item(
                "Measure value",
                plan_id=None,
                subject=f"{measure.code} {measure.title}, {rev.label}",
                given="",
                fields=[{"field": "Value", "old": show(rev.before, "value"), "new": new}],
                edits=[_edit(_who(rev.by), rev.reason, rev.at)],
                at=rev.at,
            )
        )
    return items


def _item(kind: str, *, plan_id, subject: str, given: str, fields, edits, at: datetime) -> dict:
    return {
        "kind": kind,
        "plan_id": plan_id,
        "subject": subject,
        "given": given,
        "fields": fields,
        "edits": edits,
        "sort": at.isoformat(),
    }


def _edit(by: str, why: str | None, when: datetime) -> dict:
    return {"by": by, "why": why or NO_REASON, "when": moment_text(when)}


def _who(user) -> str:
    if user is None:
        return "Not recorded"
    return user.get_full_name() or user.get_username()


def show(value, field: str, legend=None) -> str:
    """A field's value as a revision shows it."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "rating":
        return legend.label(value) if legend else Rating(value).label
    if isinstance(value, Decimal):
        return number_text(value)
    if hasattr(value, "year"):
        return day_text(value)
    return str(value)


def field_changes(old, new, fields, legend=None) -> list[dict]:
    """The fields that differ between two versions of a record, as shown then and now."""
    if new.history_type == "-":
        return [{"field": "Record", "old": "As shown", "new": "Deleted"}]
    changes = []
    for name, label in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            old_text, new_text = show(before, name, legend), show(after, name, legend)
            changes.append({"field": label, "old": old_text, "new": new_text})
    return changes
