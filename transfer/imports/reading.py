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
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from django.conf import settings

from core.formatting import numeric_day_text, numeric_moment_text
from core.spreadsheets import FORMULA_TRIGGERS  # what the exports neutralise, undone here
from core.text import without_hidden_characters

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

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f'sheet "{self.sheet}"'
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


def read_table(*, filename: str, content: bytes) -> Table:
    """Check and read a file; raise ``ImportFileError`` with a clear message when it cannot be."""
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
    if suffix == ".xls":
        raise ImportFileError(
            "Old Excel .xls files cannot be read. Open it in Excel and save it as an "
            "Excel Workbook (.xlsx), or as CSV, then upload that."
        )
    shown = suffix or "a file with no extension"
    raise ImportFileError(
        f"The file must be an Excel workbook (.xlsx) or a CSV file (.csv); this is {shown}."
    )


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


def _check_zip(content: bytes) -> None:
    """Member count, uncompressed size and XML entity checks, before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(DAMAGED) from exc
    max_members = limit("IMPORT_MAX_ZIP_MEMBERS")
    if len(infos) > max_members:
        raise ImportFileError(
            f"The workbook is made of {len(infos):,} parts, more than the {max_members:,} a "
            "workbook of a plan needs, so it was refused without being opened."
        )
    total = sum(info.file_size for info in infos)
    max_total = limit("IMPORT_MAX_UNCOMPRESSED_BYTES")
    if total > max_total:
        raise ImportFileError(
            f"The workbook would take {megabytes(total)} once uncompressed, more than the limit of "
            f"{megabytes(max_total)}, so it was refused without being opened (it may be a "
            '"zip bomb"). Remove unused sheets and images, or split it into smaller files.'
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(DAMAGED)
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            # zipfile stops at the declared size and checks the CRC, so a member that lies about
            # its size cannot expand beyond the total checked above.
            data = archive.read(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
            if isinstance(exc, RuntimeError) and "encrypted" in str(exc).lower():
                raise ImportFileError(ENCRYPTED) from exc
            raise ImportFileError(DAMAGED) from exc
        except zlib.error as exc:
            raise ImportFileError(DAMAGED) from exc
        if any(marker in data for marker in _ENTITY_MARKERS):
            raise ImportFileError(XML_ENTITIES)


def _is_defused_error(exc: BaseException) -> bool:
    from defusedxml import DefusedXmlException

    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DefusedXmlException):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _read_xlsx(filename: str, content: bytes) -> Table:
    if content.startswith(OLE_SIGNATURE):
        raise ImportFileError(ENCRYPTED)
    if not content.startswith(ZIP_SIGNATURE):
        raise ImportFileError(DAMAGED)
    _check_zip(content)

    import openpyxl  # imported here: only after the checks above

    max_rows = limit("IMPORT_MAX_ROWS")
    hard_cap = max_rows * 4 + 1_000  # blank rows count towards this, so a sheet of them stops
    max_cols = limit("IMPORT_MAX_COLUMNS")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise ImportFileError("The workbook has no sheets.")
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # never trust the file's <dimension>
            table = Table(filename=filename, kind="xlsx", sheet=sheet.title)
            for number, values in enumerate(
                sheet.iter_rows(max_col=max_cols, values_only=True), start=1
            ):
                if number > hard_cap:
                    raise _too_many_rows(max_rows)
                cells = [None if v is None else clean_value(v) for v in values]
                while cells and cells[-1] in (None, ""):
                    cells.pop()
                if any(c not in (None, "") for c in cells):
                    table.rows.append((number, cells))
                    if len(table.rows) > max_rows:
                        raise _too_many_rows(max_rows)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds; each becomes one clear message
        if _is_defused_error(exc):
            raise ImportFileError(XML_ENTITIES) from exc
        logger.info("Unreadable workbook %r: %r", filename, exc)
        raise ImportFileError(DAMAGED) from exc
    if not table.rows:
        raise ImportFileError(f'The first sheet ("{table.sheet}") is empty.')
    return table


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


def _read_csv(filename: str, content: bytes) -> Table:
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
    table = Table(filename=filename, kind="csv", encoding=encoding, delimiter=delimiter)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, row in enumerate(reader, start=1):
            cells = [clean_value(c) for c in row[:max_cols]]
            if any(cells):
                table.rows.append((number, cells))
                if len(table.rows) > max_rows:
                    raise _too_many_rows(max_rows)
    except csv.Error as exc:
        raise ImportFileError(
            f"The CSV file could not be read near record {reader.line_num:,}: {exc}. Check for "
            "an unclosed quotation mark, or save it again from Excel."
        ) from exc
    if not table.rows:
        raise ImportFileError("The CSV file has no data in it.")
    return table
