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
- the rows, counted here (``IMPORT_MAX_ROWS``, 5,000 non-blank rows) because openpyxl's read-only
  mode trusts the sheet's own ``<dimension>``, which a crafted file can fake;
- for .csv: UTF-8 with or without a BOM, UTF-16 with a BOM, else Windows-1252; the delimiter is
  chosen among "," ";" and tab only.

Settings are read with ``getattr`` and a default, so none is required.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
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


def limit(name: str) -> int:
    defaults = {
        "IMPORT_MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
        "IMPORT_MAX_ROWS": 5_000,
        "IMPORT_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,
        "IMPORT_MAX_ZIP_MEMBERS": 1_000,
        "IMPORT_MAX_COLUMNS": 60,
    }
    return int(getattr(settings, name, defaults[name]))


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

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f'sheet "{self.sheet}"'
        if self.kind == "docx":
            return f"Word document, {self.sheet}"
        names = {",": "commas", ";": "semicolons", "\t": "tabs"}
        return f"{self.encoding} text separated by {names.get(self.delimiter, self.delimiter)}"


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
    """Member count, uncompressed size and XML entity checks, before any XML is parsed; the same
    for workbooks and Word documents (``word``), whose messages name what the file is."""
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
            data = archive.read(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
            if isinstance(exc, RuntimeError) and "encrypted" in str(exc).lower():
                raise ImportFileError(WORD_ENCRYPTED if word else ENCRYPTED) from exc
            raise ImportFileError(damaged) from exc
        except zlib.error as exc:
            raise ImportFileError(damaged) from exc
        if any(marker in data for marker in _ENTITY_MARKERS):
            raise ImportFileError(entities)


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
    try:
        merges = _merges(content)
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise ImportFileError("The workbook has no sheets.")
            theme = theme_colours(workbook.loaded_theme)
            counted = 0
            for index, sheet in enumerate(workbook.worksheets):
                grid = _read_sheet(sheet, index, theme, merges, counted)
                counted += len(grid.rows)
                source.grids.append(grid)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds; each becomes one clear message
        if _is_defused_error(exc):
            raise ImportFileError(XML_ENTITIES) from exc
        logger.info("Unreadable workbook %r: %r", filename, exc)
        raise ImportFileError(DAMAGED) from exc
    return source


def _read_sheet(sheet, index: int, theme: list[str], merges: dict, counted: int) -> Grid:
    """One sheet's non-blank rows as cells, with fills, number formats, bold and merges."""
    max_rows = limit("IMPORT_MAX_ROWS")
    hard_cap = max_rows * 4 + 1_000  # blank rows count towards this, so a sheet of them stops
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
        if number > hard_cap:
            raise _too_many_rows(max_rows)
        cells = [
            _cell(xl, number, column, theme, spans, covered) for column, xl in enumerate(row, 1)
        ]
        if not any(c is not None and not c.blank for c in cells):
            continue
        while cells and cells[-1] is None:
            cells.pop()
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
    text, encoding = _decode(content)
    delimiter = _choose_delimiter(text)
    max_rows = limit("IMPORT_MAX_ROWS")
    max_cols = limit("IMPORT_MAX_COLUMNS")
    source = Source(filename=filename, kind="csv", encoding=encoding, delimiter=delimiter)
    grid = Grid(name=PurePath(filename or "file.csv").stem or "CSV", kind="csv")
    source.grids.append(grid)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, row in enumerate(reader, start=1):
            cells = [
                Cell(value=v, row=number, column=i) if (v := clean_value(c)) else None
                for i, c in enumerate(row[:max_cols], start=1)
            ]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                grid.rows.append((number, cells))
                if len(grid.rows) > max_rows:
                    raise _too_many_rows(max_rows)
    except csv.Error as exc:
        raise ImportFileError(
            f"The CSV file could not be read near record {reader.line_num:,}: {exc}. Check for "
            "an unclosed quotation mark, or save it again from Excel."
        ) from exc
    if not grid.rows:
        raise ImportFileError("The CSV file has no data in it.")
    return source
