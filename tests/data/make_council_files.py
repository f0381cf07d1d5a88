"""Build plan files laid out the way councils circulate them, from the five seed documents, for
the import tests (tests/transfer/test_import_council_files.py asserts what each must give).

The words come from ``demo/data/*.json`` (our structured summaries of the seeds in
``shared/seeds/``). Where a seed gives no lead, timescale or rating, one is chosen from a fixed
cycle below (illustrative, so that leads, dates and ratings are exercised); the same run always
gives the same files. Each file has a layout unlike the others and unlike
``improvement_plan_realistic.xlsx``:

- ``council_numbered_sections.xlsx`` (seed 000): title rows, section rows "1. Giving children the
  best start in life (Issues 1,2,3)" merged across the table, actions numbered 1-37 across the
  plan, dates formatted as months ("May-18") and as days, RAG words councils use ("On track",
  "G", "A", "Complete", "G/A"), a note under the table ("Source: ...");
- ``council_sheet_per_priority.xlsx`` (seed 002): a cover sheet, a "Key" legend sheet, one sheet
  per improvement area (named after it) with a title row, ratings given only as fill colours
  (RGB, theme colours and theme colours with a tint);
- ``council_outcome_rows.xlsx`` (seed 002): "Improvement Area 1: ..." rows, "Outcome 1.1 - ..."
  rows and "Objective: ..." rows between the actions, columns the import does not know
  ("Challenge", "Phase"), several leads in a cell split by "/" and lines;
- ``council_windows.csv`` (seed 001): a CSV saved by Excel on Windows (Windows-1252: "–", "’"),
  the priority written on every row, phases as timescales, "In progress"/"Not started"
  ratings, commentary with and without a rating, "TBC" and "N/A" leads;
- ``council_principles.xlsx`` (seed 003): principles as bold section rows numbered "A."-"D."
  in the first column, a summary sheet of counts, an empty sheet;
- ``council_levels.xlsx`` (seed 002): section rows numbered "1", "1.1" and "1.1a" (priority,
  outcome, objective by their numbering alone), actions without numbers;
- ``council_strategy_table.docx`` (seed 000): one Word table running across pages, its header
  row marked to repeat and typed again after each page break, section rows merged across,
  ratings as cell shading only;
- ``council_improvement_plan.docx`` (seed 002): a heading per improvement area between tables,
  outcome cells merged down, a table nested in a cell, a tracked change, a rating in a content
  control;
- ``council_cp1252_semicolons.csv`` (seed 003): semicolon-separated Windows-1252 CSV with a
  principle column and merged-style blanks ("same as above").

Run from the repository root: ``.venv/bin/python tests/data/make_council_files.py``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.colors import Color

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.data import docx_builder as dx  # noqa: E402

LEADS = ["DCS", "Head of Early Help", "Jane Smith", "Adele Moore", "Head of Quality"]
WORDS = ["On track", "G", "A", "Complete", "G/A", "At risk", "Not started", "R"]
FILLS = ["00B050", "FFC000", "FF0000", "0070C0", "92D050"]


def load(name: str) -> dict:
    return json.loads((ROOT / "demo" / "data" / name).read_text(encoding="utf-8"))


def actions_of(priority: dict):
    """(outcome, objective, action) in the order the plan prints them."""
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


def people(data: dict) -> dict:
    return {p["key"]: p["name"] for p in data["people"]}


def lead_of(a: dict, names: dict, n: int) -> str:
    if a.get("lead_text"):
        return a["lead_text"]
    if a.get("lead"):
        return names.get(a["lead"], a["lead"])
    return LEADS[n % len(LEADS)]


def save(workbook: Workbook, name: str) -> None:
    workbook.save(HERE / name)


# -- xlsx -------------------------------------------------------------------------------------
def numbered_sections() -> None:
    data = load("000_stockton_cs_strategy_2017_20.json")
    wb = Workbook()
    ws = wb.active
    ws.title = "Delivery plan"
    ws.append(["Stockton-on-Tees Children's Services Strategy 2017-20"])
    ws.append(["Delivery plan, position at March 2018"])
    ws.append([])
    ws.append(["No.", "Action", "Lead", "Due", "RAG", "Comments"])
    n = 0
    for p in data["plan"]["priorities"]:
        issues = ",".join(p.get("key_issues", []))
        ws.append([f"{p['number']}. {p['title']} (Issues {issues})"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for _, _, a in actions_of(p):
            n += 1
            due = date(2018, 3 + n % 9, 1 if n % 2 else 15)
            comment = f"Update on action {a['number']}." if n % 3 else ""
            ws.append(
                [int(a["number"]), a["description"], LEADS[n % 5], due, WORDS[n % 8], comment]
            )
            # odd actions: a date shown as a month ("May-18"); even: shown as a day
            ws.cell(ws.max_row, 4).number_format = "mmm-yy" if n % 2 else "dd/mm/yyyy"
    ws.append([])
    ws.append(["Source: Children's Services Strategy 2017-20, Stockton-on-Tees Borough Council"])
    save(wb, "council_numbered_sections.xlsx")


def sheet_per_priority() -> None:
    data = load("002_stockton_improvement_plan_2023.json")
    names = people(data)
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    for line in (
        "Stockton-on-Tees Borough Council",
        "Children's Services Improvement Plan",
        "Draft April 2023",
        "Owner: Director of Children's Services",
    ):
        cover.append([line])
    key = wb.create_sheet("Key")
    key.append(["RAG", "Meaning"])
    for rgb, word, meaning in (
        ("FF0000", "Red", "Off track: the board's help is needed"),
        ("FFC000", "Amber", "At risk: some slippage, being managed"),
        ("00B050", "Green", "On track"),
        ("0070C0", "Blue", "Complete, with evidence"),
    ):
        key.append([word, meaning])
        key.cell(key.max_row, 1).fill = PatternFill("solid", start_color=rgb)
    n = 0
    for p in data["plan"]["priorities"]:
        ws = wb.create_sheet(f"Area {p['number']} - {p['title']}"[:31])
        ws.append([f"Improvement Area {p['number']}: {p['title']}"])
        ws.append(["Outcome", "Action", "Success criteria", "Lead Officer", "Timescale", "RAG"])
        for oc, _, a in actions_of(p):
            n += 1
            outcome = f"{oc['number']} {oc['title']}" if oc else ""
            row = [outcome, a["description"], a.get("success_criteria", "")]
            ws.append(row + [lead_of(a, names, n), a.get("timescale") or "Ongoing", None])
            cell = ws.cell(ws.max_row, 6)
            if n % 4 == 0:  # a theme colour (accent 3, green in the workbook's theme), lighter
                cell.fill = PatternFill("solid", fgColor=Color(theme=6, tint=0.2))
            elif n % 4 == 1:  # theme accent 6 (orange in the workbook's theme)
                cell.fill = PatternFill("solid", fgColor=Color(theme=9))
            else:
                cell.fill = PatternFill("solid", start_color=FILLS[n % 5])
    save(wb, "council_sheet_per_priority.xlsx")


def outcome_rows() -> None:
    data = load("002_stockton_improvement_plan_2023.json")
    names = people(data)
    wb = Workbook()
    ws = wb.active
    ws.title = "Improvement plan"
    ws.append(["Ref", "Action", "Success criteria", "Responsible officer", "By when", "BRAG"])
    ws.cell(1, 7, "Challenge")
    ws.cell(1, 8, "Phase")
    n = 0
    for p in data["plan"]["priorities"]:
        ws.append([f"Improvement Area {p['number']}: {p['title']}"])
        last_outcome = last_objective = None
        for oc, ob, a in actions_of(p):
            n += 1
            if oc is not None and oc is not last_outcome:
                ws.append([f"Outcome {oc['number']} \u2013 {oc['title']}"])
                last_outcome = oc
            if ob is not None and ob is not last_objective:
                ws.append([f"Objective: {ob['title']}"])
                last_objective = ob
            lead = lead_of(a, names, n)
            if n % 7 == 3:
                lead = f"{lead} / Head of Quality\nTeam Manager"
            ws.append(
                [
                    None,
                    a["description"],
                    a.get("success_criteria", ""),
                    lead,
                    a.get("timescale") or "Q3 2023/24",
                    ["B", "G", "A", "R"][n % 4],
                    f"Challenge {n}" if n % 2 else None,
                    f"Phase {1 + n % 3}",
                ]
            )
    save(wb, "council_outcome_rows.xlsx")


def principles() -> None:
    data = load("003_stockton_cyp_strategy_2019_24.json")
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    summary.append(["Principle", "Actions", "Green", "Amber", "Red"])
    ws = wb.create_sheet("Action plan")
    wb.create_sheet("Sheet3")
    ws.append(["Children and Young People's Strategy 2019-2024: action plan"])
    ws.append(["Action", "Lead", "Timescale", "Status", "Progress update"])
    n = 0
    for letter, p in zip("ABCD", data["plan"]["priorities"], strict=False):
        ws.append([f"{letter}. {p['title']}"])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        count, statuses = 0, []
        for _, _, a in actions_of(p):
            n += 1
            count += 1
            lead = ["TBC", "N/A", "Head of Early Help", "DCS; Head of Quality", "-"][n % 5]
            status = ["Green", "Amber", "Not started", "Red", ""][n % 5]
            statuses.append(status)
            update = f"Progress on {a['description'][:30]}." if n % 2 else ""
            ws.append([a["description"], lead, "2019/20", status, update])
        # the summary's figures, as a council's formulas would give them
        summary.append([p["title"], count, *(statuses.count(w) for w in ("Green", "Amber", "Red"))])
    save(wb, "council_principles.xlsx")


def levels() -> None:
    data = load("002_stockton_improvement_plan_2023.json")
    names = people(data)
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Action", "Lead officer", "Timescale", "RAG rating"])
    n = 0
    for p in data["plan"]["priorities"]:
        ws.append([f"{p['number']} {p['title']}"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4)
        seen_oc, seen_ob = None, None
        for oc, ob, a in actions_of(p):
            n += 1
            if oc is not None and oc is not seen_oc:
                ws.append([f"{oc['number']} {oc['title']}"])
                ws.merge_cells(
                    start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4
                )
                seen_oc = oc
            if ob is not None and ob is not seen_ob:
                parent = oc["number"] if oc else p["number"]
                index = (oc or p)["objectives"].index(ob)
                ws.append([f"{parent}{'abcdefghij'[index]} {ob['title']}"])
                ws.merge_cells(
                    start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4
                )
                seen_ob = ob
            ws.append([a["description"], lead_of(a, names, n), a.get("timescale") or "Ongoing"])
            ws.cell(ws.max_row, 4, ["Green", "Amber", "Complete"][n % 3])
    save(wb, "council_levels.xlsx")


# -- csv --------------------------------------------------------------------------------------
def windows_csv() -> None:
    data = load("001_middlesbrough_early_help_2018_22.json")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Priority", "Action", "Lead", "Timescale", "Status", "Commentary", "Partners"])
    n = 0
    for p in data["plan"]["priorities"]:
        for _, _, a in actions_of(p):
            n += 1
            lead = ["TBC", "Head of Early Help", "N/A", "Early Help Manager \u2013 North", "-"][
                n % 5
            ]
            status = ["In progress", "Not started", "Complete", "On track", ""][n % 5]
            comment = f"Partners\u2019 update {n} \u2013 see minutes." if n % 3 else ""
            writer.writerow(
                [
                    f"{p['number']}. {p['title']}",
                    a["description"],
                    lead,
                    a.get("timescale") or "Long-term (October 2018 - August 2019)",
                    status,
                    comment,
                    "; ".join(a.get("partners", [])),
                ]
            )
    (HERE / "council_windows.csv").write_bytes(buffer.getvalue().encode("cp1252"))


def semicolon_csv() -> None:
    data = load("003_stockton_cyp_strategy_2019_24.json")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Principle", "What we will do", "Who", "When", "RAG status"])
    n = 0
    for p in data["plan"]["priorities"]:
        first = True
        for _, _, a in actions_of(p):
            n += 1
            principle = f"Principle {p['number']} \u2013 {p['title']}" if first else ""
            first = False
            writer.writerow(
                [
                    principle,
                    a["description"],
                    "Partnership Manager",
                    "March 2020",
                    "G" if n % 2 else "A",
                ]
            )
    (HERE / "council_cp1252_semicolons.csv").write_bytes(buffer.getvalue().encode("cp1252"))


# -- docx -------------------------------------------------------------------------------------
def header_cells(names):
    return [dx.cell(name) for name in names]


def strategy_table() -> None:
    data = load("000_stockton_cs_strategy_2017_20.json")
    heading = ["No.", "Action", "Lead", "Timescale", "RAG"]
    parts = [dx.para("Children's Services Strategy 2017-20: delivery plan", style="Heading1")]
    rows = [header_cells(heading)]
    n = 0
    for p in data["plan"]["priorities"]:
        rows.append([dx.cell(f"{p['number']}. {p['title']}", across=5)])
        for _, _, a in actions_of(p):
            n += 1
            rows.append(
                [
                    dx.cell(a["number"]),
                    dx.cell(a["description"]),
                    dx.cell(LEADS[n % 5]),
                    dx.cell("March 2018" if n % 2 else "Q2 2017/18"),
                    dx.cell("", fill=FILLS[n % 5]),
                ]
            )
        if p["number"] in ("2", "4"):  # a page break, and the header typed again after it
            parts.append(dx.TableSpec(rows=rows).xml())
            parts.append(dx.PAGE_BREAK)
            rows = [header_cells(heading)]
    parts.append(dx.TableSpec(rows=rows).xml())
    parts.append(dx.para("Key: shading shows the rating (green on track, amber at risk)."))
    (HERE / "council_strategy_table.docx").write_bytes(dx.document_bytes(parts))


def improvement_plan_docx() -> None:
    data = load("002_stockton_improvement_plan_2023.json")
    names = people(data)
    heading = ["Outcome", "Action", "Success criteria", "Lead Officer", "Timescale", "RAG rating"]
    parts = [
        dx.para("Stockton-on-Tees Improvement Plan", style="Title"),
        dx.para("Draft April 2023"),
    ]
    n = 0
    for p in data["plan"]["priorities"]:
        parts.append(dx.para(f"Improvement Area {p['number']}: {p['title']}", style="Heading2"))
        rows = [header_cells(heading)]
        last = None
        for oc, _, a in actions_of(p):
            n += 1
            if oc is not None and oc is not last:
                outcome = dx.cell(f"{oc['number']} {oc['title']}", merge="restart")
                last = oc
            else:
                outcome = dx.cell("", merge="continue") if oc is not None else dx.cell("")
            action = dx.cell(a["description"])
            if n == 3:  # an edit made with tracked changes on
                action = dx.TCell(dx.tracked(a["description"], " (revised)", " (first draft)"))
            if n == 5:  # a small table inside the action's cell
                inner = dx.TableSpec(
                    rows=[[dx.cell("Milestone"), dx.cell("June 23")]], header_rows=0
                )
                action = dx.TCell(dx.para(a["description"]) + inner.xml())
            rating = dx.cell(["Green", "Amber", "Red", "Blue"][n % 4])
            if n % 6 == 0:  # a drop-down content control
                rating = dx.TCell(dx.content_control("Green"))
            rows.append(
                [
                    outcome,
                    action,
                    dx.cell(a.get("success_criteria", "")),
                    dx.cell(lead_of(a, names, n)),
                    dx.cell(a.get("timescale") or "Ongoing"),
                    rating,
                ]
            )
        parts.append(dx.TableSpec(rows=rows).xml())
    (HERE / "council_improvement_plan.docx").write_bytes(dx.document_bytes(parts))


BUILDERS = [
    numbered_sections,
    sheet_per_priority,
    outcome_rows,
    principles,
    levels,
    windows_csv,
    semicolon_csv,
    strategy_table,
    improvement_plan_docx,
]

if __name__ == "__main__":
    for build in BUILDERS:
        build()
        print(build.__name__)
