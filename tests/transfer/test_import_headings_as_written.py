"""Column names as councils write them, not only as the synonym list spells them: dated
("Progress update (March 2025)", "RAG Q3"), joined with "/" ("Area for improvement / Action"),
or put as a question ("What will success look like?"). A title or note above the table is never
taken for the header, and someone else's words ("Comments from the board") are not the officer's.
A plan title printed on every sheet is the plan's title, not each sheet's priority."""

import io

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from core.rag import Rating
from tests import factories
from tests.factories.transfer import new_plan_options
from transfer.imports.headers import IGNORE, PLAN_FIELDS, without_period
from transfer.imports.plan_changes import PlanImporter
from transfer.imports.reading import read_source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "heading,field",
    [
        # dated
        ("Progress update (March 2025)", "commentary"),
        ("Update March 2025", "commentary"),
        ("RAG Q3", "rag"),
        ("Q3 RAG rating", "rag"),
        ("Status as at 31/03/25", "rag"),
        ("Update (Jan 26)", "commentary"),
        # joined names: the column holds the action, whatever else it names
        ("Area for improvement / Action", "action"),
        ("Lead officer / team", "lead"),
        ("Target date / timescale", "timescale"),
        # by their words
        ("What will success look like?", "success_criteria"),
        ("Measure of impact", "success_criteria"),
        ("Actions to be taken", "action"),
        ("What are we going to do?", "action"),
        ("Key milestones", "action"),
        ("Action lead", "lead"),
        ("Officer responsible", "lead"),
        ("When will it be done by?", "timescale"),
        ("End date", "timescale"),  # beside "Start date", which is kept as text
        ("Start date", None),
        ("Current position", "commentary"),
        ("Action No.", "number"),
        ("Priority area no", "priority_number"),
        ("Key partners involved", "partners"),
        # still refused or left for the administrator
        ("Date of update", IGNORE),
        ("Date of last update", None),  # dates, kept as text: never the commentary
        ("Review date", None),
        ("Target date / timescale", "timescale"),
        ("Comments from the board", None),
        ("Scrutiny panel challenge", None),
        ("Risk rating", None),
        ("Evidence", None),
        ("How will we know we have made a real difference to children?", None),
        ("Owner: Director of Children's Services  Last updated: 14/03/2025", None),
        ("Anyshire County Council - Children's Services Improvement Plan 2025-26", None),
        ("Northtown SEND and Inclusion Action Plan 2026-27", None),
    ],
)
def test_headings_are_read_the_way_a_person_reads_them(heading, field):
    assert PLAN_FIELDS.recognise(heading) == field


def fields_of(headings: list[str]) -> list:
    header = PLAN_FIELDS.match(1, headings, {})
    assert header.duplicates == []
    return [c.field for c in header.columns]


def test_a_rating_per_quarter_takes_the_latest_and_keeps_the_others():
    headings = ["Action", "RAG Q1", "Update Q1", "RAG Q2", "Update Q2"]
    assert fields_of(headings) == ["action", "extra", "extra", "rag", "commentary"]


def test_a_column_named_for_a_field_wins_over_one_read_from_its_words():
    assert fields_of(["Action", "RAG (March)", "Status"]) == ["action", "extra", "rag"]
    # the administrator's choice stands, and two columns named for one field are still refused
    chosen = PLAN_FIELDS.match(1, ["Action", "RAG Q1", "RAG Q2"], {"B": "rag", "C": "ignore"})
    assert [c.field for c in chosen.columns] == ["action", "rag", "ignore"]
    assert [key for key, _ in PLAN_FIELDS.match(1, ["Action", "RAG", "BRAG"], {}).duplicates] == [
        "rag"
    ]


def test_the_measures_import_keeps_to_its_names():
    from transfer.imports.headers import MEASURE_FIELDS

    assert MEASURE_FIELDS.recognise("Progress update (March 2025)") is None
    assert MEASURE_FIELDS.recognise("Value") == "value"


def test_period_words_come_off_both_ends_only():
    assert without_period("rag rating as at 31 03 25") == "rag rating"
    assert without_period("q3 2025 26 progress update") == "progress update"
    assert without_period("end of year position") == "position"
    assert without_period("march") == ""


FILLS = {"R": "FFFF0000", "A": "FFFFC000", "G": "FF00B050", "B": "FF0070C0"}
TITLE = "Anyshire County Council - Children's Services Improvement Plan 2025-26"
HEADINGS = [
    "Ref",
    "Area for improvement / Action",
    "What will success look like?",
    "Lead",
    "By when",
    "Progress update (March 2025)",
    "RAG",
]
THEMES = {
    "Theme 1": (
        "Theme 1: Strengthening the front door",
        [
            ("1a", "Review MASH thresholds", "Re-referrals below 20%", "Head of MASH", "Q2 2025/26",
             "Workshop held.", "A", None),
            ("1b", "Daily partnership triage", "Contacts screened in 24 hours", "Head of MASH",
             "Sept 25", "Started in January.", "G", "On track"),
            ("1c", "Audit strategy discussions", "80% good or better", "QA Lead", "31/03/2026",
             "", None, "Not started"),
        ],
    ),
    "Theme 2": (
        "Theme 2: Permanence for children in care",
        [
            ("2a", "Permanence by the second review", "90% with a plan", "Head of CiC", "Ongoing",
             "72% in February.", "R", None),
            ("2b", "Recruit 20 foster carers", "20 households approved", "Fostering Manager",
             "March 2026", "21 approved.", "B", "Complete"),
        ],
    ),
}  # fmt: skip


def anyshire_workbook() -> bytes:
    """Two theme sheets, each with the plan's title and an owner line above the table, a merged
    theme row, and RAG as a fill colour with or without a word; a key sheet."""
    book = Workbook()
    book.remove(book.active)
    for name, (theme, actions) in THEMES.items():
        sheet = book.create_sheet(name)
        sheet["A1"] = TITLE
        sheet["A2"] = "Owner: Director of Children's Services    Last updated: 14/03/2025"
        sheet.append([])
        sheet.append([])
        sheet.append(HEADINGS)
        sheet.append([theme])
        sheet.merge_cells(start_row=6, start_column=1, end_row=6, end_column=len(HEADINGS))
        for *values, fill, word in actions:
            sheet.append([*values, word])
            if fill:
                sheet.cell(row=sheet.max_row, column=7).fill = PatternFill(
                    "solid", fgColor=FILLS[fill]
                )
    key = book.create_sheet("Key")
    for row in (
        ("RAG key",),
        ("Red", "Off track"),
        ("Amber", "Some slippage"),
        ("Green", "On track"),
        ("Blue", "Complete"),
    ):
        key.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(name: str, content: bytes, organisation):
    importer = PlanImporter(
        source=read_source(filename=name, content=content),
        options=new_plan_options(organisation, title=""),
    )
    importer.prepare()
    return importer


def test_a_workbook_with_headings_as_written_imports_whole():
    org = factories.organisation(name="Anyshire County Council")
    importer = preview("anyshire.xlsx", anyshire_workbook(), org)
    result = importer.result
    assert result["errors"] == [] and result["can_commit"]
    assert result["chosen_sheets"] == ["Theme 1", "Theme 2"]
    assert result["suggested_title"] == TITLE  # printed on both sheets: the plan's title
    assert [(c["heading"], c["field"]) for c in result["columns"]] == [
        ("Ref", "number"),
        ("Area for improvement / Action", "action"),
        ("What will success look like?", "success_criteria"),
        ("Lead", "lead"),
        ("By when", "timescale"),
        ("Progress update (March 2025)", "commentary"),
        ("RAG", "rag"),
    ]
    assert [n["title"] for n in result["tree"] if n["kind"] == "priority"] == [
        "Strengthening the front door",
        "Permanence for children in care",
    ]
    actions = {a["number"]: a for a in result["actions"]}
    assert {n: a["rating_value"] for n, a in actions.items()} == {
        "1a": Rating.AMBER,  # fill only
        "1b": Rating.GREEN,
        "1c": Rating.NOT_STARTED,  # word only
        "2a": Rating.RED,
        "2b": Rating.COMPLETE,
    }
    account = result["account"]
    assert account["unaccounted"] == 0 and account["share_used"] >= 90
    # the owner lines are listed as not taken, the titles are used
    assert sorted((c["sheet"], c["row"]) for c in account["listed"] if c["sheet"] != "Key") == [
        ("Theme 1", 2),
        ("Theme 2", 2),
    ]
    plan = importer.commit(user=None)
    assert plan.title == TITLE
    committed = {a.number: a for a in plan.actions.all()}
    assert committed["1a"].success_criteria == "Re-referrals below 20%"
    assert committed["2a"].timescale_text == "Ongoing"


def shade(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:fill"), colour)
    properties.append(fill)


WORD_HEADINGS = [
    "No.",
    "Action",
    "Measure of impact",
    "Responsible",
    "Target date",
    "Update (Jan 26)",
    "BRAG",
]
WORD_PRIORITIES = [
    (
        "Priority 1 - Management oversight",
        "1.1",
        "Refresh the supervision policy",
        "Amber",
        "FFC000",
    ),
    ("Priority 2 - Care leavers' accommodation", "2.1", "Commission lodgings", "", "FF0000"),
]


def test_a_word_plan_with_headings_as_written_imports_whole():
    """Headings between the tables name the priorities; RAG is a word, or only the shading."""
    document = Document()
    document.add_heading("Blankshire Children's Services - ILACS Improvement Plan 2026", 0)
    document.add_paragraph("Version 3, agreed by the Improvement Board on 12 January 2026.")
    for priority, number, action, word, colour in WORD_PRIORITIES:
        document.add_heading(priority, 1)
        table = document.add_table(rows=1, cols=len(WORD_HEADINGS))
        for cell, text in zip(table.rows[0].cells, WORD_HEADINGS, strict=True):
            cell.text = text
        cells = table.add_row().cells
        values = [number, action, "Impact", "Head of Quality", "March 2026", "Begun.", word]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
        shade(cells[6], colour)
    out = io.BytesIO()
    document.save(out)
    org = factories.organisation(name="Blankshire")
    result = preview("blankshire.docx", out.getvalue(), org).result
    assert result["errors"] == [] and result["can_commit"]
    assert [c["field"] for c in result["columns"]] == [
        "number",
        "action",
        "success_criteria",
        "lead",
        "timescale",
        "commentary",
        "rag",
    ]
    assert [n["title"] for n in result["tree"] if n["kind"] == "priority"] == [
        "Management oversight",
        "Care leavers' accommodation",
    ]
    ratings = {a["number"]: a["rating_value"] for a in result["actions"]}
    assert ratings == {"1.1": Rating.AMBER, "2.1": Rating.RED}  # the word, then the shading


# Ratings as councils write them ----------------------------------------------------------------
@pytest.mark.parametrize(
    "word,rating",
    [
        ("AG", Rating.AMBER),  # between two: the worse
        ("Amber-Green", Rating.AMBER),
        ("amber green", Rating.AMBER),
        ("RA", Rating.RED),
        ("C", Rating.COMPLETE),
        ("Complete (Blue)", Rating.COMPLETE),
        ("Green (on track)", Rating.GREEN),
        ("Amber - some slippage", Rating.AMBER),
        ("Red: behind plan", Rating.RED),
        ("NS", Rating.NOT_STARTED),
        ("Not due to start", Rating.NOT_STARTED),
        ("Some slippage", Rating.AMBER),
        # contradictions and strangers are left for the administrator to say
        ("On track (Amber)", None),
        ("Green (behind)", None),
        ("GG", None),
        ("Fine", None),
    ],
)
def test_rating_words_as_written(word, rating):
    from transfer.imports.plan_rows import rating_from

    assert rating_from(word) == rating


def test_no_rating_written_is_read_as_blank_and_a_fill_still_counts():
    """ "N/A" and "TBC" give no rating and stop nothing; a coloured cell saying "TBC" is rated by
    its colour; the administrator's own reading of a word still wins."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Priority", "Action", "Lead", "RAG"])
    sheet.append(["1 Early help", "Family hubs", "Head of Early Help", "N/A"])
    sheet.append(["1 Early help", "Parenting offer", "Head of Early Help", "TBC"])
    sheet.append(["1 Early help", "Youth offer", "Youth Lead", "Not applicable"])
    sheet.cell(row=3, column=4).fill = PatternFill("solid", fgColor=FILLS["A"])
    out = io.BytesIO()
    book.save(out)
    org = factories.organisation(name="Anyshire County Council")
    result = preview("blanks.xlsx", out.getvalue(), org).result
    assert result["errors"] == [] and result["unknown_ratings"] == []
    assert [a["rating_value"] or None for a in result["actions"]] == [None, Rating.AMBER, None]
    chosen = PlanImporter(
        source=read_source(filename="blanks.xlsx", content=out.getvalue()),
        options=new_plan_options(org, title="", rating_words={"n/a": Rating.GREEN}),
    )
    chosen.prepare()
    assert [a["rating_value"] for a in chosen.result["actions"]][0] == Rating.GREEN


def test_a_title_naming_an_action_plan_above_the_table_is_not_its_header():
    """A Word plan's title paragraph says "Action Plan": the header is the table's first row,
    and the priority cells merged down the rows name each action's priority."""
    document = Document()
    document.add_paragraph("Northtown SEND and Inclusion Action Plan 2026-27")
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ["Strategic priority", "Ref", "Actions", "Lead(s)", "RAG"], strict=True
    ):
        cell.text = text
    for priority, number, action, rating in (
        ("1. Early identification", "1.1", "Train health visitors", "Green"),
        ("", "1.2", "Publish the graduated approach", "Amber"),
        ("2. Timely EHCPs", "2.1", "Recruit two coordinators", "Red"),
    ):
        cells = table.add_row().cells
        for cell, text in zip(cells, [priority, number, action, "SEND Lead", rating], strict=True):
            cell.text = text
    table.cell(1, 0).merge(table.cell(2, 0))
    out = io.BytesIO()
    document.save(out)
    org = factories.organisation(name="Northtown")
    result = preview("northtown.docx", out.getvalue(), org).result
    assert result["errors"] == []
    assert result["suggested_title"] == "Northtown SEND and Inclusion Action Plan 2026-27"
    assert [c["field"] for c in result["columns"]] == [
        "priority",
        "number",
        "action",
        "lead",
        "rag",
    ]
    assert [(n["number"], n["title"]) for n in result["tree"] if n["kind"] == "priority"] == [
        ("1", "Early identification"),
        ("2", "Timely EHCPs"),
    ]
    assert [a["number"] for a in result["actions"]] == ["1.1", "1.2", "2.1"]


PLANNER_CSV = """Task ID,Task Name,Bucket Name,Progress,Priority,Assigned To,Created By,\
Created Date,Start date,Due date,Late,Completed Date,Completed By,Description,\
Completed Checklist Items,Checklist Items,Labels
Fz1,Refresh supervision policy,Practice standards,In progress,Important,Jo Bloggs,Sam Admin,\
01/04/2026,01/04/2026,30/06/2026,false,,,Policy to be agreed at DMT,1/3,Draft;Consult,Ofsted
Fz2,Audit 30 case files,Practice standards,Not started,Medium,Ann Other,Sam Admin,01/04/2026,,\
31/07/2026,false,,,Themed audit,0/0,,
Fz3,Recruit EHC coordinators,SEND,Completed,Urgent,Head of SEND,Sam Admin,01/04/2026,\
01/04/2026,31/05/2026,false,20/05/2026,Head of SEND,Two posts,0/0,,
"""


def test_a_microsoft_planner_export_reads_as_planner_lays_it_out():
    """Buckets are the priorities, progress the rating, the assignee the lead; Planner's
    "Priority" (urgency) and "Description" are kept as text, its IDs and dates of making left
    out; the preview says which layout it read."""
    org = factories.organisation(name="Northtown")
    result = preview("planner.csv", PLANNER_CSV.encode(), org).result
    assert result["errors"] == [] and result["can_commit"]
    fields = {c["heading"]: c["field"] for c in result["columns"]}
    assert fields["Task Name"] == "action" and fields["Bucket Name"] == "priority"
    assert fields["Progress"] == "rag" and fields["Assigned To"] == "lead"
    assert fields["Priority"] == "extra" and fields["Description"] == "extra"
    assert fields["Task ID"] == fields["Created By"] == "ignore"
    assert any("Microsoft Planner export" in w["message"] for w in result["warnings"])
    assert [n["title"] for n in result["tree"] if n["kind"] == "priority"] == [
        "Practice standards",
        "SEND",
    ]
    assert [(a["description"], a["rating_value"]) for a in result["actions"]] == [
        ("Refresh supervision policy", Rating.GREEN),
        ("Audit 30 case files", Rating.NOT_STARTED),
        ("Recruit EHC coordinators", Rating.COMPLETE),
    ]


def test_a_file_with_only_some_of_planners_names_is_read_as_usual():
    header = PLAN_FIELDS.match(1, ["Priority", "Task name", "Progress", "Lead"], {})
    assert header.layout == ""
    assert [c.field for c in header.columns] == ["priority", "action", "commentary", "lead"]


def test_column_names_over_two_rows_are_read_together():
    """ "Timescale" merged over "Start" and "End", "Progress" over "Update" and "RAG": the end is
    the timescale, the start kept as text, and both rows of names are accounted for."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Plan for improvement 2026"])
    sheet.append(["Ref", "Action", "Lead", "Timescale", None, "Progress", None])
    sheet.append([None, None, None, "Start", "End", "Update", "RAG"])
    for cells in ("D2:E2", "F2:G2", "A2:A3", "B2:B3", "C2:C3"):
        sheet.merge_cells(cells)
    sheet.append(["Priority 1: Safe practice"])
    sheet.append(
        ["1.1", "Refresh thresholds", "Head of MASH", "Apr 2026", "Sep 2026", "Out", "Amber"]
    )
    sheet.append(["1.2", "Audit", "QA Lead", "May 2026", "Jul 2026", "", "Green"])
    out = io.BytesIO()
    book.save(out)
    org = factories.organisation(name="Northtown")
    result = preview("two-rows.xlsx", out.getvalue(), org).result
    assert result["errors"] == [] and result["can_commit"]
    assert result["suggested_title"] == "Plan for improvement 2026"
    assert [(c["heading"], c["field"]) for c in result["columns"]] == [
        ("Ref", "number"),
        ("Action", "action"),
        ("Lead", "lead"),
        ("Timescale Start", "extra"),
        ("Timescale End", "timescale"),
        ("Update", "commentary"),
        ("RAG", "rag"),
    ]
    actions = {a["number"]: a for a in result["actions"]}
    assert actions["1.1"]["timescale"] == "Sep 2026"
    assert actions["1.1"]["rating_value"] == Rating.AMBER
    assert result["account"]["unaccounted"] == 0 and result["account"]["ignored"] == 0


def test_a_first_row_of_actions_is_never_a_second_row_of_names():
    book = Workbook()
    sheet = book.active
    sheet.append(["Ref", "Action", "Lead", None, "RAG"])
    sheet.append(["1", "Refresh thresholds", "Head of MASH", "Yes", "Amber"])
    out = io.BytesIO()
    book.save(out)
    org = factories.organisation(name="Northtown")
    result = preview("one-row.xlsx", out.getvalue(), org).result
    assert [a["description"] for a in result["actions"]] == ["Refresh thresholds"]


def test_a_planner_workbook_names_the_plan_beside_its_label():
    """Planner's Excel export puts "Plan name" and the name above the tasks: the name is the
    plan's title; the label and the plan's ID and export date are listed as not taken."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Plan name", "Early Help Improvement Plan 2026"])
    sheet.append(["Plan ID", "Xq3rT0a9Ju6"])
    sheet.append(["Export date", "05/12/2026"])
    sheet.append([])
    for line in PLANNER_CSV.strip().splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    org = factories.organisation(name="Northtown")
    result = preview("planner.xlsx", out.getvalue(), org).result
    assert result["errors"] == []
    assert result["suggested_title"] == "Early Help Improvement Plan 2026"
    listed = {c["text"] for c in result["account"]["listed"]}
    assert {"Plan name", "Plan ID", "Xq3rT0a9Ju6"} <= listed
    assert len(result["actions"]) == 3


def test_a_numbered_row_with_only_a_title_heads_the_rows_numbered_under_it():
    """ "1 | Early help" with nothing else, above "1a" and "1b", is a priority; a numbered row
    with a lead of its own stays an action, and "1" above "10" is not a parent."""
    rows = [
        "Ref,Action,Lead,Deadline,RAG",
        "1,Early help and prevention,,,",
        "1a,Open family hubs,Head of EH,Mar 2026,G",
        "1b,Parenting programme,Head of EH,Summer 2026,A",
        "2,Children in care,,,",
        "2.1,Sufficiency strategy,Head of Commissioning,Dec 2026,R",
        "3,Review the front door,Head of MASH,Jan 2027,G",
        "3a,Threshold workshop,Head of MASH,Oct 2026,G",
        "9,Audit programme,,,",
        "10,Recruit social workers,Head of Workforce,2026,A",
    ]
    org = factories.organisation(name="Northtown")
    result = preview("parents.csv", "\n".join(rows).encode(), org).result
    assert result["errors"] == []
    assert [(n["number"], n["title"]) for n in result["tree"] if n["kind"] == "priority"] == [
        ("1", "Early help and prevention"),
        ("2", "Children in care"),
    ]
    assert [a["number"] for a in result["actions"]] == ["1a", "1b", "2.1", "3", "3a", "9", "10"]
