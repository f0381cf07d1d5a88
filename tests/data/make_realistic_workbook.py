"""Build ``improvement_plan_realistic.xlsx``: seed 002's improvement plan table laid out the way the
council's own document lays it out, quirks included, for the import tests.

The words come from ``plans/demo_data/002_stockton_improvement_plan_2023.json`` (our summaries of
the seed, already structured); the layout and its quirks come from the seed's table
(``shared/seeds/002_1b25ab6feb2c5951.txt``):

- title rows above the table, and the header row repeated every 15 rows (once per printed page);
- section rows spanning the table, "Improvement Area One : Our People", with the area's purpose in
  a bold row under them;
- outcomes numbered in the text for area one ("1.1 A stable ...") and not for the others;
  objectives never numbered;
- outcome, objective and lead cells merged down their rows (blank cells mean "same as above");
- a lead cell with several leads on two lines ("DCS and key partner agencies / And
  partnerships");
- bullet lists inside an action cell (a numbered "1. ... 2. ..." list and "•" bullets), with one
  timescale line per item where the items have their own;
- sub-items with their own timescales and links on rows of their own under their action;
- "Ofsted Improvement Action N" written inside the action text, on its own line or at the end
  of a sentence;
- a blank RAG column.

Run from the repository root: ``.venv/bin/python tests/data/make_realistic_workbook.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "plans" / "demo_data" / "002_stockton_improvement_plan_2023.json"
TARGET = Path(__file__).resolve().parent / "improvement_plan_realistic.xlsx"

HEADER = [
    "Outcome",
    "Objective",
    "Action",
    "Success criteria",
    "Lead Officer",
    "Timescale",
    "RAG rating",
    "Links to Strategy and Detailed Action Plan",
]
AREA_WORDS = {"1": "One", "2": "Two", "3": "Three", "4": "Four"}
PAGE_ROWS = 15
NUMBERED_LIST = "Review current structures"  # written as "1. ... 2. ..." like the seed
SUB_ROWS = "Identify the key system priorities"  # sub-items on rows of their own
INLINE_TAG = "Develop and embed practice standards"  # tag at the end of the sentence


def walk(priority):
    """(outcome, objective, action) in the order the plan is printed."""
    for a in priority.get("actions", []):
        yield None, None, a
    for ob in priority.get("objectives", []):
        for a in ob.get("actions", []):
            yield None, ob, a
    for oc in priority.get("outcomes", []):
        for a in oc.get("actions", []):
            yield oc, None, a
        for ob in oc.get("objectives", []):
            for a in ob.get("actions", []):
                yield oc, ob, a


def people(data):
    return {p["key"]: p["name"] for p in data["people"]}


def action_cells(a, names):
    """The action, lead, timescale and links cells of an action's own row, and any sub rows."""
    text = a["description"]
    subs = a.get("sub_actions", [])
    sub_rows = []
    timescale = a.get("timescale", "")
    links = "\n".join(a.get("links", []))
    if subs and a["description"].startswith(SUB_ROWS):
        sub_rows = subs
    elif subs:
        if a["description"].startswith(NUMBERED_LIST):
            items = [f"{n}. {s['description']}" for n, s in enumerate(subs, start=1)]
        else:
            items = [f"\u2022 {s['description']}" for s in subs]
        text = "\n".join([text, *items])
        own = [s.get("timescale", "") for s in subs]
        if any(own):  # one line per item, under the action's own timescale
            timescale = "\n".join([timescale, *own])
    separator = " " if a["description"].startswith(INLINE_TAG) else "\n"
    for tag in a.get("tags", []):
        text = f"{text}{separator}{tag}"
    lead = a.get("lead_text") or names.get(a.get("lead"), "")
    if lead == "DCS and key partner agencies And partnerships":
        lead = "DCS and key partner agencies\nAnd partnerships"
    return text, lead, timescale, links, sub_rows


def rows_for(data):
    """Yield ("kind", values) rows; kind is "section", "purpose", "action" or "sub"."""
    names = people(data)
    for priority in data["plan"]["priorities"]:
        number = priority["number"]
        yield "section", [f"Improvement Area {AREA_WORDS[number]} : {priority['title']}"]
        yield "purpose", [priority["statement"]]
        last = {"outcome": None, "objective": None, "lead": None}
        for outcome, objective, a in walk(priority):
            text, lead, timescale, links, sub_rows = action_cells(a, names)
            outcome_cell = objective_cell = lead_cell = ""
            outcome_key = outcome["number"] if outcome else None
            if outcome_key != last["outcome"]:
                last["objective"] = None
                if outcome:
                    outcome_cell = (
                        f"{outcome['number']} {outcome['title']}"
                        if number == "1"
                        else outcome["title"]
                    )
            objective_key = objective["number"] if objective else None
            if objective and objective_key != last["objective"]:
                objective_cell = objective["title"]
            if lead != last["lead"] or outcome_cell or objective_cell:
                lead_cell = lead
            last.update(outcome=outcome_key, objective=objective_key, lead=lead)
            yield (
                "action",
                [
                    outcome_cell,
                    objective_cell,
                    text,
                    a.get("success_criteria", ""),
                    lead_cell,
                    timescale,
                    "",
                    links,
                ],
            )
            for sub in sub_rows:
                yield (
                    "sub",
                    [
                        "",
                        "",
                        f"\u2022 {sub['description']}",
                        "",
                        sub.get("lead_text", ""),
                        sub.get("timescale", ""),
                        "",
                        "\n".join(sub.get("links", [])),
                    ],
                )


def build(target: Path = TARGET) -> Path:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Improvement Plan"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append(["Stockton-on-Tees Borough Council"])
    sheet.append(["Draft Improvement Plan"])
    sheet.append(["April 2023"])
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    since_header = 0
    open_runs: dict[int, int] = {}  # column -> first row of the current merged run

    def close_runs(upto: int):
        for column, first in list(open_runs.items()):
            if upto > first:
                sheet.merge_cells(
                    start_row=first, start_column=column, end_row=upto, end_column=column
                )
        open_runs.clear()

    for kind, values in rows_for(data):
        if since_header >= PAGE_ROWS:
            close_runs(sheet.max_row)
            sheet.append(HEADER)  # the header printed again on the next page
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            since_header = 0
        if kind in ("section", "purpose"):
            close_runs(sheet.max_row)
        sheet.append(values)
        row = sheet.max_row
        since_header += 1
        if kind in ("section", "purpose"):
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADER))
            sheet.cell(row=row, column=1).font = bold
            continue
        for column in (1, 2, 5):  # outcome, objective, lead: merged down while unchanged
            if values[column - 1]:
                if column in open_runs and row - 1 > open_runs[column]:
                    sheet.merge_cells(
                        start_row=open_runs[column],
                        start_column=column,
                        end_row=row - 1,
                        end_column=column,
                    )
                open_runs[column] = row
        for cell in sheet[row]:
            cell.alignment = wrap
    close_runs(sheet.max_row)
    for letter, width in zip("ABCDEFGH", [32, 32, 50, 45, 22, 12, 10, 28], strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(target)
    return target


if __name__ == "__main__":
    print(build())
