"""Bad files get a clear, specific message and nothing is written: wrong type, corrupt or
password-protected workbooks, empty sheets, files over the size limit, zip bombs and huge row
counts (refused before openpyxl parses them), XML entity attacks, and CSVs in other encodings."""

import io
import time
import zipfile

import openpyxl
import pytest

from tests.factories.transfer import HEADER, csv_bytes, xlsx_bytes
from transfer.imports import reading
from transfer.imports.reading import ImportFileError, read_table


def refused(filename, content) -> str:
    with pytest.raises(ImportFileError) as info:
        read_table(filename=filename, content=content)
    return str(info.value)


def rewrite(data: bytes, member: str, change) -> bytes:
    """The same .xlsx with one part changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content)
            target.writestr(info, content)
    return out.getvalue()


def with_doctype(doctype: bytes):
    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            xml = xml.split(b"?>", 1)[1]
        return b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + xml

    return change


@pytest.fixture
def openpyxl_must_not_run(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a file that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", fail)


@pytest.mark.parametrize(
    "filename,expected",
    [
        ("plan.docx", "could not be read as a Word document"),
        ("plan.doc", "Old Word .doc files cannot be read"),
        ("plan.pdf", "a CSV file (.csv) or a Word document (.docx); this is .pdf"),
        ("plan", "this is a file with no extension"),
        ("plan.xls", "Old Excel .xls files cannot be read"),
    ],
)
def test_wrong_file_types_are_named_in_the_message(filename, expected):
    assert expected in refused(filename, b"anything")


def test_a_corrupt_workbook_is_refused_as_damaged():
    good = xlsx_bytes([HEADER, ["", "", "An action"]])
    assert "could not be read as an Excel workbook" in refused("plan.xlsx", good[: len(good) // 2])
    assert "could not be read as an Excel workbook" in refused("plan.xlsx", b"just some text")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "could not be read as an Excel workbook" in refused("plan.xlsx", out.getvalue())


def test_a_password_protected_workbook_is_refused_with_how_to_fix_it(openpyxl_must_not_run):
    # Encrypted .xlsx files (and old .xls) are OLE compound files: D0 CF 11 E0 A1 B1 1A E1.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    message = refused("plan.xlsx", ole)
    assert "password-protected or encrypted" in message
    assert "Remove the password" in message
    assert "Excel workbook" in refused("plan.csv", ole)


def test_an_empty_sheet_is_refused():
    assert 'The first sheet ("Plan") is empty.' in refused("plan.xlsx", xlsx_bytes([]))
    assert "The CSV file has no data in it." in refused("plan.csv", b"\r\n,,\r\n")
    assert "The file is empty." in refused("plan.csv", b"")


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    message = refused("plan.csv", b"Action,Lead\r\n" + b"x" * 2048)
    assert message.startswith("The file is 2 KB; the largest file that can be imported is 1 KB")


def test_a_zip_bomb_is_refused_quickly_without_opening_it(openpyxl_must_not_run):
    # 60 MB of zeros compress to about 60 KB: under the upload limit, far over 50 MB unzipped.
    good = xlsx_bytes([HEADER, ["", "", "An action"]])
    bomb = rewrite(
        good,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml + b"<!-- " + b"0" * (60 * 1024 * 1024) + b" -->",
    )
    assert len(bomb) < 5 * 1024 * 1024
    started = time.monotonic()
    message = refused("bomb.xlsx", bomb)
    assert time.monotonic() - started < 2
    assert "60 MB once uncompressed, more than the limit of 50 MB" in message
    assert "zip bomb" in message


def test_a_zip_with_too_many_parts_is_refused(openpyxl_must_not_run, settings):
    settings.IMPORT_MAX_ZIP_MEMBERS = 20
    good = xlsx_bytes([HEADER, ["", "", "An action"]])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        source = zipfile.ZipFile(io.BytesIO(good))
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for n in range(30):
            target.writestr(f"xl/media/image{n}.png", b"x")
    assert "made of" in refused("many.xlsx", out.getvalue())


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 50
    rows = [HEADER] + [["", "", f"Action {n}"] for n in range(60)]
    assert "more than 50 rows" in refused("big.xlsx", xlsx_bytes(rows))
    assert "more than 50 rows" in refused("big.csv", csv_bytes(rows))


def test_rows_are_counted_even_when_the_sheet_lies_about_its_size(settings):
    """read_only openpyxl trusts <dimension>; a sheet claiming A1:A2 must still be counted."""
    settings.IMPORT_MAX_ROWS = 50
    rows = [HEADER] + [["", "", f"Action {n}"] for n in range(60)]
    data = rewrite(
        xlsx_bytes(rows),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:H61"', b'<dimension ref="A1:A2"'),
    )
    assert b'<dimension ref="A1:A2"' in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    )
    assert "more than 50 rows" in refused("lying.xlsx", data)
    settings.IMPORT_MAX_ROWS = 5000
    assert len(read_table(filename="lying.xlsx", content=data).rows) == 61


def test_a_sheet_far_over_the_row_limit_is_refused_quickly():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Plan")
    sheet.append(["Action"])
    for n in range(100_000):
        sheet.append([n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.monotonic()
    assert "more than 5,000 rows" in refused("huge.xlsx", buffer.getvalue())
    # it stops at the limit: seconds at most, where reading every row would take much longer
    assert time.monotonic() - started < 10


XXE = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize("doctype", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_xml_entity_attacks_are_refused(doctype, member, openpyxl_must_not_run):
    data = rewrite(xlsx_bytes([HEADER, ["", "", "An action"]]), member, with_doctype(doctype))
    assert "XML entity declarations" in refused("attack.xlsx", data)


def test_defusedxml_still_refuses_entities_the_scan_misses(monkeypatch):
    monkeypatch.setattr(reading, "_ENTITY_MARKERS", ())  # switch the first line of defence off
    data = rewrite(
        xlsx_bytes([HEADER, ["", "", "An action"]]),
        "xl/worksheets/sheet1.xml",
        with_doctype(LAUGHS),
    )
    assert "XML entity declarations" in refused("attack.xlsx", data)


@pytest.mark.parametrize(
    "encoding,bom,name",
    [
        ("utf-8", False, "UTF-8"),
        ("utf-8", True, "UTF-8 (with BOM)"),
        ("cp1252", False, "Windows-1252"),
        ("utf-16", False, "UTF-16"),  # Python writes the BOM itself
    ],
)
def test_csv_encodings_are_read(encoding, bom, name):
    rows = [["Action", "Lead officer"], ["Café services – £5 a head", "Zoë Brontë"]]
    table = read_table(filename="plan.csv", content=csv_bytes(rows, encoding=encoding, bom=bom))
    assert table.encoding == name
    assert table.rows[1][1] == ["Café services – £5 a head", "Zoë Brontë"]


def test_a_csv_in_an_unreadable_encoding_is_refused():
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8.
    assert "encoding of the CSV file could not be read" in refused(
        "plan.csv", b"Action,Lead\r\nfoo\x81bar,x\r\n"
    )


def test_a_binary_file_named_csv_is_refused():
    assert "not a CSV text file" in refused("plan.csv", b"Action\x00\x01\x02")
    assert "Excel workbook with a .csv name" in refused("plan.csv", xlsx_bytes([HEADER]))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_found_among_comma_semicolon_and_tab(delimiter):
    rows = [
        ["Action", "Lead officer", "Timescale"],
        ["Do it, then review; quickly", "DCS", "May 23"],
    ]
    table = read_table(filename="plan.csv", content=csv_bytes(rows, delimiter=delimiter))
    assert table.delimiter == delimiter
    assert table.rows[1][1] == ["Do it, then review; quickly", "DCS", "May 23"]


def test_other_delimiters_are_not_guessed():
    table = read_table(filename="plan.csv", content=b"Action|Lead\r\nx|y\r\n")
    assert table.rows[0][1] == ["Action|Lead"]


def test_neutralised_formulas_and_hidden_characters_are_read_as_written():
    rows = [["Action"], ["'=SUM(A1:A2)"], ["'-1 staff"], ["Abc\u202edef"]]
    for name, content in (("a.xlsx", xlsx_bytes(rows)), ("a.csv", csv_bytes(rows))):
        table = read_table(filename=name, content=content)
        assert [cells[0] for _, cells in table.rows[1:]] == ["=SUM(A1:A2)", "-1 staff", "Abcdef"]


# -- Word documents: the same protections -------------------------------------------------------
def word_document() -> bytes:
    from tests.data import docx_builder as dx

    table = dx.TableSpec(
        rows=[[dx.cell("Action"), dx.cell("Lead")], [dx.cell("Do"), dx.cell("DCS")]]
    )
    return dx.document_bytes([table.xml()])


def test_a_word_document_is_read_into_a_table():
    table = read_table(filename="plan.docx", content=word_document())
    assert table.kind == "docx" and table.rows == [(1, ["Action", "Lead"]), (2, ["Do", "DCS"])]


def test_a_word_zip_bomb_is_refused_quickly_without_parsing_it():
    bomb = rewrite(
        word_document(),
        "word/document.xml",
        lambda xml: xml + b"<!-- " + b"0" * (60 * 1024 * 1024) + b" -->",
    )
    started = time.monotonic()
    message = refused("bomb.docx", bomb)
    assert time.monotonic() - started < 2
    assert "The document would take 60 MB once uncompressed" in message


def test_xml_entity_attacks_in_a_word_document_are_refused():
    attack = rewrite(
        word_document(),
        "word/document.xml",
        with_doctype(b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'),
    )
    assert "The document contains XML entity declarations" in refused("plan.docx", attack)


def test_a_password_protected_word_document_is_refused():
    message = refused("plan.docx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "This document is password-protected or encrypted" in message


def test_a_word_document_without_tables_says_so():
    from tests.data import docx_builder as dx

    content = dx.document_bytes([dx.para("Just words")])
    assert "The Word document has no tables" in refused("plan.docx", content)


def test_the_row_limit_applies_to_word_tables(settings):
    from tests.data import docx_builder as dx

    settings.IMPORT_MAX_ROWS = 20
    rows = [[dx.cell(f"Action {n}")] for n in range(30)]
    content = dx.document_bytes([dx.TableSpec(rows=rows).xml()])
    assert "more than 20 rows" in refused("plan.docx", content)
