"""A board pack as a workbook (from its snapshot, so an issued pack's spreadsheet is the pack as
issued): a cover sheet with the legend, one sheet per plan, the exceptions, the measures and
(when any) the revisions. Written with ``core.spreadsheets``: text through ``safe_cell``, RAG
cells coloured and worded."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from boards.models import IssuedPack
from core.formatting import illustrative_words, moment_text
from core.presentation import measure_state
from core.spreadsheets import (
    STRONG,
    TITLE,
    WRAPPED,
    CellStyle,
    rag_cell,
    set_widths,
    unique_sheet_title,
    workbook_bytes,
    write_cell,
    write_legend_rows,
    write_row,
)

PLAN_TITLE = CellStyle(font=Font(bold=True, size=13))

PLAN_COLUMNS = [
    ("Priority", 30), ("No.", 8), ("Action", 60), ("Lead officer", 24), ("Timescale", 16),
    ("Due", 14), ("Overdue", 10), ("RAG rating", 14), ("Change since the previous meeting", 16),
    ("Last update", 14), ("Commentary", 60), ("What the issue is", 40),
    ("What is being done", 40), ("By when", 14), ("Outside the service's control", 12),
    ("Escalated", 10), ("Illustrative (demo data)", 12),
]  # fmt: skip
EXCEPTION_COLUMNS = [
    ("Plan", 30), ("Priority", 30), ("Kind", 10), ("No. or code", 12), ("Description", 60),
    ("Why reported", 30), ("Rating", 14), ("What the issue is", 40),
    ("What is being done", 40), ("By when", 14), ("Outside the service's control", 12),
]  # fmt: skip
MEASURE_COLUMNS = [
    ("Plan", 30), ("Code", 12), ("Measure", 50), ("Unit", 22), ("Period", 16),
    ("Latest value", 12), ("Target", 12), ("Amber tolerance", 12), ("Against target", 18),
    ("Since the previous period", 16), ("Since the same period last year", 16),
    ("Illustrative", 10),
]  # fmt: skip
QUESTION_COLUMNS = [
    ("Plan", 30), ("No.", 8), ("Action", 50), ("Question", 50), ("Asked by", 20),
    ("Answer", 60), ("Answered by", 20),
]  # fmt: skip
DECISION_COLUMNS = [
    ("Raised at the meeting of", 18), ("Kind", 14), ("What", 60), ("Owner", 24),
    ("Due by", 14), ("Overdue", 10), ("Status", 20),
]  # fmt: skip
REVISION_HEADINGS = [
    "Kind", "What", "Given", "Field", "Shown before", "Now", "Changed by", "When", "Why",
]  # fmt: skip


def pack_xlsx(snapshot: dict, *, issued: IssuedPack | None = None) -> bytes:
    """The pack as the bytes of an .xlsx workbook."""
    workbook = Workbook()
    taken = {"pack"}
    cover = workbook.active
    cover.title = "Pack"
    write_cover(cover, snapshot, issued)
    for plan in snapshot["plans"]:
        write_plan(workbook.create_sheet(unique_sheet_title(plan["title"], taken, default="Plan")),
                   plan, snapshot["as_at_text"])  # fmt: skip
    write_questions(
        workbook.create_sheet(unique_sheet_title("Questions", taken)),
        snapshot.get("questions") or [],
    )
    write_decisions(
        workbook.create_sheet(unique_sheet_title("Decisions and actions", taken)),
        snapshot.get("decisions") or [],
    )
    write_exceptions(
        workbook.create_sheet(unique_sheet_title("Exceptions", taken)), snapshot["plans"]
    )
    write_measures(workbook.create_sheet(unique_sheet_title("Measures", taken)), snapshot["plans"])
    revisions = snapshot.get("revisions")
    if revisions and revisions["items"]:
        sheet = workbook.create_sheet(unique_sheet_title("Revised since last meeting", taken))
        write_revisions(sheet, revisions["items"])
    return workbook_bytes(workbook)


def _header(ws: Worksheet, row: int, columns: list[tuple[str, int]]) -> None:
    write_row(ws, row, [name for name, _ in columns], style=STRONG)


def write_cover(cover: Worksheet, snapshot: dict, issued: IssuedPack | None) -> None:
    """The council, the board, the meeting, the moment, the status (in the words of the meeting
    page), the summary and key messages, and each plan's legend."""
    meeting, board = snapshot["meeting"], snapshot["board"]
    write_cell(cover, 1, 1, f"{board['name']}: board pack", CellStyle(font=TITLE))
    previous = snapshot["previous_meeting"]
    if issued is not None:
        status = f"Issued {moment_text(issued.issued_at)}: the record of what the board was shown"
    else:
        status = f"Draft, not issued: the position reconstructed as at {snapshot['as_at_text']}"
    facts = [
        ("Council", board["organisation"]),
        ("Meeting", meeting["date_text"] + (f" – {meeting['title']}" if meeting["title"] else "")
         + illustrative_words(meeting)),
        ("Position as at", snapshot["as_at_text"]),
        ("Changes compared with", f"the previous meeting, {previous['date_text']}"
         if previous else "nothing: the board's first meeting"),
        ("Status", status),
    ]  # fmt: skip
    if board.get("chair"):
        facts.insert(2, ("Chair", board["chair"]["name"] + illustrative_words(board["chair"])))
    for i, (key, value) in enumerate(facts, start=3):
        write_cell(cover, i, 1, key, STRONG)
        write_cell(cover, i, 2, value)
    row = len(facts) + 4
    brief = snapshot.get("brief")
    for title, key in (("Executive summary", "summary"), ("Key messages", "key_messages")):
        if brief and brief[key]:
            write_cell(cover, row, 1, title, STRONG)
            write_cell(cover, row, 2, brief[key], WRAPPED)
            row += 1
    row += 1
    for plan in snapshot["plans"]:
        write_cell(cover, row, 1, f"What the ratings mean ({plan['title']})", STRONG)
        entries = [(e["rating"], e["label"], e["meaning"]) for e in plan["legend"]]
        row = write_legend_rows(cover, row + 1, entries) + 1
    set_widths(cover, [34, 90])


def write_plan(ws: Worksheet, plan: dict, as_at_text: str) -> None:
    """Every action of a plan by priority, with its rating, update and reasons."""
    write_cell(ws, 1, 1, f"{plan['title']}: position as at {as_at_text}", PLAN_TITLE)
    _header(ws, 3, PLAN_COLUMNS)
    r = 4
    for priority in plan["priorities"]:
        for a in priority["actions"]:
            write_row(ws, r, _action_values(plan, priority, a), style=WRAPPED)
            rag_cell(ws.cell(row=r, column=8), a["rating"], a["rating_label"])
            r += 1
    set_widths(ws, [width for _, width in PLAN_COLUMNS])
    ws.freeze_panes = "C4"
    if r > 4:
        ws.auto_filter.ref = f"A3:{get_column_letter(len(PLAN_COLUMNS))}{r - 1}"


def _action_values(plan: dict, priority: dict, a: dict) -> list:
    return [
        f"{plan['priority_label']} {priority['number']}: {priority['title']}",
        a["number"],
        a["description"],
        a["lead"],
        a["timescale"],
        "Not understood" if a["timescale_unparsed"] else _date(a["due"]),
        "Overdue" if a["overdue"] else "",
        None,  # the rating, coloured
        a["direction_word"],
        _date(a["updated"]) or "No update",
        a["commentary"],
        a["issue"],
        a["mitigation"],
        _date(a["resolve_by"]),
        "Yes" if a["outside_control"] else "",
        "Yes" if a["escalate"] else "",
        "Yes" if a.get("illustrative") else "",
    ]


def write_exceptions(ws: Worksheet, plans: list[dict]) -> None:
    """The actions and measures reported by exception, plan by plan and priority by priority."""
    _header(ws, 1, EXCEPTION_COLUMNS)
    r = 2
    for plan in plans:
        for section in plan["exceptions"]:
            priority = (
                f"{plan['priority_label']} {section['number']}: {section['title']}"
                if section["number"]
                else section["title"]
            )
            for a in section["actions"]:
                write_row(
                    ws,
                    r,
                    [plan["title"], priority, "Action", a["number"], a["description"],
                     "; ".join(a["reason_words"]), None, a["issue"], a["mitigation"],
                     _date(a["resolve_by"]), "Yes" if a["outside_control"] else ""],
                    style=WRAPPED,
                )  # fmt: skip
                rag_cell(ws.cell(row=r, column=7), a["rating"], a["rating_label"])
                r += 1
            for m in section["measures"]:
                write_row(
                    ws,
                    r,
                    [plan["title"], priority, "Measure", m["code"], m["title"],
                     f"Outside tolerance: {m['latest']} against a target of {m['target']}",
                     None, "", "", "", ""],
                    style=WRAPPED,
                )  # fmt: skip
                rag_cell(ws.cell(row=r, column=7), measure_state(m["rag"]).rating, m["rag_word"])
                r += 1
    _finish(ws, EXCEPTION_COLUMNS, r - 1, "No exceptions.")


def write_measures(ws: Worksheet, plans: list[dict]) -> None:
    """Each plan's measures: latest value, target and tolerance as figures, and against target."""
    _header(ws, 1, MEASURE_COLUMNS)
    r = 2
    for plan in plans:
        for m in plan["measures"]:
            write_row(
                ws,
                r,
                [plan["title"], m["code"], m["title"], m["unit"], m["latest_label"],
                 _figure(m.get("latest_raw")), _figure(m.get("target_raw")),
                 _figure(m["tolerance"]), None, m["direction_word"],
                 m.get("year_direction_word", ""), "Yes" if m["latest_illustrative"] else ""],
                style=WRAPPED,
            )  # fmt: skip
            rag_cell(ws.cell(row=r, column=9), measure_state(m["rag"]).rating, m["rag_word"])
            r += 1
    _finish(ws, MEASURE_COLUMNS, r - 1, "No measures are linked to these plans.")


def write_revisions(ws: Worksheet, items: list[dict]) -> None:
    """Every field revised since the last issued pack: shown before, now, by whom, when, why."""
    write_row(ws, 1, REVISION_HEADINGS, style=STRONG)
    r = 2
    for item in items:
        edit = item["edits"][-1]
        for f in item["fields"]:
            write_row(
                ws,
                r,
                [item["kind"], item["subject"], item["given"], f["field"], f["old"], f["new"],
                 "; ".join(e["by"] for e in item["edits"]), edit["when"],
                 "; ".join(e["why"] for e in item["edits"])],
                style=WRAPPED,
            )  # fmt: skip
            r += 1


def _date(iso: str | None) -> date | None:
    """A date or moment as the snapshot keeps it (ISO text) as a date for the sheet, so that it
    sorts and filters as a date (``write_cell`` gives it the UK format)."""
    if not iso:
        return None
    if "T" in iso:
        return datetime.fromisoformat(iso).date()
    return date.fromisoformat(iso)


def write_questions(ws: Worksheet, questions: list[dict]) -> None:
    """Board members' questions before the meeting, with the leads' answers."""
    _header(ws, 1, QUESTION_COLUMNS)
    for r, q in enumerate(questions, start=2):
        values = [q["plan"], q["action_number"], q["action"], q["question"], q["asked_by"],
                  q["answer"] or "Not answered yet", q["answered_by"]]  # fmt: skip
        write_row(ws, r, values, style=WRAPPED)
    _finish(ws, QUESTION_COLUMNS, len(questions) + 1, "No questions were asked.")


def write_decisions(ws: Worksheet, decisions: list[dict]) -> None:
    """Decisions and actions arising from earlier meetings, open or closed since."""
    _header(ws, 1, DECISION_COLUMNS)
    for r, d in enumerate(decisions, start=2):
        values = [d["raised_text"], d["kind"], d["text"], d["owner"], _date(d["due"]),
                  "Overdue" if d["overdue"] else "", d["status"]]  # fmt: skip
        write_row(ws, r, values, style=WRAPPED)
    _finish(ws, DECISION_COLUMNS, len(decisions) + 1, "None open from earlier meetings.")


def _finish(ws: Worksheet, columns: list[tuple[str, int]], last_row: int, empty: str) -> None:
    """Column widths, the header frozen, and filters on the header (or a line saying none)."""
    set_widths(ws, [width for _, width in columns])
    ws.freeze_panes = "A2"
    if last_row < 2:
        write_cell(ws, 2, 1, empty)
        return
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"


def _figure(text) -> float | str | None:
    """A figure as written in the snapshot ("12,500") as a number for the sheet; text that is
    not a number stays text."""
    if text in (None, ""):
        return None
    try:
        value = Decimal(str(text).replace(",", ""))
    except InvalidOperation:
        return str(text)
    return float(value)
