"""Read an uploaded .xlsx or .csv into rows of cells, refusing unsafe or unreadable files with a
clear message before any XML or CSV parser runs on them.

Checks, in order (each failure is an ``ImportFileError`` whose text is shown to the user):

- the file's size against ``IMPORT_MAX_UPLOAD_BYTES`` (5 MB);
- its extension (.xlsx or .csv) against its first bytes (an OLE file, ``D0 CF 11 E0``, is a
  password-protected/encrypted workbook or an old .xls; a zip named .csv is a workbook);
- for .xlsx, *before openpyxl opens it*: the zip's member count (``IMPORT_MAX_ZIP_MEMBERS``)
  and the sum of its members' uncompressed sizes (``IMPORT_MAX_UNCOMPRESSED_BYTES``, 50 MB), so
  a zip bomb is refused in milliseconds; then a scan of its XML parts for ``<!DOCTYPE`` and
  ``<!ENTITY`` (XXE and "billion laughs"); defusedxml stays as the second line of defence;
- also before openpyxl opens it, the work its XML would cost, counted on the bytes: the shared
  strings' parts (``IMPORT_MAX_SHARED_STRING_TAGS``; a 0.1 MB file whose sharedStrings.xml
  expands to millions of entries cost 33 s of CPU), and per sheet the cells
  (``IMPORT_MAX_CELLS``) and rows (the row cap below);
- the rows, counted here (``IMPORT_MAX_ROWS``, 5,000 non-blank rows, and four times that
  counting blank ones) because openpyxl's read-only mode trusts the sheet's own
  ``<dimension>``, which a crafted file can fake;
- while reading, a budget: ``IMPORT_MAX_CPU_SECONDS`` of CPU, and never past the request's
  deadline less ``IMPORT_DEADLINE_MARGIN`` (checked as openpyxl pulls compressed bytes, and on
  every row); one cell of at most 32,767 characters (Excel's own limit) and
  ``IMPORT_MAX_TEXT_CHARACTERS`` of text in all (the expanded size kept in memory);
- for .csv: UTF-8 with or without a BOM, UTF-16 with a BOM, else Windows-1252; the delimiter is
  chosen among "," ";" and tab only.

Settings are read with ``getattr`` and a default, so none is required.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
import time as clock
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import PurePath

from django.conf import settings

from core.formatting import numeric_day_text, numeric_moment_text
from core.spreadsheets import FORMULA_TRIGGERS  # what the exports neutralise, undone here
from core.text import without_hidden_characters
from transfer.imports.colours import fill_rgb, rating_from_colour, theme_colours
from transfer.imports.grid import Cell, Grid, Source, date_kind

logger = logging.getLogger(__name__)

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
ZIP_SIGNATURE = b"PK\x03\x04"
_ENTITY_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says why, in plain words."""


LIMITS = {
    "IMPORT_MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 5_000,
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,
    "IMPORT_MAX_ZIP_MEMBERS": 1_000,
    "IMPORT_MAX_COLUMNS": 60,
    # Measured (docs/security.md, "Limits"): a 5,000-row, 15-column plan has 45,000 shared
    # strings (180,000 tags) and 75,000 cells and reads in about 2 s of CPU.
    "IMPORT_MAX_SHARED_STRING_TAGS": 1_000_000,
    "IMPORT_MAX_CELLS": 300_000,  # 5,000 rows x 60 columns
    "IMPORT_MAX_TEXT_CHARACTERS": 20_000_000,
    "IMPORT_MAX_CPU_SECONDS": 8,
    "IMPORT_DEADLINE_MARGIN": 5,
}
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell


def limit(name: str) -> int:
    """A count or size limit (a whole number)."""
    return int(getattr(settings, name, LIMITS[name]))


def seconds(name: str) -> float:
    """A time limit in seconds (a fraction allowed)."""
    return float(getattr(settings, name, LIMITS[name]))


class _OverBudget(Exception):
    """Reading the file has used up its budget."""


class Budget:
    """The work one file may cost: CPU time of this thread, and the request's deadline."""

    def __init__(self):
        from core.database import current_deadline

        self.cpu_start = clock.thread_time()
        self.cpu_limit = seconds("IMPORT_MAX_CPU_SECONDS")
        deadline = current_deadline()
        self.wall_end = None if deadline is None else deadline - seconds("IMPORT_DEADLINE_MARGIN")
        self.text = 0
        self.max_text = limit("IMPORT_MAX_TEXT_CHARACTERS")
        self.exceeded = False

    def check(self) -> None:
        cpu_spent = clock.thread_time() - self.cpu_start > self.cpu_limit
        if cpu_spent or (self.wall_end is not None and clock.monotonic() > self.wall_end):
            self.exceeded = True  # noticed even if openpyxl wraps the exception in its own
            raise _OverBudget

    def add_text(self, cells) -> None:
        for cell in cells:
            if isinstance(cell, str):
                if len(cell) > MAX_CELL_CHARACTERS:
                    raise ImportFileError(
                        f"A cell holds {len(cell):,} characters, more than the "
                        f"{MAX_CELL_CHARACTERS:,} characters Excel allows in one cell, so the "
                        "file was refused."
                    )
                self.text += len(cell)
        if self.text > self.max_text:
            raise ImportFileError(
                f"The file holds more text than an import can take ({self.max_text:,} "
                "characters). Split it into smaller files."
            )

    def refusal(self) -> ImportFileError:
        return ImportFileError(
            f"The file took too long to read (more than {self.cpu_limit:g} seconds of work), so "
            "it was refused. Delete unused rows, columns and sheets, or split it into smaller "
            "files, and upload it again."
        )


class _BudgetedBytes(io.BytesIO):
    """The uploaded bytes, checking the budget whenever openpyxl (through zipfile) reads more:
    every few kilobytes of compressed data, so even a part that expands a thousandfold is
    stopped within a second or so of the budget running out."""

    def __init__(self, content: bytes, budget: Budget):
        super().__init__(content)
        self.budget = budget

    def read(self, size=-1):
        self.budget.check()
        return super().read(size)

    def readinto(self, buffer):
        self.budget.check()
        return super().readinto(buffer)


def megabytes(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    value = n / (1024 * 1024)
    return f"{value:.1f} MB" if value < 10 else f"{value:,.0f} MB"


@dataclass
class Table:
    """The non-blank rows of one sheet: ``(row number as the user sees it, cell values)``.

    Text cells are stripped, with line endings as "\\n"; a leading apostrophe that an export added
    to neutralise a formula ("'=A1") is removed again, so exported files import as written."""

    filename: str
    kind: str  # "xlsx" or "csv"
    rows: list[tuple[int, list]] = field(default_factory=list)
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""
    grid: Grid | None = None  # the cells the rows came from (fills, formats, merges)
    source: Source | None = None  # the whole file: every sheet or table
    sheets: list[dict] = field(default_factory=list)  # every sheet and what it looks like

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f'sheet "{self.sheet}"'
        if self.kind == "docx":
            return f"Word document, {self.sheet}"
        names = {",": "commas", ";": "semicolons", "\t": "tabs"}
        return f"{self.encoding} text separated by {names.get(self.delimiter, self.delimiter)}"


# -- the table kept with an upload ---------------------------------------------------------
TABLE_FORMAT = 1


def content_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _cell_to_json(value):
    """A cell as JSON: strings, numbers, booleans and None as they are; dates and times tagged
    (JSON has none), so that the table read back is the table that was read."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"seconds": value.total_seconds()}
    return str(value)  # anything else openpyxl may give, as the importers would read it


def _cell_from_json(value):
    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "time" in value:
        return time.fromisoformat(value["time"])
    return timedelta(seconds=value["seconds"])


def table_to_json(table: Table, *, content: bytes) -> dict:
    """The table as JSON (no pickle), with the digest of the file it was read from."""
    return {
        "format": TABLE_FORMAT,
        "sha256": content_digest(content),
        "filename": table.filename,
        "kind": table.kind,
        "sheet": table.sheet,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "rows": [[number, [_cell_to_json(c) for c in cells]] for number, cells in table.rows],
        "sheets": table.sheets,
    }


def table_from_json(data: dict, *, content: bytes) -> Table | None:
    """The table kept at upload, or None when there is none for exactly this file."""
    if not data or data.get("format") != TABLE_FORMAT:
        return None
    if data.get("sha256") != content_digest(content):
        return None
    return Table(
        filename=data["filename"],
        kind=data["kind"],
        sheet=data.get("sheet", ""),
        encoding=data.get("encoding", ""),
        delimiter=data.get("delimiter", ""),
        rows=[(number, [_cell_from_json(c) for c in cells]) for number, cells in data["rows"]],
        sheets=data.get("sheets") or [],
    )


SOURCE_FORMAT = 1


def _grid_cell_to_json(cell: Cell | None):
    if cell is None:
        return None
    return [
        _cell_to_json(cell.value),
        cell.row,
        cell.column,
        cell.fill,
        cell.number_format,
        cell.bold,
        list(cell.span),
        cell.date_kind,
    ]


def _grid_cell_from_json(data) -> Cell | None:
    if data is None:
        return None
    value, row, column, fill, number_format, bold, span, kind = data
    return Cell(
        value=_cell_from_json(value),
        row=row,
        column=column,
        fill=fill,
        number_format=number_format,
        bold=bold,
        span=(span[0], span[1]),
        date_kind=kind,
    )


def source_to_json(source: Source, *, content: bytes) -> dict:
    """A whole file as read (every sheet or table, with fills, formats and merges) as JSON, with
    the digest of the file it was read from: a plan import keeps it so that previewing again
    and committing do not parse the file again."""
    return {
        "format": SOURCE_FORMAT,
        "what": "source",
        "sha256": content_digest(content),
        "filename": source.filename,
        "kind": source.kind,
        "encoding": source.encoding,
        "delimiter": source.delimiter,
        "grids": [
            {
                "name": grid.name,
                "kind": grid.kind,
                "index": grid.index,
                "notes": grid.notes,
                "hidden": grid.hidden,
                "rows": [[n, [_grid_cell_to_json(c) for c in cells]] for n, cells in grid.rows],
            }
            for grid in source.grids
        ],
    }


def source_from_json(data: dict, *, content: bytes) -> Source | None:
    """The file as read at upload, or None when none was kept for exactly this file."""
    if not data or data.get("what") != "source" or data.get("format") != SOURCE_FORMAT:
        return None
    if data.get("sha256") != content_digest(content):
        return None
    return Source(
        filename=data["filename"],
        kind=data["kind"],
        encoding=data.get("encoding", ""),
        delimiter=data.get("delimiter", ""),
        grids=[
            Grid(
                name=g["name"],
                kind=g["kind"],
                index=g.get("index", 0),
                notes=list(g.get("notes", [])),
                hidden=g.get("hidden", False),
                rows=[(n, [_grid_cell_from_json(c) for c in cells]) for n, cells in g["rows"]],
            )
            for g in data["grids"]
        ],
    )


def clean_value(value):
    """A cell value as the importers want it: text normalised, numbers and dates kept."""
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
        # Invisible characters (U+202E right-to-left override and kin) are never part of a
        # plan's words and can disguise them; a file cannot be corrected cell by cell, so they
        # are dropped on reading (core.text: the one definition, and why files differ).
        text = without_hidden_characters(text).strip()
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
            text = text[1:]
        return text
    return value


def cell_text(value) -> str:
    """Any cell value as text: 12.0 -> "12", a date -> "31/05/2023" (UK day-first)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime) and value.time() != time(0, 0):
        return numeric_moment_text(value)
    if isinstance(value, date):
        return numeric_day_text(value)
    return str(value)


def read_source(*, filename: str, content: bytes) -> Source:
    """Check and read a file into grids (every sheet of a workbook, every table of a Word
    document); raise ``ImportFileError`` with a clear message when it cannot be read."""
    if not content:
        raise ImportFileError("The file is empty.")
    max_bytes = limit("IMPORT_MAX_UPLOAD_BYTES")
    if len(content) > max_bytes:
        raise ImportFileError(
            f"The file is {megabytes(len(content))}; the largest file that can be imported is "
            f"{megabytes(max_bytes)}. Split it into smaller files."
        )
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(filename, content)
    if suffix == ".csv":
        return _read_csv(filename, content)
    if suffix == ".docx":
        from transfer.imports.word import read_docx  # imported only for Word files

        return read_docx(filename, content)
    if suffix == ".xls":
        raise ImportFileError(
            "Old Excel .xls files cannot be read. Open it in Excel and save it as an "
            "Excel Workbook (.xlsx), or as CSV, then upload that."
        )
    if suffix == ".doc":
        raise ImportFileError(
            "Old Word .doc files cannot be read. Open it in Word and save it as a Word "
            "Document (.docx), then upload that."
        )
    shown = suffix or "a file with no extension"
    raise ImportFileError(
        "The file must be an Excel workbook (.xlsx), a CSV file (.csv) or a Word document "
        f"(.docx); this is {shown}."
    )


def table_from(source: Source, grid: Grid) -> Table:
    return Table(
        filename=source.filename,
        kind=source.kind,
        rows=grid.values(),
        sheet=grid.name,
        encoding=source.encoding,
        delimiter=source.delimiter,
        grid=grid,
        source=source,
    )


def read_table(*, filename: str, content: bytes) -> Table:
    """The first sheet (or table) with anything in it, with the whole file in ``source``."""
    source = read_source(filename=filename, content=content)
    for grid in source.grids:
        if grid.rows:
            return table_from(source, grid)
    if source.kind == "csv":
        raise ImportFileError("The CSV file has no data in it.")
    if source.kind == "docx":
        raise ImportFileError("The Word document has no tables with anything in them.")
    if len(source.grids) == 1:
        raise ImportFileError(f'The first sheet ("{source.grids[0].name}") is empty.')
    raise ImportFileError("Every sheet of the workbook is empty.")


# -- .xlsx ------------------------------------------------------------------------------------
ENCRYPTED = (
    "This workbook is password-protected or encrypted (or it is an old .xls file renamed .xlsx), "
    "so it cannot be read. Remove the password in Excel (File, Info, Protect Workbook), save it as "
    ".xlsx and upload it again."
)
DAMAGED = (
    "The file could not be read as an Excel workbook: it may be damaged, or another kind of file "
    "renamed .xlsx. Open it in Excel, save it as an Excel Workbook (.xlsx) and upload it again."
)
XML_ENTITIES = (
    "The workbook contains XML entity declarations (a DOCTYPE), which Excel never writes and "
    "which can be used to attack a server, so it was refused. Save the data into a new workbook "
    "in Excel and upload that."
)


def _count_work(name: str, counts: dict[bytes, int]) -> None:
    """What parsing a part would cost, counted on its bytes: refuse before openpyxl starts."""
    lowered = name.lower()
    if lowered == "xl/sharedstrings.xml":
        tags = counts[b"<"]
        if tags > limit("IMPORT_MAX_SHARED_STRING_TAGS"):
            raise ImportFileError(
                f"The workbook's list of text holds {tags:,} pieces of text and formatting, far "
                "more than a plan needs, so it was refused without being opened. Copy the data "
                "into a new workbook, or save it as CSV, and upload that."
            )
    elif lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
        if counts[b"<row"] > _row_cap():
            raise _too_many_rows(limit("IMPORT_MAX_ROWS"))
        cells = counts[b"<c "] + counts[b"<c>"] + counts[b"<c/>"]
        if cells > limit("IMPORT_MAX_CELLS"):
            raise ImportFileError(
                f"A sheet of the workbook has {cells:,} cells, more than the "
                f"{limit('IMPORT_MAX_CELLS'):,} an import can read, so it was refused without "
                "being opened. Delete unused rows and columns, or split it into smaller files."
            )


def _row_cap() -> int:
    """Rows read at most, blank ones included, so that a sheet of them stops."""
    return limit("IMPORT_MAX_ROWS") * 4 + 1_000


WORD_DAMAGED = (
    "The file could not be read as a Word document: it may be damaged, or another kind of file "
    "renamed .docx. Open it in Word, save it as a Word Document (.docx) and upload it again."
)
WORD_ENCRYPTED = (
    "This document is password-protected or encrypted (or it is an old .doc file renamed .docx), "
    "so it cannot be read. Remove the password in Word, save it as .docx and upload it again."
)
WORD_XML_ENTITIES = (
    "The document contains XML entity declarations (a DOCTYPE), which Word never writes and "
    "which can be used to attack a server, so it was refused. Copy the tables into a new "
    "document in Word and upload that."
)


def _check_zip(content: bytes, *, word: bool = False) -> None:
    """Member count, uncompressed size, XML entity checks and the work of parsing, before any XML
    is parsed; the same for workbooks and Word documents (``word``), whose messages name what the
    file is."""
    what = "document" if word else "workbook"
    damaged = WORD_DAMAGED if word else DAMAGED
    entities = WORD_XML_ENTITIES if word else XML_ENTITIES
    required = "word/document.xml" if word else "xl/workbook.xml"
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(damaged) from exc
    max_members = limit("IMPORT_MAX_ZIP_MEMBERS")
    if len(infos) > max_members:
        raise ImportFileError(
            f"The {what} is made of {len(infos):,} parts, more than the {max_members:,} a "
            f"{what} of a plan needs, so it was refused without being opened."
        )
    total = sum(info.file_size for info in infos)
    max_total = limit("IMPORT_MAX_UNCOMPRESSED_BYTES")
    if total > max_total:
        raise ImportFileError(
            f"The {what} would take {megabytes(total)} once uncompressed, more than the limit of "
            f"{megabytes(max_total)}, so it was refused without being opened (it may be a "
            '"zip bomb"). Remove unused sheets and images, or split it into smaller files.'
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or required not in names:
        raise ImportFileError(damaged)
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            # zipfile stops at the declared size and checks the CRC, so a member that lies about
            # its size cannot expand beyond the total checked above.
            counts = _scan_part(archive, info, entities)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
            if isinstance(exc, RuntimeError) and "encrypted" in str(exc).lower():
                raise ImportFileError(WORD_ENCRYPTED if word else ENCRYPTED) from exc
            raise ImportFileError(damaged) from exc
        except zlib.error as exc:
            raise ImportFileError(damaged) from exc
        _count_work(info.filename, counts)


_COUNTED = (b"<", b"<row", b"<c ", b"<c>", b"<c/>")
_OVERLAP = max(len(m) for m in (*_ENTITY_MARKERS, *_COUNTED)) - 1
_CHUNK = 1024 * 1024


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entities: str = XML_ENTITIES
) -> dict[bytes, int]:
    """Scan one part a megabyte at a time (so a 45 MB part never sits in memory whole): refuse
    XML entity declarations, and count what parsing it would cost."""
    counts = dict.fromkeys(_COUNTED, 0)
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _ENTITY_MARKERS):
                raise ImportFileError(entities)
            for pattern in _COUNTED:  # matches inside the tail were counted last time
                counts[pattern] += window.count(pattern) - tail.count(pattern)
            tail = window[-_OVERLAP:]
    return counts


def _is_defused_error(exc: BaseException) -> bool:
    from defusedxml import DefusedXmlException

    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DefusedXmlException):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _merges(archive_bytes: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """{sheet part name: [(first row, first column, last row, last column)]} from the sheets'
    ``<mergeCell ref="A1:D1"/>`` elements (read-only openpyxl does not give them)."""
    from openpyxl.utils.cell import range_boundaries

    out: dict[str, list[tuple[int, int, int, int]]] = {}
    archive = zipfile.ZipFile(io.BytesIO(archive_bytes))
    for info in archive.infolist():
        name = info.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        data = archive.read(info)
        found = []
        for ref in re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', data):
            min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
            found.append((min_row, min_col, max_row, max_col))
        out[name] = found
    return out


def _read_xlsx(filename: str, content: bytes) -> Source:
    if content.startswith(OLE_SIGNATURE):
        raise ImportFileError(ENCRYPTED)
    if not content.startswith(ZIP_SIGNATURE):
        raise ImportFileError(DAMAGED)
    _check_zip(content)

    import openpyxl  # imported here: only after the checks above

    source = Source(filename=filename, kind="xlsx")
    budget = Budget()
    try:
        budget.check()
        merges = _merges(content)
        workbook = openpyxl.load_workbook(
            _BudgetedBytes(content, budget), read_only=True, data_only=True
        )
        try:
            if not workbook.worksheets:
                raise ImportFileError("The workbook has no sheets.")
            theme = theme_colours(workbook.loaded_theme)
            counted = 0
            for index, sheet in enumerate(workbook.worksheets):
                grid = _read_sheet(sheet, index, theme, merges, counted, budget)
                counted += len(grid.rows)
                source.grids.append(grid)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except _OverBudget as exc:
        logger.info("Workbook %r refused: over its reading budget", filename)
        raise budget.refusal() from exc
    except Exception as exc:  # openpyxl raises many kinds; each becomes one clear message
        if budget.exceeded:
            raise budget.refusal() from exc
        if _is_defused_error(exc):
            raise ImportFileError(XML_ENTITIES) from exc
        logger.info("Unreadable workbook %r: %r", filename, exc)
        raise ImportFileError(DAMAGED) from exc
    return source


def _read_sheet(
    sheet, index: int, theme: list[str], merges: dict, counted: int, budget: Budget
) -> Grid:
    """One sheet's non-blank rows as cells, with fills, number formats, bold and merges."""
    max_rows = limit("IMPORT_MAX_ROWS")
    hard_cap = _row_cap()  # blank rows count towards this, so a sheet of them stops
    max_cols = limit("IMPORT_MAX_COLUMNS")
    sheet.reset_dimensions()  # never trust the file's <dimension>
    grid = Grid(name=sheet.title, kind="sheet", index=index)
    grid.hidden = getattr(sheet, "sheet_state", "visible") != "visible"
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in merges.get(getattr(sheet, "_worksheet_path", ""), []):
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        covered.update(
            (r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1)
        )
    for number, row in enumerate(sheet.iter_rows(max_col=max_cols), start=1):
        budget.check()
        if number > hard_cap:
            raise _too_many_rows(max_rows)
        cells = [
            _cell(xl, number, column, theme, spans, covered) for column, xl in enumerate(row, 1)
        ]
        if not any(c is not None and not c.blank for c in cells):
            continue
        while cells and cells[-1] is None:
            cells.pop()
        budget.add_text(c.value for c in cells if c is not None)
        grid.rows.append((number, cells))
        if counted + len(grid.rows) > max_rows:
            raise _too_many_rows(max_rows)
    return grid


def _cell(xl, number: int, column: int, theme, spans, covered) -> Cell | None:
    """A worksheet cell as a ``Cell``; None when blank, except that a blank cell with a RAG-like
    fill is kept (value None) so that a rating given only as a colour is not lost."""
    if (number, column) in covered:
        return None
    value = getattr(xl, "value", None)
    styled = getattr(xl, "has_style", False)
    if value is None or value == "":
        colour = fill_rgb(xl.fill, theme) if styled else ""
        if colour and rating_from_colour(colour) is not None:
            return Cell(value=None, row=number, column=column, fill=colour)
        return None
    value = clean_value(value)
    if value == "":
        return None
    fmt = xl.number_format or ""
    return Cell(
        value=value,
        row=number,
        column=column,
        fill=fill_rgb(xl.fill, theme) if styled else "",
        number_format=fmt,
        bold=bool(styled and xl.font is not None and xl.font.b),
        span=spans.get((number, column), (1, 1)),
        date_kind=date_kind(value, fmt),
    )


def _too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        f"The sheet has more than {max_rows:,} rows, the most that can be imported at once. "
        "Split it into smaller files."
    )


# -- .csv -------------------------------------------------------------------------------------
def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(codecs.BOM_UTF8):
        try:
            return content[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (with BOM)"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                "The file says it is UTF-8 but is not: save it again as CSV UTF-8 and upload it."
            ) from exc
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError("The UTF-16 text of the file is damaged.") from exc
    if b"\x00" in content[:65536]:
        raise ImportFileError(
            "This is not a CSV text file (it contains binary data). Save the sheet as "
            "CSV UTF-8 (Comma delimited) in Excel and upload that."
        )
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The text encoding of the CSV file could not be read (it is neither UTF-8 nor "
            "Windows-1252). Save it as CSV UTF-8 in Excel and upload it again."
        ) from exc


def _choose_delimiter(text: str) -> str:
    """The delimiter among "," ";" and tab that splits the first rows into the most columns."""
    sample = text[:65536]
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            rows = []
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(c.strip() for c in row):
                    rows.append(len(row))
                if len(rows) >= 20:
                    break
        except csv.Error:
            continue
        widest = max(rows, default=0)
        if widest < 2:
            continue  # one column: this delimiter splits nothing
        score = (widest, sum(1 for n in rows if n == widest))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(filename: str, content: bytes) -> Source:
    if content.startswith(ZIP_SIGNATURE):
        raise ImportFileError(
            "This file is an Excel workbook with a .csv name. Rename it to .xlsx, or save the "
            "sheet as CSV in Excel, and upload it again."
        )
    if content.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            "This file is an Excel workbook (password-protected, or an old .xls) with a .csv "
            "name. Save the sheet as CSV UTF-8 in Excel and upload that."
        )
    budget = Budget()
    text, encoding = _decode(content)
    delimiter = _choose_delimiter(text)
    max_rows = limit("IMPORT_MAX_ROWS")
    hard_cap = _row_cap()
    max_cols = limit("IMPORT_MAX_COLUMNS")
    source = Source(filename=filename, kind="csv", encoding=encoding, delimiter=delimiter)
    grid = Grid(name=PurePath(filename or "file.csv").stem or "CSV", kind="csv")
    source.grids.append(grid)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, row in enumerate(reader, start=1):
            if number > hard_cap:  # blank lines count, so a file of them stops early
                raise _too_many_rows(max_rows)
            if number % 100 == 0:
                budget.check()
            cells = [
                Cell(value=v, row=number, column=i) if (v := clean_value(c)) else None
                for i, c in enumerate(row[:max_cols], start=1)
            ]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                budget.add_text(c.value for c in cells if c is not None)
                grid.rows.append((number, cells))
                if len(grid.rows) > max_rows:
                    raise _too_many_rows(max_rows)
    except _OverBudget as exc:
        raise budget.refusal() from exc
    except csv.Error as exc:
        raise ImportFileError(
            f"The CSV file could not be read near record {reader.line_num:,}: {exc}. Check for "
            "an unclosed quotation mark, or save it again from Excel."
        ) from exc
    if not grid.rows:
        raise ImportFileError("The CSV file has no data in it.")
    return source
