"""Read the tables of a Word document (.docx) into grids of cells, like a workbook's sheets.

The document is checked exactly as a workbook is (size, zip member count and uncompressed size,
XML entity declarations) before its XML is parsed, and parsed with defusedxml. Then:

- each table is a run of rows; consecutive tables of the same width are one grid (a plan is often
  one table per priority, or a table broken by page breaks with its header row typed again);
- headings and short paragraphs between tables become rows of their own in the first column, so
  they are read as section rows ("Priority 2: ..."); paragraphs before the first table are the
  title rows above the header;
- merged cells: a cell merged across (``gridSpan``) keeps its text in its first column and
  records the span; a cell merged down (``vMerge``) is blank below its first row, which the plan
  reader takes as "same as above";
- the header row marked to repeat on every page is in the file once; header rows typed again
  after a page break are skipped by the plan reader as repeated headers;
- a table inside a cell (nested) is kept as lines of text in that cell, " | " between its
  columns, with a note;
- tracked changes: the text as if every change were accepted (insertions kept, deletions
  dropped), with a note that the document had them;
- content controls (drop-downs, text boxes for a RAG rating or a date) are read as their text;
- a cell's shading (``w:shd``) is its fill colour, so a rating given only as a colour is kept.

Why not a library: docx2python 3.5 (which, unlike python-docx, keeps tracked-change and
content-control text) was tried on the fixtures and cut a row in two at a nested table, losing
the cells after it, and gives neither cell shading nor merges; see docs/adr/0013.
"""

from __future__ import annotations

import io
import logging
import zipfile

from transfer.imports.grid import Cell, Grid, Source
from transfer.imports.reading import (
    OLE_SIGNATURE,
    WORD_DAMAGED,
    WORD_ENCRYPTED,
    WORD_XML_ENTITIES,
    ZIP_SIGNATURE,
    ImportFileError,
    _check_zip,
    _is_defused_error,
    _too_many_rows,
    clean_value,
    limit,
)

logger = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SKIPPED = {W + "del", W + "moveFrom", W + "delText", W + "instrText", W + "fldSimple_"}
HEADING_STYLES = ("heading", "title", "subtitle")
MAX_PARAGRAPH_ROW = 300  # a longer paragraph between tables is prose, not a heading


def read_docx(filename: str, content: bytes) -> Source:
    if content.startswith(OLE_SIGNATURE):
        raise ImportFileError(WORD_ENCRYPTED)
    if not content.startswith(ZIP_SIGNATURE):
        raise ImportFileError(WORD_DAMAGED)
    _check_zip(content, word=True)
    from defusedxml import ElementTree

    try:
        xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml")
        root = ElementTree.fromstring(xml)
    except Exception as exc:
        if _is_defused_error(exc):
            raise ImportFileError(WORD_XML_ENTITIES) from exc
        logger.info("Unreadable document %r: %r", filename, exc)
        raise ImportFileError(WORD_DAMAGED) from exc
    body = root.find(W + "body")
    if body is None:
        raise ImportFileError(WORD_DAMAGED)
    reader = _DocumentReader(filename)
    reader.walk(body)
    return reader.finish()


class _DocumentReader:
    def __init__(self, filename: str):
        self.source = Source(filename=filename, kind="docx")
        self.grid: Grid | None = None
        self.width = 0
        self.pending: list[tuple[str, bool]] = []  # paragraphs since the last table
        self.tables = 0
        self.tracked = False
        self.row_number = 0
        self.first_table_in_grid = 0

    # -- the body, in order -----------------------------------------------------------------
    def walk(self, parent) -> None:
        for child in parent:
            if child.tag == W + "p":
                text, heading = self.paragraph(child)
                if text:
                    self.pending.append((text, heading))
            elif child.tag == W + "tbl":
                self.table(child)
            elif child.tag == W + "sdt":  # a content control around paragraphs or tables
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.walk(content)

    def paragraph(self, p) -> tuple[str, bool]:
        style = ""
        props = p.find(W + "pPr")
        if props is not None:
            node = props.find(W + "pStyle")
            if node is not None:
                style = (node.get(W + "val") or "").lower()
        text, bold = self.text_of(p)
        return text, bold or style.startswith(HEADING_STYLES)

    def text_of(self, element) -> tuple[str, bool]:
        """The accepted text of a paragraph (insertions kept, deletions dropped), and whether
        all of it is bold."""
        parts: list[str] = []
        bold_runs, runs = 0, 0

        def visit(node) -> None:
            nonlocal bold_runs, runs
            if node.tag in SKIPPED:
                if node.tag in (W + "del", W + "moveFrom"):
                    self.tracked = True
                return
            if node.tag in (W + "ins", W + "moveTo"):
                self.tracked = True
            if node.tag == W + "r":
                props = node.find(W + "rPr")
                has_text = any(t.text for t in node.iter(W + "t"))
                if has_text:
                    runs += 1
                    b = props.find(W + "b") if props is not None else None
                    if b is not None and b.get(W + "val") not in ("0", "false"):
                        bold_runs += 1
            if node.tag == W + "t" and node.text:
                parts.append(node.text)
            elif node.tag == W + "tab":
                parts.append("\t")
            elif node.tag in (W + "br", W + "cr") and node.get(W + "type") != "page":
                parts.append("\n")
            for child in node:
                visit(child)

        visit(element)
        return "".join(parts).strip(), runs > 0 and bold_runs == runs

    # -- tables -------------------------------------------------------------------------------
    def table(self, tbl) -> None:
        self.tables += 1
        rows = [self.row_cells(tr) for tr in self.table_rows(tbl)]
        width = max((sum(span for _, span, _ in row) for row in rows), default=0)
        if self.grid is None or width != self.width:
            self.start_grid(width)
        self.flush_paragraphs()
        restart: dict[int, Cell] = {}
        for row in rows:
            self.add_row(row, restart)
        if self.grid is not None:
            label = f"table {self.first_table_in_grid}"
            if self.tables > self.first_table_in_grid:
                label = f"tables {self.first_table_in_grid} to {self.tables}"
            self.grid.name = label[0].upper() + label[1:]

    def table_rows(self, tbl):
        for child in tbl:
            if child.tag == W + "tr":
                yield child
            elif child.tag == W + "sdt":  # rows inside a content control
                content = child.find(W + "sdtContent")
                if content is not None:
                    yield from (tr for tr in content if tr.tag == W + "tr")

    def row_cells(self, tr) -> list[tuple[dict, int, str]]:
        """[(properties, span across, merge down)] for each cell of a row."""
        cells = []
        for tc in self.cells_of(tr):
            props = tc.find(W + "tcPr")
            span, merge, fill = 1, "", ""
            if props is not None:
                node = props.find(W + "gridSpan")
                if node is not None and (node.get(W + "val") or "").isdigit():
                    span = max(1, int(node.get(W + "val")))
                node = props.find(W + "vMerge")
                if node is not None:
                    merge = "restart" if node.get(W + "val") == "restart" else "continue"
                node = props.find(W + "shd")
                if node is not None:
                    value = (node.get(W + "fill") or "").upper()
                    fill = value if len(value) == 6 and value != "AUTO" else ""
            text, bold, nested = self.cell_text(tc)
            cells.append(
                ({"text": text, "bold": bold, "fill": fill, "nested": nested}, span, merge)
            )
        return cells

    def cells_of(self, tr):
        for child in tr:
            if child.tag == W + "tc":
                yield child
            elif child.tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    yield from (tc for tc in content if tc.tag == W + "tc")

    def cell_text(self, tc) -> tuple[str, bool, bool]:
        lines: list[str] = []
        bolds: list[bool] = []
        nested = False

        def visit(parent) -> None:
            nonlocal nested
            for child in parent:
                if child.tag == W + "p":
                    text, bold = self.text_of(child)
                    if text:
                        lines.append(text)
                        bolds.append(bold)
                elif child.tag == W + "tbl":
                    nested = True
                    for tr in self.table_rows(child):
                        texts = [
                            self.cell_text(tc)[0].replace("\n", " ") for tc in self.cells_of(tr)
                        ]
                        if any(texts):
                            lines.append(" | ".join(t for t in texts if t))
                elif child.tag == W + "sdt":
                    content = child.find(W + "sdtContent")
                    if content is not None:
                        visit(content)

        visit(tc)
        return "\n".join(lines), bool(bolds) and all(bolds), nested

    def start_grid(self, width: int) -> None:
        self.grid = Grid(name="", kind="table", index=len(self.source.grids))
        self.source.grids.append(self.grid)
        self.width = width
        self.row_number = 0
        self.first_table_in_grid = self.tables

    def flush_paragraphs(self) -> None:
        """Paragraphs since the last table: rows of their own in the first column."""
        for text, heading in self.pending:
            if len(text) > MAX_PARAGRAPH_ROW and not heading:
                continue  # prose between tables is not part of the plan's table
            self.row_number += 1
            cell = Cell(value=clean_value(text), row=self.row_number, column=1, bold=heading)
            cell.span = (1, max(1, self.width))
            self.append([cell])
        self.pending = []

    def add_row(self, row, restart: dict[int, Cell]) -> None:
        self.row_number += 1
        cells: list[Cell | None] = []
        column = 1
        for props, span, merge in row:
            if merge == "continue":
                above = restart.get(column)
                if above is not None:
                    above.span = (above.span[0] + 1, above.span[1])
                cells.append(None)
            else:
                value = clean_value(props["text"])
                cell = Cell(
                    value=value if value != "" else None,
                    row=self.row_number,
                    column=column,
                    fill=props["fill"],
                    bold=props["bold"],
                    span=(1, span),
                )
                if props["nested"] and self.grid is not None:
                    self.grid.notes.append(
                        f"Row {self.row_number}, column {cell.letter}: a table inside the cell "
                        "is read as lines of text."
                    )
                keep = cell.value is not None or bool(cell.fill)
                cells.append(cell if keep else None)
                if merge == "restart":
                    restart[column] = cell
                else:
                    restart.pop(column, None)
            cells.extend([None] * (span - 1))
            column += span
        while cells and cells[-1] is None:
            cells.pop()
        if any(c is not None and not c.blank for c in cells):
            self.append(cells)

    def append(self, cells: list[Cell | None]) -> None:
        if self.grid is None:  # a row is only appended inside a table
            raise ValueError("a row outside a table")
        self.grid.rows.append((self.row_number, cells))
        if sum(len(g.rows) for g in self.source.grids) > limit("IMPORT_MAX_ROWS"):
            raise _too_many_rows(limit("IMPORT_MAX_ROWS"))

    def finish(self) -> Source:
        if self.grid is not None and self.pending:
            self.flush_paragraphs()  # notes after the last table ("Source: ...", a key)
        if self.tracked:
            for grid in self.source.grids:
                grid.notes.insert(
                    0,
                    "The document has tracked changes: the text is read as if every change "
                    "were accepted. Accept or reject them in Word first if that is not right.",
                )
        if not self.source.grids:
            raise ImportFileError(
                "The Word document has no tables. The plan must be in a table, with a row of "
                "column names such as Action, Lead officer and Timescale."
            )
        return self.source
