"""Board packs: the position of every plan a board oversees as at a meeting, as a page, a PDF
and a spreadsheet; issuing freezes it.

``build_pack`` returns the pack as plain data (the snapshot): the same dict is rendered as the
meeting page, the PDF and the .xlsx, and is what ``pack_issue`` stores in ``IssuedPack`` with the
rendered HTML. An issued pack is never rebuilt: its page and PDF come from the stored HTML and its
spreadsheet from the stored snapshot, so later corrections never change what the board was
shown. Instead, the next pack lists them under "Revised since the last meeting" (old and new
value, who changed it, when and why), read from the simple-history records.
"""

from __future__ import annotations

import re
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from actions.models import Action, StatusUpdate
from actions.templatetags.rag import rag_badge
from boards.asat import (
    TIMESCALE_FIELDS,
    end_of_day,
    measure_statuses,
    positions_as_at_many,
    versions_as_at,
)
from boards.dashboards import (
    REPORT_CRITERIA,
    action_row,
    changes_between,
    day_text,
    exception_sections,
    legend_entries,
    legend_from_entries,
    measure_row,
    plan_legend,
    plan_measures,
    rag_bar_svg,
    rollup,
    unparsed_rows,
)
from boards.models import BoardMembership, IssuedPack, Meeting
from core import audit
from core.links import url_for_each
from core.models import AuditEvent
from core.rag import COLOURS, Rating
from core.spreadsheets import safe_cell
from measures import charts
from measures.status import RECENT_VALUES
from priorities.models import Priority

SNAPSHOT_VERSION = 1

UPDATE_FIELDS = [
    ("rating", "Rating"),
    ("commentary", "Commentary"),
    ("issue", "What the issue is"),
    ("mitigation", "What is being done"),
    ("resolve_by", "By when"),
    ("outside_control", "Outside the service's control"),
    ("escalate", "Escalated to the board"),
]


class PackAlreadyIssued(Exception):
    """A meeting's pack can be issued once only."""


def moment_text(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {day_text(local.date())}"


def pack_moment(meeting: Meeting, now: datetime | None = None) -> datetime:
    """The moment a pack shows the position at: the end of the meeting day (Europe/London), or
    now when the meeting has not happened yet."""
    return min(end_of_day(meeting.date), now or timezone.now())


# --- revisions ------------------------------------------------------------------------------


def _show(value, field: str, legend=None) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "rating":
        return legend.label(value) if legend else Rating(value).label
    if isinstance(value, Decimal):
        return charts.format_number(value)
    if hasattr(value, "year"):
        return day_text(value)
    return str(value)


def _who(record, attr: bool = True) -> str:
    user = record.history_user if attr else record
    if user is None:
        return "Not recorded"
    return user.get_full_name() or user.get_username()


def _field_changes(old, new, fields, legend=None) -> list[dict]:
    if new.history_type == "-":
        return [{"field": "Record", "old": "As shown", "new": "Deleted"}]
    changes = []
    for name, label in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(
                {
                    "field": label,
                    "old": _show(before, name, legend),
                    "new": _show(after, name, legend),
                }
            )
    return changes


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
    changed it, when and why. None when the board has no earlier issued pack (``previous``, from
    ``with_pack_context``)."""
    if previous is None:
        return None
    since = previous.as_at
    items = []

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
    if changed:
        ids = {r.id for r in changed}
        shown = versions_as_at(StatusUpdate.history.filter(id__in=ids), since)
        by_id = defaultdict(list)
        for record in changed:
            by_id[record.id].append(record)
        for update_id, records in by_id.items():
            old, new = shown.get(update_id), records[-1]
            if old is None or old.history_type == "-":
                continue  # not in the pack the board was shown
            action = actions_by_id[new.action_id]
            legend = legends.get(action.plan_id)
            fields = _field_changes(old, new, UPDATE_FIELDS, legend)
            if not fields:
                continue
            items.append(
                {
                    "kind": "Status update",
                    "plan_id": action.plan_id,
                    "subject": f"{action.number} {action.description}",
                    "given": day_text(old.created_at),
                    "fields": fields,
                    "edits": [
                        {
                            "by": _who(r),
                            "why": r.history_change_reason or "No reason given",
                            "when": moment_text(r.history_date),
                        }
                        for r in records
                    ],
                    "sort": new.history_date.isoformat(),
                }
            )

    if measures_by_id:
        from measures.status import revisions_between, values_as_at

        ids = list(measures_by_id)
        shown = {v.pk for v in values_as_at(ids, since)}  # the values the board could see
        for rev in revisions_between(ids, since, as_at):
            if rev.value_id not in shown:
                continue
            measure = measures_by_id[rev.measure_id]
            items.append(
                {
                    "kind": "Measure value",
                    "plan_id": None,
                    "subject": f"{measure.code} {measure.title}, {rev.label}",
                    "given": "",
                    "fields": [
                        {
                            "field": "Value",
                            "old": _show(rev.before, "value"),
                            "new": "Deleted" if rev.deleted else _show(rev.after, "value"),
                        }
                    ],
                    "edits": [
                        {
                            "by": _who(rev.by, attr=False),
                            "why": rev.reason or "No reason given",
                            "when": moment_text(rev.at),
                        }
                    ],
                    "sort": rev.at.isoformat(),
                }
            )
    items.sort(key=lambda i: i["sort"])
    return {
        "previous_meeting": day_text(previous.meeting_date),
        "previous_issued": moment_text(previous.issued_at),
        "items": items,
    }


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviousPack:
    """The latest pack issued for an earlier meeting of the same board."""

    as_at: datetime
    issued_at: datetime
    meeting_date: date


def with_pack_context(meetings):
    """Meetings annotated with what their pack needs to know about earlier meetings: the board's
    previous meeting and the latest pack issued for an earlier meeting (subqueries, so the
    meeting page reads them with the meeting itself)."""
    earlier = Meeting.objects.filter(
        board_id=OuterRef("board_id"), date__lt=OuterRef("date")
    ).order_by("-date")
    issued = IssuedPack.objects.filter(
        meeting__board_id=OuterRef("board_id"), meeting__date__lt=OuterRef("date")
    ).order_by("-meeting__date")
    return meetings.annotate(
        pack_previous_id=Subquery(earlier.values("pk")[:1]),
        pack_previous_date=Subquery(earlier.values("date")[:1]),
        pack_previous_as_at=Subquery(issued.values("as_at")[:1]),
        pack_previous_issued_at=Subquery(issued.values("issued_at")[:1]),
        pack_previous_issued_date=Subquery(issued.values("meeting__date")[:1]),
    )


def meetings_for(user):
    """Meetings as the meeting pages read them: with the board and its organisation, the pack
    context (``with_pack_context``), ``issued_pack_id`` (None until the pack is issued) and
    ``user_sits_on_board`` (whether the user's Person is a member of the board), in one query."""
    return with_pack_context(
        Meeting.objects.select_related("board", "board__organisation").annotate(
            issued_pack_id=Subquery(
                IssuedPack.objects.filter(meeting_id=OuterRef("pk")).values("pk")[:1]
            ),
            user_sits_on_board=Exists(
                BoardMembership.objects.filter(
                    board_id=OuterRef("board_id"), person__user_id=user.pk
                )
            ),
        )
    )


def _context(meeting: Meeting) -> Meeting:
    """The meeting with the ``with_pack_context`` annotations (one query unless it has them)."""
    if hasattr(meeting, "pack_previous_id"):
        return meeting
    return with_pack_context(Meeting.objects.filter(pk=meeting.pk)).get()


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


def _pack_actions(plan_ids) -> list[PackAction]:
    """The plans' actions in plan order, with only the columns a pack shows (one query)."""
    rows = (
        Action.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "priority__order", "priority__pk", "sequence", "pk")
        .values_list(*(f if f != "lead_name" else "lead__name" for f in PackAction._fields))
    )
    return list(map(PackAction._make, rows))


def build_pack(meeting: Meeting, *, as_at: datetime | None = None) -> dict:
    """The pack for a meeting as plain data, as at the end of the meeting day (or now, before
    the meeting). A fixed number of queries whatever the number of plans, actions and updates:
    both moments (the meeting and the previous meeting) come from one read of the history."""
    board = meeting.board
    as_at = as_at or pack_moment(meeting)
    context = _context(meeting)
    previous = (
        {"id": context.pack_previous_id, "date": context.pack_previous_date}
        if context.pack_previous_id is not None
        else None
    )
    previous_pack = (
        PreviousPack(
            as_at=context.pack_previous_as_at,
            issued_at=context.pack_previous_issued_at,
            meeting_date=context.pack_previous_issued_date,
        )
        if context.pack_previous_as_at is not None
        else None
    )
    plans = list(board.plans.select_related("organisation").order_by("title", "pk"))
    plan_ids = [p.pk for p in plans]
    actions = _pack_actions(plan_ids) if plan_ids else []
    before_at = end_of_day(previous["date"]) if previous else None
    moments = [as_at] if before_at is None else [as_at, before_at]
    at = positions_as_at_many(plan_ids, moments, actions=actions) if actions else {}
    positions = at.get(as_at, [])
    before = at.get(before_at, []) if previous else None
    priorities = list(Priority.objects.filter(plan_id__in=plan_ids).order_by("order", "pk"))
    measures, plans_of, priorities_of = plan_measures(plan_ids)
    statuses = (
        {s.measure.pk: s for s in measure_statuses(measures, as_at=as_at, recent=RECENT_VALUES)}
        if measures
        else {}
    )
    measure_rows = {}
    for m in measures:
        status = statuses[m.pk]
        row = measure_row(status, priorities_of.get(m.pk, []))
        row["latest_raw"] = str(status.latest.value) if status.latest else None
        row["target_raw"] = str(status.target.value) if status.target else None
        measure_rows[m.pk] = row
    legends = {p.pk: plan_legend(p) for p in plans}

    positions_of, before_of, priorities_of_plan = (defaultdict(list) for _ in range(3))
    for p in positions:
        positions_of[p.action.plan_id].append(p)
    for p in before or []:
        before_of[p.action.plan_id].append(p)
    for p in priorities:
        priorities_of_plan[p.plan_id].append(p)

    plan_dicts = []
    action_url = url_for_each("actions:detail")  # one reverse() for thousands of links
    for plan in plans:
        legend = legends[plan.pk]
        rows = [action_row(p, legend, action_url) for p in positions_of[plan.pk]]
        plan_priorities = priorities_of_plan[plan.pk]
        plan_measure_rows = [
            measure_rows[m.pk] for m in measures if plan.pk in plans_of.get(m.pk, [])
        ]
        rows_by_priority = defaultdict(list)
        for row in rows:
            rows_by_priority[row["priority_id"]].append(row)
        changes = None
        if before is not None:
            changes = changes_between(before_of[plan.pk], rows, legend)
        plan_dicts.append(
            {
                "id": plan.pk,
                "slug": plan.slug,
                "title": plan.title,
                "url": plan.get_absolute_url(),
                "organisation": plan.organisation.name,
                "version_label": plan.version_label,
                "status": plan.get_status_display(),
                "priority_label": plan.priority_label,
                "action_label": plan.action_label,
                "legend": legend_entries(legend),
                "overall": rollup([r["rating"] for r in rows], legend),
                "priorities": [
                    {
                        "id": p.pk,
                        "number": p.number,
                        "title": p.title,
                        **rollup([r["rating"] for r in rows_by_priority[p.pk]], legend),
                        "actions": rows_by_priority[p.pk],
                    }
                    for p in plan_priorities
                ],
                "exceptions": exception_sections(
                    plan_priorities, rows, plan_measure_rows, REPORT_CRITERIA
                ),
                "unparsed": unparsed_rows(rows),
                "changes": changes,
                "measures": plan_measure_rows,
            }
        )

    revisions = revisions_since(
        previous=previous_pack,
        as_at=as_at,
        actions_by_id={a.pk: a for a in actions},
        measures_by_id={m.pk: m for m in measures},
        legends=legends,
    )
    return {
        "version": SNAPSHOT_VERSION,
        "board": {"id": board.pk, "name": board.name, "organisation": board.organisation.name},
        "meeting": {
            "id": meeting.pk,
            "date": meeting.date.isoformat(),
            "date_text": day_text(meeting.date),
            "title": meeting.title,
            "kind": meeting.get_kind_display(),
        },
        "as_at": as_at.isoformat(),
        "as_at_text": moment_text(as_at),
        "previous_meeting": {"id": previous["id"], "date_text": day_text(previous["date"])}
        if previous
        else None,
        "plans": plan_dicts,
        "revisions": revisions,
    }


# --- display --------------------------------------------------------------------------------

#: A row of the pack's "Every action" tables (in ``plans/_pack.html``). A board's pack has
#: thousands of them: formatted here, they take a third of the time of a template loop.
_ACTION_ROW = (
    '\n      <tr class="govuk-table__row">'
    '\n        <th scope="row" class="govuk-table__header">{number}</th>'
    '\n        <td class="govuk-table__cell">{description}</td>'
    '\n        <td class="govuk-table__cell">{lead}</td>'
    '\n        <td class="govuk-table__cell">{timescale}</td>'
    '\n        <td class="govuk-table__cell">{rating}</td>'
    '\n        <td class="govuk-table__cell app-prewrap">{update}</td>'
    "\n      </tr>\n    "
)
_NOT_UNDERSTOOD = '<br><span class="app-muted">(not understood)</span>'
_OVERDUE = '<br><strong class="app-flag">Overdue</strong>'
_DIRECTION = (
    '<br><span class="app-direction app-direction--{}"><span aria-hidden="true">{}</span> {}</span>'
)
_ILLUSTRATIVE = ' <span class="app-illustrative">Illustrative</span>'
_NO_UPDATE = '<span class="app-muted">No update given yet</span>'


def action_rows_html(actions: list[dict], legend) -> SafeString:
    """The rows of an "Every action" table: each action's number, description, lead, timescale
    (flagged when not understood or overdue), RAG rating as a worded badge with its direction of
    travel, and latest update. Every value from the snapshot goes through ``escape``."""
    badges = {}  # one badge per rating: the same markup for every action so rated
    rows = []
    for a in actions:
        rating = a["rating"]
        if rating not in badges:
            badges[rating] = rag_badge(rating, legend)
        rating_html = badges[rating]
        if a["direction_word"] and a["direction"] != "unchanged":
            rating_html += _DIRECTION.format(
                escape(a["direction"]), escape(a["direction_arrow"]), escape(a["direction_word"])
            )
        if a["has_update"]:
            author = f", {escape(a['author'])}" if a["author"] else ""
            update = (
                f'<span class="app-muted">{escape(a["updated_text"])}{author}:</span> '
                f"{escape(a['commentary'])}{_ILLUSTRATIVE if a.get('illustrative') else ''}"
            )
        else:
            update = _NO_UPDATE
        rows.append(
            _ACTION_ROW.format(
                number=escape(a["number"]),
                description=escape(a["description"]),
                lead=escape(a["lead"] or "–"),
                timescale=escape(a["timescale"] or "–")
                + (_NOT_UNDERSTOOD if a["timescale_unparsed"] else "")
                + (_OVERDUE if a["overdue"] else ""),
                rating=rating_html,
                update=update,
            )
        )
    # Every value above went through escape(); the rest is our own markup. tests/
    # test_security_xss.py puts script payloads in every text field and reads the pack.
    return SafeString("".join(rows))  # nosec B703


def for_display(snapshot: dict) -> dict:
    """The snapshot with what templates need besides data: legends, SVG charts and the rows of
    the "Every action" tables."""
    plans = []
    for plan in snapshot["plans"]:
        legend = legend_from_entries(plan["legend"])
        pid = f"pack-{snapshot['meeting']['id']}-{plan['id']}"
        priorities = [
            {
                **p,
                "bar": rag_bar_svg(
                    p["counts"],
                    title=f"{plan['priority_label']} {p['number']}: actions by RAG rating",
                    id_prefix=f"{pid}-priority-{p['id']}",
                ),
                "rows_html": action_rows_html(p["actions"], legend),
            }
            for p in plan["priorities"]
        ]
        measures = [
            {
                **m,
                "sparkline": charts.sparkline(
                    [_number(v) for _, v in m["history"]],
                    title=f"{m['code']} trend: "
                    + ", ".join(f"{label} {v}" for label, v in m["history"]),
                    id_prefix=f"{pid}-spark-{m['id']}",
                ),
            }
            for m in plan["measures"]
        ]
        plans.append(
            {
                **plan,
                "legend_obj": legend,
                "bar": rag_bar_svg(
                    plan["overall"]["counts"],
                    title=f"{plan['title']}: actions by RAG rating as at {snapshot['as_at_text']}",
                    id_prefix=f"{pid}-overall",
                ),
                "priorities": priorities,
                "measures": measures,
            }
        )
    return {**snapshot, "plans": plans}


def _number(text):
    try:
        return float(Decimal(str(text).replace(",", "")))
    except (InvalidOperation, ValueError):
        return None


def render_pack_html(snapshot: dict) -> str:
    """The pack's body as HTML (the part of the meeting page that an issued pack freezes)."""
    return render_to_string("plans/_pack.html", {"pack": for_display(snapshot)})


# --- issuing --------------------------------------------------------------------------------


@transaction.atomic
def pack_issue(*, meeting: Meeting, issued_by, request=None) -> IssuedPack:
    """Freeze the pack of a meeting: its data and its HTML, as at the end of the meeting day (or
    now, before the meeting). Once only per meeting; logged in the audit log."""
    if IssuedPack.objects.filter(meeting=meeting).exists():
        raise PackAlreadyIssued(meeting)
    as_at = pack_moment(meeting)
    snapshot = build_pack(meeting, as_at=as_at)
    try:
        with transaction.atomic():
            pack = IssuedPack.objects.create(
                meeting=meeting,
                issued_by=issued_by,
                as_at=as_at,
                snapshot=snapshot,
                html=render_pack_html(snapshot),
            )
    except IntegrityError as exc:  # issued by someone else at the same moment
        raise PackAlreadyIssued(meeting) from exc
    audit.record(
        AuditEvent.Kind.PACK_ISSUED,
        request=request,
        user=issued_by,
        summary=f"Issued the board pack for {meeting}",
        meeting=meeting.pk,
        pack=pack.pk,
        as_at=as_at.isoformat(),
    )
    return pack


def issued_pack_for(meeting: Meeting) -> IssuedPack | None:
    return IssuedPack.objects.filter(meeting=meeting).select_related("issued_by").first()


# --- PDF ------------------------------------------------------------------------------------


def pack_pdf(*, meeting: Meeting, body_html: str, as_at_text: str, issued: IssuedPack | None):
    """The pack as a tagged PDF (PDF/UA-1): A4 landscape, "Page X of Y" on every page, Arial
    (Liberation Sans where Arial is not installed)."""
    from weasyprint import CSS, HTML

    from core.network import offline_url_fetcher

    document = render_to_string(
        "plans/pack_pdf.html",
        {"meeting": meeting, "body": body_html, "as_at_text": as_at_text, "issued": issued},
    )
    css = CSS(string=render_to_string("plans/pack_pdf.css", {"meeting": meeting}))
    return HTML(string=document, url_fetcher=offline_url_fetcher()).write_pdf(
        stylesheets=[css], pdf_variant="pdf/ua-1", pdf_tags=True
    )


# --- spreadsheet ----------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:31] or "Plan"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def pack_xlsx(snapshot: dict, *, issued: IssuedPack | None = None) -> bytes:
    """The pack as a workbook: a cover sheet with the legend, one sheet per plan, the exceptions,
    the measures and (when any) the revisions. Text goes through ``safe_cell``; RAG cells are
    coloured and worded."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def rag_cell(cell, rating: str, label: str):
        safe_cell(cell, label)
        if rating in Rating.values:
            fill, text = COLOURS[Rating(rating)]
            cell.fill = PatternFill(
                "solid", start_color=fill[1:].upper(), end_color=fill[1:].upper()
            )
            cell.font = Font(bold=True, color=text[1:].upper())

    measure_fills = {"red": Rating.RED, "amber": Rating.AMBER, "green": Rating.GREEN}

    def write_row(ws, row: int, values: list):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            safe_cell(cell, value)
            cell.alignment = wrap

    def header(ws, row: int, names: list[str]):
        for col, name in enumerate(names, start=1):
            cell = ws.cell(row=row, column=col)
            safe_cell(cell, name)
            cell.font = bold

    wb = Workbook()
    cover = wb.active
    cover.title = "Pack"
    taken = {"pack"}
    meeting = snapshot["meeting"]
    safe_cell(cover.cell(row=1, column=1), f"{snapshot['board']['name']}: board pack")
    cover.cell(row=1, column=1).font = Font(bold=True, size=14)
    facts = [
        ("Meeting", meeting["date_text"] + (f" – {meeting['title']}" if meeting["title"] else "")),
        ("Position as at", snapshot["as_at_text"]),
        (
            "Previous meeting",
            snapshot["previous_meeting"]["date_text"] if snapshot["previous_meeting"] else "None",
        ),
        (
            "Status",
            f"Issued {moment_text(issued.issued_at)}" if issued else "Not issued: live position",
        ),
    ]
    for i, (key, value) in enumerate(facts, start=3):
        safe_cell(cover.cell(row=i, column=1), key).font = bold
        safe_cell(cover.cell(row=i, column=2), value)
    row = len(facts) + 4
    for plan in snapshot["plans"]:
        safe_cell(
            cover.cell(row=row, column=1), f"What the ratings mean ({plan['title']})"
        ).font = bold
        row += 1
        for entry in plan["legend"]:
            rag_cell(cover.cell(row=row, column=1), entry["rating"], entry["label"])
            safe_cell(cover.cell(row=row, column=2), entry["meaning"])
            row += 1
        row += 1
    cover.column_dimensions["A"].width = 34
    cover.column_dimensions["B"].width = 90

    plan_columns = [
        "Priority", "No.", "Action", "Lead officer", "Timescale", "Due", "Overdue",
        "RAG rating", "Direction of travel", "Last update", "Commentary",
        "What the issue is", "What is being done", "By when", "Outside the service's control",
        "Escalated", "Illustrative (demo data)",
    ]  # fmt: skip
    for plan in snapshot["plans"]:
        ws = wb.create_sheet(sheet_title(plan["title"], taken))
        safe_cell(
            ws.cell(row=1, column=1), f"{plan['title']}: position as at {snapshot['as_at_text']}"
        )
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        header(ws, 3, plan_columns)
        r = 4
        for priority in plan["priorities"]:
            for a in priority["actions"]:
                due = "Not understood" if a["timescale_unparsed"] else a["due_text"]
                write_row(
                    ws,
                    r,
                    [
                        f"{plan['priority_label']} {priority['number']}: {priority['title']}",
                        a["number"],
                        a["description"],
                        a["lead"],
                        a["timescale"],
                        due,
                        "Overdue" if a["overdue"] else "",
                        None,
                        a["direction_word"],
                        a["updated_text"] or "No update",
                        a["commentary"],
                        a["issue"],
                        a["mitigation"],
                        a["resolve_by_text"],
                        "Yes" if a["outside_control"] else "",
                        "Yes" if a["escalate"] else "",
                        "Yes" if a.get("illustrative") else "",
                    ],
                )
                rag_cell(ws.cell(row=r, column=8), a["rating"], a["rating_label"])
                r += 1
        for col, width in zip(
            "ABCDEFGHIJKLMNOPQ",
            [30, 8, 60, 24, 16, 14, 10, 14, 14, 14, 60, 40, 40, 14, 12, 10, 12],
            strict=True,
        ):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "C4"

    ex = wb.create_sheet(sheet_title("Exceptions", taken))
    header(
        ex,
        1,
        ["Plan", "Priority", "Kind", "No. or code", "Description", "Why reported", "Rating",
         "What the issue is", "What is being done", "By when", "Outside the service's control"],
    )  # fmt: skip
    r = 2
    for plan in snapshot["plans"]:
        for section in plan["exceptions"]:
            priority = (
                f"{plan['priority_label']} {section['number']}: {section['title']}"
                if section["number"]
                else section["title"]
            )
            for a in section["actions"]:
                write_row(
                    ex,
                    r,
                    [plan["title"], priority, "Action", a["number"], a["description"],
                     "; ".join(a["reason_words"]), None, a["issue"], a["mitigation"],
                     a["resolve_by_text"], "Yes" if a["outside_control"] else ""],
                )  # fmt: skip
                rag_cell(ex.cell(row=r, column=7), a["rating"], a["rating_label"])
                r += 1
            for m in section["measures"]:
                write_row(
                    ex,
                    r,
                    [plan["title"], priority, "Measure", m["code"], m["title"],
                     f"Outside tolerance: {m['latest']} against a target of {m['target']}",
                     None, "", "", "", ""],
                )  # fmt: skip
                rag_cell(ex.cell(row=r, column=7), measure_fills[m["rag"]], m["rag_word"])
                r += 1
    if r == 2:
        safe_cell(ex.cell(row=2, column=1), "No exceptions.")
    for col, width in zip("ABCDEFGHIJK", [30, 30, 10, 12, 60, 30, 14, 40, 40, 14, 12], strict=True):
        ex.column_dimensions[col].width = width

    ms = wb.create_sheet(sheet_title("Measures", taken))
    header(
        ms,
        1,
        ["Plan", "Code", "Measure", "Unit", "Period", "Latest value", "Target", "Amber tolerance",
         "Against target", "Direction of travel", "Illustrative"],
    )  # fmt: skip
    r = 2
    for plan in snapshot["plans"]:
        for m in plan["measures"]:
            write_row(
                ms,
                r,
                [plan["title"], m["code"], m["title"], m["unit"], m["latest_label"],
                 _decimal(m.get("latest_raw")), _decimal(m.get("target_raw")),
                 _decimal(m["tolerance"]), None, m["direction_word"],
                 "Yes" if m["latest_illustrative"] else ""],
            )  # fmt: skip
            if m["rag"]:
                rag_cell(ms.cell(row=r, column=9), measure_fills[m["rag"]], m["rag_word"])
            else:
                safe_cell(ms.cell(row=r, column=9), m["rag_word"])
            r += 1
    if r == 2:
        safe_cell(ms.cell(row=2, column=1), "No measures are linked to these plans.")
    for col, width in zip("ABCDEFGHIJK", [30, 12, 50, 22, 16, 12, 12, 12, 18, 16, 10], strict=True):
        ms.column_dimensions[col].width = width

    revisions = snapshot.get("revisions")
    if revisions and revisions["items"]:
        rv = wb.create_sheet(sheet_title("Revised since last meeting", taken))
        header(rv, 1, ["Kind", "What", "Given", "Field", "Shown before", "Now", "Changed by",
                       "When", "Why"])  # fmt: skip
        r = 2
        for item in revisions["items"]:
            edit = item["edits"][-1]
            for f in item["fields"]:
                write_row(
                    rv,
                    r,
                    [item["kind"], item["subject"], item["given"], f["field"], f["old"], f["new"],
                     "; ".join(e["by"] for e in item["edits"]), edit["when"],
                     "; ".join(e["why"] for e in item["edits"])],
                )  # fmt: skip
                r += 1
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _decimal(text):
    if text in (None, ""):
        return None
    try:
        value = Decimal(str(text).replace(",", ""))
    except InvalidOperation:
        return str(text)
    return float(value)
