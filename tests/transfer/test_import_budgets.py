"""Spreadsheet reading has a budget (issue 18): the worst workbooks the probe found are refused
quickly, with a clear message, or read within their budget; a large ordinary workbook still
reads.

The files are built here: a shared-strings blow-up (a tiny zip whose sharedStrings.xml expands to
millions of entries or runs, under the 50 MB uncompressed cap), hundreds of thousands of blank
rows, a very wide sheet, huge strings repeated in many cells, and a sheet with no <dimension>
(openpyxl then parses it twice). Before the budget, the first took 33 s of CPU and 170 MB.

Each test asserts on the outcome and on a generous time cap (2-core machine shared with other
work), not on tight timings."""

import io
import time
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from transfer.imports import reading
from transfer.imports.reading import ImportFileError, read_table

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
CAP_SECONDS = 12  # wall-clock cap on any refusal or read below, with room for a busy machine


@pytest.fixture
def openpyxl_must_not_run(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a file that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", fail)


def small_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Action", "Lead"])
    sheet.append(["Recruit social workers", "Jane Smith"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rebuild(members: dict[str, bytes]) -> bytes:
    """The small workbook with parts replaced or added, compressed as hard as zip can."""
    source = zipfile.ZipFile(io.BytesIO(small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = members.pop(info.filename, None)
            target.writestr(info.filename, data if data is not None else source.read(info))
        for name, data in members.items():
            target.writestr(name, data)
    return out.getvalue()


def sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>{rows}'
        "</sheetData></worksheet>"
    ).encode()


HEADER_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def with_shared_strings(items: bytes, count: int, rows: str = HEADER_ROW) -> bytes:
    plain = zipfile.ZipFile(io.BytesIO(small_workbook()))
    types = plain.read("[Content_Types].xml").decode()
    rels = plain.read("xl/_rels/workbook.xml.rels").decode()
    if "sharedStrings" not in types:
        types = types.replace(
            "</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>',
        )
    if "sharedStrings" not in rels:
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdSST" Type="{SST_REL}" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
    sst = (
        (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{count}" '
            f'uniqueCount="{count}">'
        ).encode()
        + items
        + b"</sst>"
    )
    return rebuild(
        {
            "xl/sharedStrings.xml": sst,
            "[Content_Types].xml": types.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "xl/worksheets/sheet1.xml": sheet_xml(rows),
        }
    )


def unzipped_size(content: bytes) -> int:
    return sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist())


def outcome(filename: str, content: bytes) -> tuple[str, float]:
    started = time.monotonic()
    try:
        table = read_table(filename=filename, content=content)
        result = f"read {len(table.rows)} rows"
    except ImportFileError as exc:
        result = str(exc)
    return result, time.monotonic() - started


# The shared-strings blow-up --------------------------------------------------------------------
def test_millions_of_tiny_shared_strings_are_refused_before_openpyxl_parses_them(
    openpyxl_must_not_run,
):
    n = 2_400_000  # 43 MB of <si> entries in a 0.1 MB file: 33 s of CPU before the budget
    content = with_shared_strings(b"<si><t>a</t></si>" * n, n)
    assert len(content) < 200_000 and 40_000_000 < unzipped_size(content) < 50 * 1024 * 1024
    message, seconds = outcome("plan.xlsx", content)
    assert "pieces of text" in message
    assert seconds < CAP_SECONDS


def test_shared_strings_made_of_millions_of_runs_are_refused(openpyxl_must_not_run):
    one = b"<si>" + b"<r><t>a</t></r>" * 100_000 + b"</si>"
    content = with_shared_strings(one * 30, 30)
    message, seconds = outcome("plan.xlsx", content)
    assert "pieces of text" in message
    assert seconds < CAP_SECONDS


def test_empty_shared_string_entries_count_too(openpyxl_must_not_run):
    content = with_shared_strings(b"<si/>" * 9_000_000, 9_000_000)
    message, seconds = outcome("plan.xlsx", content)
    assert "pieces of text" in message
    assert seconds < CAP_SECONDS


def test_huge_strings_in_many_cells_are_refused_by_the_expanded_size_budget():
    """44 strings of a million characters, each cell a copy once read: refused by the limit on
    one cell (Excel's own 32,767 characters) before the copies add up."""
    items = b"".join(
        b"<si><t>" + bytes([97 + i % 26]) * 1_000_000 + b"</t></si>" for i in range(44)
    )
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{r % 44}</v></c>'
        f'<c r="B{r}" t="s"><v>{(r + 1) % 44}</v></c></row>'
        for r in range(1, 2001)
    )
    content = with_shared_strings(items, 44, rows)
    message, seconds = outcome("plan.xlsx", content)
    assert "32,767 characters" in message
    assert seconds < CAP_SECONDS


def test_the_text_read_from_a_file_has_a_total_budget(settings):
    settings.IMPORT_MAX_TEXT_CHARACTERS = 50_000
    rows = [["Action", "Lead"]] + [[f"{'x' * 30_000} {n}", "Jane"] for n in range(3)]
    buffer = io.BytesIO()
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(buffer)
    message, _ = outcome("plan.xlsx", buffer.getvalue())
    assert "more text than an import can take" in message


# Blank rows -------------------------------------------------------------------------------------
def test_650_000_blank_rows_in_a_workbook_are_refused_before_parsing(openpyxl_must_not_run):
    blank = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t></t></is></c></row>'
                    for r in range(2, 650_002))  # fmt: skip
    content = rebuild({"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW + blank)})
    message, seconds = outcome("plan.xlsx", content)
    assert "more than 5,000 rows" in message
    assert seconds < CAP_SECONDS


def test_a_gap_of_a_million_rows_is_refused_quickly():
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Action</t></is></c></row>'
        '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    message, seconds = outcome("plan.xlsx", rebuild({"xl/worksheets/sheet1.xml": sheet_xml(rows)}))
    assert "more than 5,000 rows" in message
    assert seconds < CAP_SECONDS


@pytest.mark.parametrize(
    "body",
    [b",,,,,,,\n" * 600_000, b"\n" * 5_000_000, b"\r\n" * 2_500_000],
    ids=["commas", "newlines", "crlf"],
)
def test_650_000_blank_lines_in_a_csv_are_refused_quickly(body):
    message, seconds = outcome("plan.csv", b"Action,Lead\nRecruit,Jane\n" + body)
    assert "more than 5,000 rows" in message
    assert seconds < CAP_SECONDS


# Wide sheets -----------------------------------------------------------------------------------
def wide_rows(columns: int, rows: int) -> str:
    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) + "</row>"
        for r in range(1, rows + 1)
    )


def test_a_sheet_of_too_many_cells_is_refused_before_parsing(openpyxl_must_not_run):
    content = rebuild({"xl/worksheets/sheet1.xml": sheet_xml(wide_rows(16_384, 20))})
    assert len(content) < reading.limit("IMPORT_MAX_UPLOAD_BYTES")
    message, seconds = outcome("plan.xlsx", content)
    assert "cells" in message
    assert seconds < CAP_SECONDS


def test_a_wide_sheet_within_the_cell_limit_is_read_within_budget():
    """16,384 columns x 12 rows, no <dimension> (openpyxl reads such a sheet twice): read,
    keeping the first IMPORT_MAX_COLUMNS columns, or refused by the CPU budget; never slow."""
    content = rebuild({"xl/worksheets/sheet1.xml": sheet_xml(wide_rows(16_384, 12))})
    message, seconds = outcome("plan.xlsx", content)
    assert message == "read 12 rows" or "took too long" in message
    assert seconds < CAP_SECONDS * 2


def test_a_wide_csv_keeps_the_first_columns():
    message, seconds = outcome("plan.csv", b"Action,Lead\n" + (b"1," * 60_000 + b"\n") * 40)
    assert message == "read 41 rows" and seconds < CAP_SECONDS


# The budget itself -----------------------------------------------------------------------------
def test_reading_stops_when_the_cpu_budget_is_spent(settings):
    settings.IMPORT_MAX_CPU_SECONDS = 0.05
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Action {r}</t></is></c></row>'
        for r in range(1, 4_900)
    )
    content = rebuild({"xl/worksheets/sheet1.xml": sheet_xml(rows)})
    message, _ = outcome("plan.xlsx", content)
    assert "took too long" in message


def test_reading_stops_before_the_request_deadline(settings):
    from core.database import request_deadline

    settings.IMPORT_DEADLINE_MARGIN = 5
    content = small_workbook()
    with request_deadline(4):  # less than the margin left: nothing is parsed
        message, _ = outcome("plan.xlsx", content)
    assert "took too long" in message


@pytest.mark.slow
def test_a_large_ordinary_workbook_reads_well_within_budget():
    """4,999 actions x 15 columns of text with 45,000 distinct strings (1 MB file, 4.4 MB of
    shared strings, 75,000 cells): about 2 s of CPU here."""
    import random

    rng = random.Random(18)
    words = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "children",
        "services",
        "plan",
        "social",
        "workers",
        "care",
        "review",
        "team",
    ]

    def text(n):
        return " ".join(rng.choice(words) for _ in range(n))

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([f"Column {c}" for c in range(15)])
    for i in range(4_999):
        sheet.append(
            [text(6), text(8), text(8), text(40), text(30), f"Officer {i % 50}", "March 2025"]
            + [text(5) for _ in range(8)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    message, seconds = outcome("plan.xlsx", buffer.getvalue())
    assert message == "read 5000 rows"
    assert seconds < CAP_SECONDS


def test_parts_are_scanned_a_chunk_at_a_time_and_counted_exactly(monkeypatch):
    """Counting across the scanner's chunk boundaries gives the same figures as counting the
    whole part, and an entity declaration split across two chunks is still found."""
    monkeypatch.setattr(reading, "_CHUNK", 7)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"/></row>' for r in range(9))
    data = sheet_xml(rows)
    archive = zipfile.ZipFile(io.BytesIO(rebuild({"xl/worksheets/sheet1.xml": data})))
    counts = reading._scan_part(archive, archive.getinfo("xl/worksheets/sheet1.xml"))
    assert counts[b"<"] == data.count(b"<")
    assert counts[b"<row"] == 9 and counts[b"<c "] == 18
    doctype = data.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet')
    archive = zipfile.ZipFile(io.BytesIO(rebuild({"xl/worksheets/sheet1.xml": doctype})))
    with pytest.raises(ImportFileError, match="XML entity"):
        reading._scan_part(archive, archive.getinfo("xl/worksheets/sheet1.xml"))
