"""A board pack as a Word document (.docx) for the committee system, from its snapshot (so an
issued pack's document is the pack as issued, like its PDF and spreadsheet): a cover with the
council, board, meeting, status and contents, the summary and key messages, the questions and
answers, the decisions and actions arising, the revisions, and each plan's position, exceptions,
changes since the previous meeting, measures and every action. Ratings are words on their
colours; every table of a kind has the same column widths."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from core.formatting import illustrative_words
from core.presentation import measure_state, swatch

# Column widths (cm) of the pack's tables on A4 landscape (25.7 cm between the margins).
ACTION_COLUMNS = [("No.", 1.6), ("Action", 8.0), ("Lead officer", 3.4), ("Timescale", 2.8),
                  ("RAG rating and change", 3.2), ("Latest update", 6.7)]  # fmt: skip
QUESTION_COLUMNS = [("No.", 1.6), ("Action", 6.0), ("Question", 7.0), ("Answer", 11.1)]
DECISION_COLUMNS = [("Raised", 3.0), ("What", 11.0), ("Owner", 4.2), ("Due by", 3.5),
                    ("Status", 4.0)]  # fmt: skip
EXCEPTION_COLUMNS = [("No.", 1.6), ("Action", 8.0), ("Why reported", 4.0), ("RAG rating", 3.2),
                     ("What the issue is and what is being done", 8.9)]  # fmt: skip
MEASURE_COLUMNS = [("Measure", 8.0), ("Period", 3.0), ("Latest", 2.6), ("Target", 2.6),
                   ("Against target", 3.2), ("Since the previous period", 3.1),
                   ("Since the same period last year", 3.2)]  # fmt: skip
REVISION_COLUMNS = [("What", 6.0), ("Changed", 3.5), ("Shown before", 5.0), ("Now", 5.0),
                    ("Who, when and why", 6.2)]  # fmt: skip


def pack_docx(snapshot: dict) -> bytes:
    """The pack as the bytes of a .docx document."""
    doc = Document()
    _landscape(doc)
    _cover(doc, snapshot)
    doc.add_page_break()
    _brief(doc, snapshot.get("brief"))
    _questions(doc, snapshot.get("questions") or [])
    _decisions(doc, snapshot.get("decisions") or [])
    revisions = snapshot.get("revisions")
    if revisions and revisions.get("items"):
        _revisions(doc, revisions)
    for plan in snapshot["plans"]:
        doc.add_page_break()
        _plan(doc, plan, snapshot)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _landscape(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = "Board pack"


def _rgb(colour: str) -> RGBColor:
    """A #rrggbb colour for python-docx (near-black for anything else)."""
    try:
        return RGBColor.from_string(colour.lstrip("#").upper())
    except ValueError:
        return RGBColor.from_string("0B0C0C")


def _cover(doc, snapshot: dict) -> None:
    board, meeting = snapshot["board"], snapshot["meeting"]
    council = doc.add_paragraph()
    run = council.add_run(board["organisation"])
    run.bold, run.font.size = True, Pt(16)
    run.font.color.rgb = _rgb(board.get("colour") or "#1d70b8")
    doc.add_heading(f"{board['name']}: board pack", level=0)
    doc.core_properties.title = f"{board['name']}: board pack, {meeting['date_text']}"
    doc.core_properties.author = board["organisation"]
    status = snapshot.get("status") or {
        "issued": False,
        "text": "Not issued yet: it may change until it is issued",
    }
    previous = snapshot.get("previous_meeting")
    facts = [
        ("Meeting", meeting["date_text"] + (f", {meeting['title']}" if meeting["title"] else "")
         + illustrative_words(meeting)),
        ("Position as at", snapshot["as_at_text"]),
        ("Status", ("Issued. " if status["issued"] else "Draft. ") + status["text"]),
        ("Compared with", f"the position at the previous meeting, {previous['date_text']}"
         if previous else "nothing: the board's first meeting"),
    ]  # fmt: skip
    if board.get("chair"):
        facts.insert(1, ("Chair", board["chair"]["name"] + illustrative_words(board["chair"])))
    table = doc.add_table(rows=0, cols=2)
    for key, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value
        cells[0].paragraphs[0].runs[0].bold = True
    _widths(table, [5.0, 20.7])
    doc.add_heading("Contents", level=1)
    contents = ["Executive summary and key messages", "Questions from board members",
                "Decisions and actions arising"]  # fmt: skip
    if (snapshot.get("revisions") or {}).get("items"):
        contents.append("Revised since the last meeting")
    contents += [plan["title"] for plan in snapshot["plans"]]
    for i, title in enumerate(contents, start=1):
        doc.add_paragraph(f"{i}. {title}")


def _blocks(doc, blocks: list[dict]) -> None:
    for block in blocks:
        if block["kind"] == "list":
            for item in block["items"]:
                doc.add_paragraph(item, style="List Bullet")
        else:
            doc.add_paragraph(block["text"])


def _brief(doc, brief: dict | None) -> None:
    doc.add_heading("Executive summary and key messages", level=1)
    if not brief:
        doc.add_paragraph("No summary has been written for this meeting.")
        return
    _blocks(doc, brief["summary_blocks"])
    if brief["key_message_blocks"]:
        doc.add_heading("Key messages", level=2)
        _blocks(doc, brief["key_message_blocks"])
    doc.add_paragraph(f"Written by {brief['by']}, {brief['updated_text']}.").runs[0].italic = True


def _questions(doc, questions: list[dict]) -> None:
    doc.add_heading("Questions from board members", level=1)
    if not questions:
        doc.add_paragraph("No questions were asked before the meeting.")
        return
    table = _table(doc, QUESTION_COLUMNS)
    for q in questions:
        answer = (
            f"{q['answer']}\n({q['answered_by']}, {q['answered_text']})"
            if q["answer"]
            else "Not answered yet"
        )
        _row(table, [q["action_number"], f"{q['action']}\n{q['plan']}",
                     f"{q['question']}\n({q['asked_by']}, {q['asked_text']})", answer])  # fmt: skip


def _decisions(doc, decisions: list[dict]) -> None:
    doc.add_heading("Decisions and actions arising", level=1)
    if not decisions:
        doc.add_paragraph("No decisions or actions arising are open from earlier meetings.")
        return
    table = _table(doc, DECISION_COLUMNS)
    for d in decisions:
        due = (d["due_text"] or "–") + (" (overdue)" if d["overdue"] else "")
        status = d["status"] + (f": {d['closing_note']}" if d["closing_note"] else "")
        _row(table, [d["raised_text"], f"{d['kind']}: {d['text']}", d["owner"] or "–", due,
                     status])  # fmt: skip


def _revisions(doc, revisions: dict) -> None:
    doc.add_heading("Revised since the last meeting", level=1)
    doc.add_paragraph(
        f"Figures shown in the pack issued for the meeting on {revisions['previous_meeting']} "
        "that have been corrected since."
    )
    table = _table(doc, REVISION_COLUMNS)
    for item in revisions["items"]:
        fields, edits = item["fields"], item["edits"]
        _row(
            table,
            [
                f"{item['kind']}: {item['subject']}",
                "\n".join(f["field"] for f in fields),
                "\n".join(str(f["old"]) for f in fields),
                "\n".join(str(f["new"]) for f in fields),
                "\n".join(f"{e['by']}, {e['when']}: {e['why']}" for e in edits),
            ],
        )


def _plan(doc, plan: dict, snapshot: dict) -> None:
    doc.add_heading(plan["title"], level=1)
    doc.add_paragraph(f"{plan['organisation']} · {plan['status']}")
    doc.add_heading("Position at a glance", level=2)
    counts = ", ".join(
        f"{c['label']} {c['count']}" for c in plan["overall"]["counts"] if c["count"]
    )
    worst = f"; worst rating {plan['overall']['worst_label']}" if plan["overall"]["worst"] else ""
    doc.add_paragraph(f"{plan['overall']['total']} actions: {counts or 'none'}{worst}.")
    _exceptions(doc, plan)
    _changes(doc, plan, snapshot)
    _measures(doc, plan["measures"], snapshot["as_at_text"])
    doc.add_heading(f"Every {plan['action_label'].lower()}", level=2)
    for priority in plan["priorities"]:
        if not priority["actions"]:
            continue
        doc.add_heading(f"{plan['priority_label']} {priority['number']}: {priority['title']}", 3)
        table = _table(doc, ACTION_COLUMNS)
        for a in priority["actions"]:
            timescale = (a["timescale"] or "–") + (" (overdue)" if a["overdue"] else "")
            update = (f"{a['updated_text']}, {a['author']}: {a['commentary']}"
                      if a["has_update"] else "No update given yet")  # fmt: skip
            cells = _row(table, [a["number"], a["description"], a["lead"] or "–", timescale,
                                 "", update])  # fmt: skip
            _rating(cells[4], a["rating"], a["rating_label"],
                    a["direction_word"] if a["direction"] not in ("", "unchanged") else "",
                    a["direction_arrow"])  # fmt: skip


def _exceptions(doc, plan: dict) -> None:
    doc.add_heading("Exceptions", level=2)
    rows = [(s, a) for s in plan["exceptions"] for a in s["actions"]]
    if not rows:
        doc.add_paragraph("No actions are reported by exception.")
        return
    table = _table(doc, EXCEPTION_COLUMNS)
    for _, a in rows:
        issue = "; ".join(x for x in (a["issue"], a["mitigation"]) if x) or "–"
        cells = _row(table, [a["number"], a["description"], ", ".join(a["reason_words"]), "",
                             issue])  # fmt: skip
        _rating(cells[3], a["rating"], a["rating_label"], "", "")


def _changes(doc, plan: dict, snapshot: dict) -> None:
    doc.add_heading("Changes since the previous meeting", level=2)
    changes, previous = plan["changes"], snapshot.get("previous_meeting")
    if not changes or not previous:
        doc.add_paragraph("No previous meeting to compare with.")
        return
    if not (changes["moved"] or changes["newly_overdue"] or changes["newly_complete"]):
        doc.add_paragraph(
            "No rating has moved, and nothing has become overdue or complete, since the "
            f"meeting on {previous['date_text']}."
        )
        return
    doc.add_paragraph(
        f"Since the meeting on {previous['date_text']}: ↑ {changes['improved']} improved, "
        f"↓ {changes['worsened']} worsened, {len(changes['newly_overdue'])} newly overdue, "
        f"{len(changes['newly_complete'])} newly complete."
    )


def _measures(doc, measures: list[dict], as_at_text: str) -> None:
    doc.add_heading("Outcome measures", level=2)
    if not measures:
        doc.add_paragraph("No outcome measures are linked to this plan.")
        return
    table = _table(doc, MEASURE_COLUMNS)
    for m in measures:
        cells = _row(table, [f"{m['code']} {m['title']}", m["latest_label"] or "No value",
                             m["latest"] or "–", m["target"] or "–", "",
                             _travel(m["direction_arrow"], m["direction_word"]),
                             _travel(m.get("year_direction_arrow", ""),
                                     m.get("year_direction_word", ""))])  # fmt: skip
        state = measure_state(m["rag"] or None, has_value=bool(m["latest"]))
        _rating(cells[4], state.rating.value if state.rating else "", state.label, "", "")


def _travel(arrow: str, word: str) -> str:
    return f"{arrow} {word}".strip() if word else "–"


# --- tables -----------------------------------------------------------------------------------


def _table(doc, columns: list[tuple[str, float]]):
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    for cell, (name, _) in zip(table.rows[0].cells, columns, strict=True):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(table.rows[0])
    _widths(table, [w for _, w in columns])
    return table


def _row(table, values: list) -> list:
    cells = table.add_row().cells
    for cell, value in zip(cells, values, strict=True):
        cell.text = str(value)
    widths = [c.width for c in table.rows[0].cells]
    for cell, width in zip(cells, widths, strict=True):
        cell.width = width
    return cells


def _widths(table, widths_cm: list[float]) -> None:
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _rating(cell, rating: str, label: str, change: str, arrow: str) -> None:
    """A rating as its word on its colour (the cell shaded), with its change in words."""
    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(label)
    run.bold = True
    if rating:
        fill = swatch(rating)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill.fill.lstrip("#").upper())
        cell._tc.get_or_add_tcPr().append(shading)
        run.font.color.rgb = _rgb(fill.text)
    if change:
        paragraph.add_run(f"\n{arrow} {change}".rstrip()).font.color.rgb = _rgb(
            swatch(rating).text if rating else "#0b0c0c"
        )
