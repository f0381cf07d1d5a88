"""A small writer of Word (.docx) files for the import fixtures: headings, numbered paragraphs,
tables with merged cells (across with ``gridSpan``, down with ``vMerge``), header rows repeated on
every page (``tblHeader``), page breaks, nested tables, tracked changes (``w:ins``/``w:del``) and
content controls (``w:sdt``). It writes the WordprocessingML by hand, as Word does, so the
fixtures hold exactly the structures the importer must read."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
    '<w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr>'
    "<w:rPr><w:b/></w:rPr></w:style>"
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr>'
    "<w:rPr><w:b/></w:rPr></w:style>"
    "</w:styles>"
)


def run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(text: str = "", *, style: str = "", bold: bool = False, runs: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    body = runs or "".join(
        run(line, bold) + ("<w:r><w:br/></w:r>" if i < len(text.split("\n")) - 1 else "")
        for i, line in enumerate(text.split("\n"))
    )
    return f"<w:p>{props}{body}</w:p>"


def tracked(kept: str, inserted: str, deleted: str) -> str:
    """A paragraph whose text was edited with tracked changes on: ``kept`` + an insertion, and
    a deletion that is still in the file."""
    return (
        "<w:p>"
        + run(kept)
        + f'<w:del w:id="1" w:author="Officer" w:date="2023-04-01T00:00:00Z"><w:r>'
        f'<w:delText xml:space="preserve">{escape(deleted)}</w:delText></w:r></w:del>'
        + '<w:ins w:id="2" w:author="Officer" w:date="2023-04-01T00:00:00Z">'
        + f"{run(inserted)}</w:ins>"
        + "</w:p>"
    )


def content_control(text: str, tag: str = "rag") -> str:
    """A paragraph holding a content control (a drop-down as councils put in RAG columns)."""
    return (
        f'<w:p><w:sdt><w:sdtPr><w:tag w:val="{tag}"/><w:dropDownList/></w:sdtPr>'
        f"<w:sdtContent>{run(text)}</w:sdtContent></w:sdt></w:p>"
    )


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


@dataclass
class TCell:
    """A table cell: paragraphs of XML, with a span across and a merge down."""

    xml: str
    across: int = 1
    merge: str = ""  # "restart" for the first cell of a merge down, "continue" below it
    fill: str = ""


def cell(text: str = "", **kwargs) -> TCell:
    lines = text.split("\n\n") if text else [""]
    return TCell("".join(para(line) for line in lines), **kwargs)


@dataclass
class TableSpec:
    rows: list[list[TCell]] = field(default_factory=list)
    header_rows: int = 1  # repeated at the top of every page

    def xml(self) -> str:
        width = max(sum(c.across for c in row) for row in self.rows)
        grid = "".join('<w:gridCol w:w="1800"/>' for _ in range(width))
        out = [
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        ]
        for n, row in enumerate(self.rows):
            props = "<w:trPr><w:tblHeader/></w:trPr>" if n < self.header_rows else ""
            out.append(f"<w:tr>{props}")
            for c in row:
                tc = ""
                if c.across > 1:
                    tc += f'<w:gridSpan w:val="{c.across}"/>'
                if c.merge == "restart":
                    tc += '<w:vMerge w:val="restart"/>'
                elif c.merge == "continue":
                    tc += "<w:vMerge/>"
                if c.fill:
                    tc += f'<w:shd w:val="clear" w:color="auto" w:fill="{c.fill}"/>'
                body = c.xml or "<w:p/>"
                out.append(f"<w:tc><w:tcPr>{tc}</w:tcPr>{body}</w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)


def document_bytes(parts: list[str]) -> bytes:
    """A .docx whose body is the given paragraph and table XML, in order."""
    body = "".join(parts) + "<w:p/>"
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("word/_rels/document.xml.rels", DOC_RELS),
            ("word/styles.xml", STYLES),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(2023, 4, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()
