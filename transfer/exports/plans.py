"""A plan as a spreadsheet, in the layout the importer reads back (a round trip gives the same
plan), with the current RAG rating (the word, on a cell filled with its colour), the latest
commentary and the date of the last update.

Layout of the plan sheet (``write_plan_sheet``):

- title rows (plan, organisation, version, "exported at"), then the header row (``COLUMNS``),
  printed again at the top of every page;
- a section row per priority, as councils write them: "Improvement area 1: Our People", and the
  priority's statement in the row under it;
- a row per action, with its outcome and objective (number and title) written out on every row,
  so the sheet can be sorted and filtered; a dash ("–") where there is none but the row above has
  one (a blank would mean "same as above" to the importer);
- a row per sub-action under its action, starting with a bullet ("• ..."), with its own
  timescale, lead and links; "Complete" in the RAG column when it is done;
- a row for an outcome or objective that has no actions, so nothing is lost;
- the text an action or its priority keeps with no field of its own (``notes``: columns of an
  imported plan kept as extra text, commentary given without a rating) in "Action notes" and
  "Priority notes", the priority's on a row of its own under its section row, so the importer
  reads it back.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from openpyxl import Workbook

from actions.models import Action, StatusUpdate
from boards.selectors.plans import plan_document
from core.formatting import day_text, london_day, time_text
from core.presentation import legend_for
from core.rag import Rating
from core.spreadsheets import (
    BOLD,
    HEADING,
    SECTION,
    SECTION_FILL,
    TITLE,
    WRAPPED,
    CellStyle,
    csv_bytes,
    rag_style,
    set_widths,
    workbook_bytes,
    write_cell,
    write_legend_rows,
    write_row,
)

COLUMNS = [
    ("Outcome no.", 9),
    ("Outcome", 30),
    ("Objective no.", 10),
    ("Objective", 30),
    ("No.", 8),
    ("Action", 50),
    ("Success criteria", 45),
    ("Lead officer", 22),
    ("Timescale", 14),
    ("RAG rating", 13),
    ("Latest commentary", 40),
    ("Updated", 12),
    ("Links", 30),
    ("Tags", 24),
    ("Supporting officers", 22),
    ("Partners", 24),
    ("Action notes", 40),
    ("Priority notes", 40),
]
HEADINGS = [name for name, _ in COLUMNS]
COL = {name: index for index, name in enumerate(HEADINGS)}
NONE_MARK = "\u2013"  # "none here", where a blank would read as "same as above"
BULLET = "\u2022 "


def latest_updates(plan, as_at: datetime | None = None) -> dict[int, dict]:
    """{action pk: {"rating", "commentary", "at"}} from each action's latest update (as at a
    moment, for board packs), in one query."""
    updates = StatusUpdate.objects.filter(action=OuterRef("pk"))
    if as_at is not None:
        updates = updates.filter(created_at__lte=as_at)
    updates = updates.order_by("-created_at", "-pk")
    rows = (
        Action.objects.filter(plan=plan)
        .annotate(
            u_rating=Subquery(updates.values("rating")[:1]),
            u_commentary=Subquery(updates.values("commentary")[:1]),
            u_at=Subquery(updates.values("created_at")[:1]),
        )
        .values("pk", "u_rating", "u_commentary", "u_at")
    )
    return {
        r["pk"]: {"rating": r["u_rating"], "commentary": r["u_commentary"] or "", "at": r["u_at"]}
        for r in rows
        if r["u_rating"]
    }


def names_by_action(links, name) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for link in links:
        out.setdefault(link.action_id, []).append(name(link))
    return out


class _Rows:
    """Builds the rows of one plan; ``previous`` tracks the row above within a priority, so a
    blank is written only where it means "same as above"."""

    def __init__(self, plan, document, latest):
        self.plan = plan
        self.document = document
        self.latest = latest
        self.supporting = names_by_action(
            Action.supporting_officers.through.objects.filter(action__plan=plan)
            .select_related("person")
            .order_by("person__name"),
            lambda link: link.person.name,
        )
        self.partners = names_by_action(
            Action.partners.through.objects.filter(action__plan=plan)
            .select_related("organisation")
            .order_by("organisation__name"),
            lambda link: link.organisation.name,
        )
        self.legend = document.get("legend") or legend_for(plan.organisation)
        self.rows = []
        self.previous = {}

    @staticmethod
    def blank():
        return [""] * len(HEADINGS)

    def build(self) -> list:
        for node in self.document["tree"]:
            priority = node["priority"]
            section = self.blank()
            section[0] = (
                f"{self.plan.priority_label or 'Priority'} {priority.number}: {priority.title}"
            )
            self.rows.append(("section", section, None))
            if priority.statement:
                statement = self.blank()
                statement[0] = priority.statement
                self.rows.append(("statement", statement, None))
            if priority.notes:
                notes = self.blank()
                notes[COL["Priority notes"]] = priority.notes
                self.rows.append(("priority notes", notes, None))
            self.previous = {"outcome": "", "objective": "", "lead": ""}
            self.add_actions(node["actions"], None, None)
            for ob in node["objectives"]:
                self.add_actions(ob["actions"], None, ob["objective"])
            for oc in node["outcomes"]:
                if oc["actions"] or not oc["objectives"]:
                    self.add_actions(oc["actions"], oc["outcome"], None)
                for ob in oc["objectives"]:
                    self.add_actions(ob["actions"], oc["outcome"], ob["objective"])
        return self.rows

    def level_values(self, outcome, objective):
        values = self.blank()
        if outcome is not None:
            values[COL["Outcome no."]] = outcome.number
            values[COL["Outcome"]] = outcome.title
        elif self.previous["outcome"]:
            values[COL["Outcome"]] = NONE_MARK
        if objective is not None:
            values[COL["Objective no."]] = objective.number
            values[COL["Objective"]] = objective.title
        elif self.previous["objective"]:
            values[COL["Objective"]] = NONE_MARK
        self.previous["outcome"] = outcome.number if outcome else ""
        self.previous["objective"] = objective.number if objective else ""
        return values

    def add_actions(self, actions, outcome, objective):
        if not actions:
            if objective is not None or outcome is not None:
                self.rows.append(("level", self.level_values(outcome, objective), None))
            return
        for action in actions:
            values = self.level_values(outcome, objective)
            values[COL["No."]] = action.number
            values[COL["Action"]] = action.description
            values[COL["Success criteria"]] = action.success_criteria
            lead = action.lead_display
            values[COL["Lead officer"]] = lead or (NONE_MARK if self.previous["lead"] else "")
            self.previous["lead"] = lead
            values[COL["Timescale"]] = action.timescale_text
            update = self.latest.get(action.pk)
            rating = update["rating"] if update else None
            if rating:
                values[COL["RAG rating"]] = self.legend.label(rating)
                values[COL["Latest commentary"]] = update["commentary"]
                values[COL["Updated"]] = london_day(update["at"])
            values[COL["Links"]] = "\n".join(action.link_titles)
            values[COL["Tags"]] = "\n".join(action.tag_names)
            values[COL["Supporting officers"]] = "\n".join(self.supporting.get(action.pk, []))
            values[COL["Partners"]] = "\n".join(self.partners.get(action.pk, []))
            values[COL["Action notes"]] = action.notes
            self.rows.append(("action", values, rating))
            for sub in action.sub_action_list:
                sub_values = self.blank()
                sub_values[COL["Action"]] = BULLET + sub.description
                sub_values[COL["Lead officer"]] = sub.lead_text
                sub_values[COL["Timescale"]] = sub.timescale_text
                sub_values[COL["Links"]] = sub.links
                if sub.complete:
                    sub_values[COL["RAG rating"]] = self.legend.label(Rating.COMPLETE)
                self.rows.append(("sub", sub_values, Rating.COMPLETE if sub.complete else None))


def plan_rows(plan, *, document: dict | None = None, as_at: datetime | None = None) -> list:
    """The rows of the plan sheet below its header, as ``(kind, values, rating)``; ``kind`` is
    "section", "statement", "priority notes", "action", "sub" or "level"."""
    document = document or plan_document(plan)
    return _Rows(plan, document, latest_updates(plan, as_at)).build()


def write_plan_sheet(
    ws,
    plan,
    *,
    document: dict | None = None,
    as_at: datetime | None = None,
    exported_by: str = "",
    title_rows: bool = True,
) -> int:
    """Write a plan onto an openpyxl worksheet in the import layout; returns the last row used.

    Reusable (the board pack calls it once per plan):

    - ``ws``: a worksheet of a ``Workbook()`` (not a read-only or write-only one);
    - ``document``: ``boards.selectors.plans.plan_document(plan)`` if the caller already has it;
    - ``as_at``: take each action's rating, commentary and date from its latest update recorded
      up to that moment (a board pack "as at" its meeting); the current position if None;
    - ``title_rows``: False starts the sheet at its header row.

    Every text cell goes through ``core.spreadsheets.safe_cell``. RAG cells hold the rating's
    word (the organisation's own label) on a fill of its colour; pair the sheet with
    ``write_legend_sheet`` so the meaning of each colour travels with it. Queries: those of
    ``plan_document`` (when not given) plus one.
    """
    row = write_title_rows(ws, plan, as_at=as_at, exported_by=exported_by) if title_rows else 1
    header_row = row
    write_row(ws, row, HEADINGS, style=HEADING)
    set_widths(ws, [width for _, width in COLUMNS])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    for kind, values, rating in plan_rows(plan, document=document, as_at=as_at):
        row += 1
        write_row(ws, row, values, style=WRAPPED, skip_blank=True)
        if kind == "section":
            ws.cell(row=row, column=1).font = SECTION
            for column in range(1, len(HEADINGS) + 1):
                ws.cell(row=row, column=column).fill = SECTION_FILL
        elif kind == "statement":
            ws.cell(row=row, column=1).font = BOLD
        if rating:
            cell = ws.cell(row=row, column=COL["RAG rating"] + 1)
            cell.fill, cell.font = rag_style(rating)
    return row


def write_title_rows(ws, plan, *, as_at: datetime | None, exported_by: str) -> int:
    """The plan's title, organisation (and version), and when it was exported (or the moment it
    is as at) and by whom; returns the row of the header, after a blank row."""
    write_cell(ws, 1, 1, plan.title, CellStyle(font=TITLE))
    org_line = plan.organisation.name
    if plan.version_label:
        org_line += f" · {plan.version_label}"
    write_cell(ws, 2, 1, org_line)
    moment = as_at or timezone.now()
    when = f"{'As at' if as_at else 'Exported'} {day_text(moment, padded=True)} {time_text(moment)}"
    if exported_by:
        when += f" by {exported_by}"
    write_cell(ws, 3, 1, when)
    return 5


def write_legend_sheet(ws, organisation, *, definitions=None) -> int:
    """What each RAG colour means to the organisation, each rating's word on its colour."""
    legend = legend_for(organisation, definitions)
    write_cell(ws, 1, 1, "What the ratings mean", CellStyle(font=TITLE))
    write_row(ws, 3, ["Rating", "Meaning"], style=HEADING)
    entries = [(entry.rating, entry.label, entry.meaning) for entry in legend]
    row = write_legend_rows(ws, 4, entries, meaning_style=WRAPPED)
    set_widths(ws, [16, 80])
    return row - 1


def plan_workbook(plan, *, exported_by: str = "", as_at=None) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    write_plan_sheet(sheet, plan, exported_by=exported_by, as_at=as_at)
    write_legend_sheet(workbook.create_sheet("RAG ratings"), plan.organisation)
    workbook.properties.title = plan.title[:250]
    return workbook


def plan_xlsx_bytes(plan, *, exported_by: str = "", as_at=None) -> bytes:
    return workbook_bytes(plan_workbook(plan, exported_by=exported_by, as_at=as_at))


def plan_csv_bytes(plan, *, as_at=None) -> bytes:
    """The plan sheet as CSV (UTF-8 with BOM): the header row, then the same rows as the .xlsx."""
    rows = [HEADINGS] + [values for _, values, _ in plan_rows(plan, as_at=as_at)]
    return csv_bytes(rows)
