"""Understand a plan file as a whole: which sheets (or Word tables) hold the plan, their header
rows, the title above them, a legend sheet, the rows read into a ``ParsedPlan``, and the account
of every cell read (used, or not taken and why).

Pure: no database. ``PlanImporter`` (plan_changes) compares what this reads with the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transfer.imports.grid import Grid, Source
from transfer.imports.headers import EXTRA, PLAN_FIELDS, HeaderMatch
from transfer.imports.plan_rows import (
    DEFAULT_TAG_PATTERN,
    SECTION_CHOICES,
    SHAPE_DEFAULTS,
    SHAPE_LABELS,
    Issue,
    ParsedPlan,
    PlanRowReader,
    ignored_cell,
    section_shape,
    split_number,
    squash,
)
from transfer.imports.reading import cell_text
from transfer.imports.sheets import (
    ACTIONS,
    COVER,
    LEGEND,
    SUMMARY,
    SheetInfo,
    classify,
    title_above,
)
from transfer.imports.summary import check_summary

MAX_LISTED = 2_000  # ignored cells listed one by one in the preview (all are counted)
SHEET_NUMBER_RX = re.compile(
    r"^(?:(?:priority|area|theme|sp|strategic priority|improvement area)\s*)?"
    r"(?P<number>\d{1,2}|[A-Z]{1,3}\d{1,2})\b\s*[.:\-\u2013]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)


@dataclass
class SheetRead:
    grid: Grid
    info: SheetInfo
    header: HeaderMatch | None = None


@dataclass
class PlanReading:
    sheets: list[SheetInfo] = field(default_factory=list)
    chosen: list[SheetRead] = field(default_factory=list)
    parsed: ParsedPlan | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    title: str = ""
    legend: list[dict] = field(default_factory=list)
    read: int = 0
    used: int = 0
    ignored: list[dict] = field(default_factory=list)
    ignored_count: int = 0
    cover: tuple[int, int] | None = None  # (sheet, row) of a cover's title used as the title

    @property
    def header(self) -> HeaderMatch | None:
        return next((s.header for s in self.chosen if s.header is not None), None)

    def account(self) -> dict:
        return {
            "read": self.read,
            "used": self.used,
            "ignored": self.ignored_count,
            "unaccounted": self.read - self.used - self.ignored_count,
            "listed": self.ignored,
            "share_used": round(100 * self.used / self.read, 1) if self.read else 100.0,
        }

    def section_kinds(self, chosen: dict[str, str]) -> list[dict]:
        if self.parsed is None:
            return []
        out = []
        for key, seen in self.parsed.shapes.items():
            out.append(
                {
                    "key": key,
                    "label": SHAPE_LABELS[key],
                    "example": seen["example"],
                    "rows": seen["rows"][:12],
                    "count": len(seen["rows"]),
                    "choice": chosen.get(key) or SHAPE_DEFAULTS[key],
                    "choices": SECTION_CHOICES,
                }
            )
        return out


def shared_title(reading: PlanReading) -> str:
    """The title line every sheet read carries above its table, when there are several and it
    is the same on each: the plan's title printed on every sheet, not each sheet's priority."""
    titles = {squash(read.info.title) for read in reading.chosen}
    if len(reading.chosen) > 1 and len(titles) == 1:
        return titles.pop()
    return ""


def sheet_priority(read: SheetRead, shared: str = "") -> tuple[str, str]:
    """(number, title) of the priority a sheet stands for in a one-sheet-per-priority workbook:
    its title row if it has one of its own, else its name ("Priority 2 - Early help", "SP3")."""
    own = "" if shared and squash(read.info.title) == shared else read.info.title
    for text in (own, read.grid.name):
        text = squash(text)
        m = SHEET_NUMBER_RX.match(text)
        if m and m["title"]:
            return m["number"].upper() if not m["number"].isdigit() else m["number"], m["title"]
    number, title = split_number(squash(own or read.grid.name))
    return number, title or read.grid.name


def read_plan(source: Source, options: dict, *, rating_words: dict, numbering: str) -> PlanReading:
    reading = PlanReading()
    mapping = options.get("mapping") or {}
    for grid in source.grids:
        reading.sheets.append(classify(grid, PLAN_FIELDS))
        reading.read += grid.cell_count()
    chosen = choose_sheets(source, reading, options.get("sheets"))
    for grid in chosen:
        info = next(s for s in reading.sheets if s.index == grid.index)
        rows = grid.values()
        header = PLAN_FIELDS.find_header(rows, mapping)
        reading.chosen.append(SheetRead(grid, info, header))
    take_legend(source, reading)
    take_cover(source, reading)
    summaries = []
    for grid in source.grids:
        if grid.index not in {s.grid.index for s in reading.chosen} and not is_legend(
            reading, grid
        ):
            if sheet_info(reading, grid).kind == SUMMARY:
                summaries.append(grid)  # checked against the plan once it is read
            else:
                not_chosen(reading, grid, skip=reading.cover)
    if not reading.chosen or all(s.header is None for s in reading.chosen):
        for grid in summaries:
            not_chosen(reading, grid)
        reading.errors.append(
            Issue(
                None,
                "No header row was found in the first 30 rows. The sheet needs a row of "
                "column names such as Action, Success criteria, Lead officer, Timescale.",
            )
        )
        return reading
    reader = read_sheets(reading, options, rating_words, numbering)
    if reader is None:
        for grid in summaries:
            not_chosen(reading, grid)
        return reading
    reading.parsed = reader.finish()
    reading.errors.extend(reading.parsed.errors)
    reading.warnings.extend(reading.parsed.warnings)
    reading.used += reading.parsed.used
    for item in reading.parsed.ignored:
        list_ignored(reading, item)
    for grid in summaries:
        check = check_summary(grid, sheet_info(reading, grid).header_row, reading.parsed)
        reading.used += check.used
        reading.warnings.extend(check.warnings)
        for item in check.ignored:
            list_ignored(reading, item)
    return reading


def sheet_info(reading: PlanReading, grid: Grid) -> SheetInfo:
    return next(s for s in reading.sheets if s.index == grid.index)


def read_sheets(
    reading: PlanReading, options: dict, rating_words: dict, numbering: str
) -> PlanRowReader | None:
    """Read the chosen sheets in turn with one reader (numbering runs across them)."""
    several = len(reading.chosen) > 1
    shared = shared_title(reading)
    reader = None
    for read in reading.chosen:
        label = read.grid.name if several else ""
        for note in read.grid.notes:
            reading.warnings.append(Issue(None, note, label))
        if read.header is None:
            reading.warnings.append(
                Issue(None, "No row of column names was found, so it is not read.", label)
            )
            not_chosen(reading, read.grid, "no row of column names")
            continue
        check_header(reading, read, label)
        if "action" not in read.header.by_field:
            return None
        if reader is None:
            reader = PlanRowReader(
                read.header,
                numbering=numbering,
                rating_words=rating_words,
                tag_pattern=options.get("tag_pattern") or DEFAULT_TAG_PATTERN,
                sections=options.get("sections") or {},
            )
        sections = title_rows(reading, read, several and not shared)
        start = read.header.position + 1
        picked = [n for n, (number, _) in enumerate(read.grid.rows) if number in sections]
        below = [read.grid.rows[n] for n in picked] + read.grid.rows[start:]
        values = read.grid.values()
        reading.used += read.header.name_cells  # the column names
        reader.read_sheet(
            [values[n] for n in picked] + values[start:],
            header=read.header,
            sheet=label,
            grid_name=read.grid.name,
            grid_rows=below,
            sheet_priority=sheet_priority(read, shared) if several else None,
        )
    return reader


def choose_sheets(source: Source, reading: PlanReading, names: list[str] | None) -> list[Grid]:
    """The sheets chosen in the preview, else every sheet that looks like an actions table,
    else the first sheet with anything in it."""
    if names:
        chosen = [g for g in source.grids if g.name in names]
        if chosen:
            return chosen
    actions = [g for g, s in zip(source.grids, reading.sheets, strict=True) if s.kind == ACTIONS]
    actions = [g for g in actions if not g.hidden] or actions
    if actions:
        return actions
    return [next((g for g in source.grids if g.rows), source.grids[0])] if source.grids else []


def is_legend(reading: PlanReading, grid: Grid) -> bool:
    info = next(s for s in reading.sheets if s.index == grid.index)
    return info.kind == LEGEND and bool(info.legend)


def take_legend(source: Source, reading: PlanReading) -> None:
    """A legend sheet ("Key"): its entries are offered as the organisation's RAG meanings, and
    its cells are accounted for as used when they are."""
    for grid, info in zip(source.grids, reading.sheets, strict=True):
        if info.kind != LEGEND or not info.legend:
            continue
        reading.legend = [{**entry.__dict__, "sheet": grid.name} for entry in info.legend]
        rows = {e.row for e in info.legend}
        for number, cells in grid.rows:
            for cell in cells:
                if cell is None or cell.blank:
                    continue
                if number in rows:
                    reading.used += 1
                else:
                    list_ignored(
                        reading,
                        ignored_cell(
                            grid.name, number, cell.column - 1, cell_text(cell.value), "legend text"
                        ),
                    )
        break


def take_cover(source: Source, reading: PlanReading) -> None:
    """A cover sheet's title (its first line naming a plan or strategy, else its first line)
    is the plan's title when the sheets read have none of their own."""
    for grid, info in zip(source.grids, reading.sheets, strict=True):
        if info.kind != COVER or grid.index in {s.grid.index for s in reading.chosen}:
            continue
        lines = [
            (number, cell)
            for number, cells in grid.rows
            for cell in cells
            if cell is not None and not cell.blank
        ]
        named = [
            item
            for item in lines
            if re.search(r"\b(plan|strategy)\b", cell_text(item[1].value), re.IGNORECASE)
        ]
        for number, cell in named[:1] or lines[:1]:
            reading.title = " ".join(cell_text(cell.value).split())[:250]
            reading.used += 1
            reading.cover = (grid.index, number)
        return


def not_chosen(reading: PlanReading, grid: Grid, why: str = "sheet not chosen", skip=None) -> None:
    for number, cells in grid.rows:
        for cell in cells:
            if skip == (grid.index, number):
                continue  # the cover's title, used
            if cell is not None and not cell.blank:
                list_ignored(
                    reading,
                    ignored_cell(grid.name, number, cell.column - 1, cell_text(cell.value), why),
                )


def list_ignored(reading: PlanReading, item: dict) -> None:
    reading.ignored_count += 1
    if len(reading.ignored) < MAX_LISTED:
        reading.ignored.append(item)


def title_rows(reading: PlanReading, read: SheetRead, several: bool) -> list[int]:
    """Rows above the header: the first line of text is the plan's title (suggested when none
    is given; with one sheet per priority it is the sheet's priority); a heading that reads as a
    section ("Improvement Area 1: ...", in Word above the first table) is returned to be read
    as one; the rest are listed as not taken."""
    header = read.header
    if header is None:  # only sheets whose header was found are read
        raise ValueError(f"no header found in {read.grid.name}")
    above = read.grid.rows[: header.first]
    title = title_above(read.grid.values()[: header.first])
    if title and not reading.title and not several:
        reading.title = title
    taken, sections = False, []
    for number, cells in above:
        filled = [c for c in cells if c is not None and not c.blank]
        if (
            taken
            and len(filled) == 1
            and section_shape(cell_text(filled[0].value)).key
            in (
                "word:priority",
                "code",
            )
        ):
            sections.append(number)
            continue
        for cell in filled:
            text = " ".join(cell_text(cell.value).split())
            if text == title and not taken:
                reading.used += 1
                taken = True
            else:
                list_ignored(
                    reading,
                    ignored_cell(
                        read.grid.name, number, cell.column - 1, text, "above the column names"
                    ),
                )
    return sections


def check_header(reading: PlanReading, read: SheetRead, label: str) -> None:
    header = read.header
    if header is None:  # only sheets whose header was found are read
        raise ValueError(f"no header found in {read.grid.name}")
    if header.layout:
        reading.warnings.append(
            Issue(
                header.row_number,
                f"Read as a {header.layout}: the columns are chosen as that file lays them "
                "out (see each column's choice above; change any that do not fit).",
                label,
            )
        )
    for key, columns in header.duplicates:
        letters = " and ".join(c.letter for c in columns)
        reading.errors.append(
            Issue(
                header.row_number,
                f"Columns {letters} are both read as {PLAN_FIELDS.label(key)}: map one of "
                "them to something else, or ignore it.",
                label,
            )
        )
    for column in header.unknown:
        if column.field == EXTRA:
            reading.warnings.append(
                Issue(
                    header.row_number,
                    f'Column {column.letter} ("{column.heading[:60]}") is not one the import '
                    "knows: its text is kept as extra text on each action. Choose what it holds "
                    "above, or ignore it.",
                    label,
                )
            )
    if "action" not in header.by_field:
        reading.errors.append(
            Issue(
                header.row_number,
                "No Action column was found: choose which column holds the actions.",
                label,
            )
        )
    rows = read.grid.values()[header.position + 1 :]
    for column in header.unlabelled:
        if any(
            column.index < len(cells) and cells[column.index] not in (None, "") for _, cells in rows
        ):
            reading.warnings.append(
                Issue(
                    header.row_number,
                    f"Column {column.letter} has no heading, so what is in it is not imported "
                    "(each cell is listed at the end).",
                    label,
                )
            )
