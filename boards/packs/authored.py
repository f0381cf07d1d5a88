"""What people write into a meeting's pack, as plain data for its snapshot: the plan owner's
executive summary and key messages, board members' questions with the leads' answers, and the
decisions and actions arising from earlier meetings that are still open (or were closed since
the previous meeting). Three queries whatever their number."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q

from boards.asat import local_date
from boards.models import BoardDecision, BoardQuestion, Meeting, PackBrief
from boards.packs.context import PreviousMeeting
from core.formatting import day_text, moment_text

LIST_MARKERS = ("- ", "* ", "• ")


def text_blocks(text: str) -> list[dict]:
    """Plain text as paragraphs and simple lists: lines starting "- ", "* " or "• " are list
    items; other lines, separated by blank lines, are paragraphs. The words are kept as written
    (templates escape them)."""
    blocks: list[dict] = []
    para: list[str] = []

    def end_para():
        if para:
            blocks.append({"kind": "para", "text": " ".join(para)})
            para.clear()

    for raw in text.splitlines():
        line = raw.strip()
        marker = next((m for m in LIST_MARKERS if line.startswith(m)), None)
        if marker:
            end_para()
            if not blocks or blocks[-1]["kind"] != "list":
                blocks.append({"kind": "list", "items": []})
            blocks[-1]["items"].append(line[len(marker) :].strip())
        elif not line:
            end_para()
        else:
            if blocks and blocks[-1]["kind"] == "list" and not para and raw[:1].isspace():
                blocks[-1]["items"][-1] += " " + line  # a list item's continuation line
                continue
            para.append(line)
    end_para()
    return blocks


def _name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return (person.name if person else "") or user.get_full_name() or user.get_username()


def brief_part(meeting: Meeting) -> dict | None:
    brief = (
        PackBrief.objects.filter(meeting=meeting)
        .select_related("updated_by", "updated_by__person")
        .first()
    )
    if brief is None or not (brief.summary or brief.key_messages):
        return None
    return {
        "summary": brief.summary,
        "summary_blocks": text_blocks(brief.summary),
        "key_messages": brief.key_messages,
        "key_message_blocks": text_blocks(brief.key_messages),
        "by": _name(brief.updated_by),
        "updated_text": moment_text(brief.updated_at),
    }


def questions_part(meeting: Meeting) -> list[dict]:
    questions = BoardQuestion.objects.filter(meeting=meeting).select_related(
        "action",
        "action__plan",
        "asked_by",
        "asked_by__person",
        "answered_by",
        "answered_by__person",
    )
    return [
        {
            "id": q.pk,
            "action_id": q.action_id,
            "action_number": q.action.number,
            "action": q.action.description,
            "plan": q.action.plan.title,
            "lead": q.action.lead_display,
            "question": q.question,
            "asked_by": _name(q.asked_by),
            "asked_text": day_text(q.asked_at),
            "answer": q.answer,
            "answered_by": _name(q.answered_by),
            "answered_text": day_text(q.answered_at) if q.answered_at else "",
        }
        for q in questions
    ]


def decisions_part(
    meeting: Meeting, as_at: datetime, previous: PreviousMeeting | None
) -> list[dict]:
    """The board's decisions and actions arising from earlier meetings that were open at the
    previous meeting (or raised since): open ones, and those closed since, once."""
    on = local_date(as_at)
    since = previous.date if previous else date.min
    decisions = (
        BoardDecision.objects.filter(
            meeting__board_id=meeting.board_id, meeting__date__lt=meeting.date
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=since))
        .select_related("meeting", "owner_person")
        .order_by("meeting__date", "pk")
    )
    rows = []
    for d in decisions:
        closed = d.closed_on is not None and d.closed_on <= on
        rows.append(
            {
                "id": d.pk,
                "kind": d.get_kind_display(),
                "text": d.text,
                "owner": d.owner_display,
                "due": d.due.isoformat() if d.due else None,
                "due_text": day_text(d.due) if d.due else "",
                "raised_text": day_text(d.meeting.date),
                "closed": closed,
                "status": f"Closed {day_text(d.closed_on)}" if closed else "Open",
                "closing_note": d.closing_note if closed else "",
                "overdue": bool(not closed and d.due and d.due < on),
            }
        )
    return rows
