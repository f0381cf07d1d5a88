"""Build the statistics tables the measure-import tests read, in the layouts councils and the
Department for Education publish them (``tests/data/statistics/``):

- ``wide_middlesbrough.xlsx``: a council's own performance table, periods as columns written
  four ways ("2014/15", "2015-16", "2016/17", "As at 28 February 2018"), a title row above and a
  source note below, one row per measure with England, North East and statistical-neighbour rows
  under it, a measure with no figure of the council's own (comparators only), and "x" and ".."
  where a figure is not available. The February 2018 figures are seed 001's (454 children looked
  after = 141.1 per 10,000, 285 on a plan = 88.6, 1,391 in need = 432.2).
- ``wide_quarters_stockton.csv``: saved from Excel on Windows (cp1252, ";" separated), one
  measure named in its title row, an "Area" column and quarters as columns ("Q1 2018/19" ...),
  with a "c" (small number suppressed).
- ``long_stockton.csv``: one row per measure, area and year ("2016/17"), with "c", "low" and
  ":" symbols; measures that do not exist in the app yet (created from the preview).
- ``dfe_tidy_cla.csv``: the Department's tidy layout (time_period "201718"-style codes and
  "2018" with time_identifier, geographic_level National / Regional / Local authority,
  new_la_code and old_la_code, one column per indicator), covering England, every region and
  40 councils, with "c" and "z" symbols.
- ``long_all_councils.xlsx``: the same figures as the local authority tool lays them out, one
  row per measure, year and council or region ("Indicator", "Year", "LA code", "LA name",
  "Value"), years written "2016-17" and "2017-18".
- ``statistical_neighbours.csv``: each of those councils' ten statistical neighbours, as the
  Department's list gives them (one row per council, SN1 to SN10).
- ``notes_then_table.xlsx``: a "Notes" sheet first (what the figures are, sources, contacts:
  text only), then the wide table of ``wide_middlesbrough.xlsx`` on its second sheet;
- ``two_tables.xlsx``: a contents sheet, then one wide table per sheet ("Looked after", "Child
  protection"), each measure named in the sheet's title row, with England and region rows.

The figures are public-statistics-like: they follow the seeds where the seeds give them and are
otherwise made up (fixed by a seeded generator), and so are the neighbour lists. The tests assert
results computed by hand from the figures written here.

Run from the repository root: ``.venv/bin/python tests/data/make_statistics_tables.py``.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

TARGET = Path(__file__).resolve().parent / "statistics"

# (new code, old code, name, region): the North East in full, and councils of other regions.
COUNCILS = [
    ("E06000005", "841", "Darlington", "North East"),
    ("E06000047", "840", "County Durham", "North East"),
    ("E08000037", "390", "Gateshead", "North East"),
    ("E06000001", "805", "Hartlepool", "North East"),
    ("E06000002", "806", "Middlesbrough", "North East"),
    ("E08000021", "391", "Newcastle upon Tyne", "North East"),
    ("E08000022", "392", "North Tyneside", "North East"),
    ("E06000057", "929", "Northumberland", "North East"),
    ("E06000003", "807", "Redcar and Cleveland", "North East"),
    ("E08000023", "393", "South Tyneside", "North East"),
    ("E06000004", "808", "Stockton-on-Tees", "North East"),
    ("E08000024", "394", "Sunderland", "North East"),
    ("E06000006", "876", "Halton", "North West"),
    ("E06000007", "877", "Warrington", "North West"),
    ("E08000008", "357", "Tameside", "North West"),
    ("E08000001", "350", "Bolton", "North West"),
    ("E08000010", "359", "Wigan", "North West"),
    ("E08000013", "342", "St. Helens", "North West"),
    ("E08000011", "340", "Knowsley", "North West"),
    ("E06000008", "889", "Blackburn with Darwen", "North West"),
    ("E06000009", "890", "Blackpool", "North West"),
    ("E08000016", "370", "Barnsley", "Yorkshire and The Humber"),
    ("E08000017", "371", "Doncaster", "Yorkshire and The Humber"),
    ("E08000018", "372", "Rotherham", "Yorkshire and The Humber"),
    ("E06000011", "811", "East Riding of Yorkshire", "Yorkshire and The Humber"),
    ("E06000012", "812", "North East Lincolnshire", "Yorkshire and The Humber"),
    ("E06000010", "810", "Kingston upon Hull, City of", "Yorkshire and The Humber"),
    ("E06000015", "831", "Derby", "East Midlands"),
    ("E06000018", "892", "Nottingham", "East Midlands"),
    ("E06000016", "856", "Leicester", "East Midlands"),
    ("E08000025", "330", "Birmingham", "West Midlands"),
    ("E08000027", "332", "Dudley", "West Midlands"),
    ("E06000021", "861", "Stoke-on-Trent", "West Midlands"),
    ("E06000031", "874", "Peterborough", "East of England"),
    ("E06000032", "821", "Luton", "East of England"),
    ("E09000002", "301", "Barking and Dagenham", "London"),
    ("E09000012", "204", "Hackney", "London"),
    ("E06000041", "872", "Wokingham", "South East"),
    ("E06000045", "852", "Southampton", "South East"),
    ("E06000026", "879", "Plymouth", "South West"),
]
REGIONS = [
    ("E12000001", "North East"),
    ("E12000002", "North West"),
    ("E12000003", "Yorkshire and The Humber"),
    ("E12000004", "East Midlands"),
    ("E12000005", "West Midlands"),
    ("E12000006", "East of England"),
    ("E12000007", "London"),
    ("E12000008", "South East"),
    ("E12000009", "South West"),
]
# Stockton-on-Tees' ten neighbours in the list written here (made up, in the style of the
# Department's list: similar councils, nearest first).
STOCKTON_NEIGHBOURS = [
    "Darlington",
    "Redcar and Cleveland",
    "Halton",
    "Warrington",
    "Tameside",
    "North East Lincolnshire",
    "Wigan",
    "Hartlepool",
    "Rotherham",
    "Doncaster",
]


def _cla_rate(rng: random.Random, name: str, region: str, year: int) -> str:
    base = {"North East": 100, "North West": 95, "London": 50, "South East": 52}.get(region, 70)
    return f"{base + rng.randint(-25, 35) + (year - 2016) * 2}"


def wide_middlesbrough() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Key measures"
    bold = Font(bold=True)
    sheet.append(["Middlesbrough Children's Services: key measures, March 2018"])
    sheet["A1"].font = bold
    sheet.append([])
    sheet.append(["Indicator", "2014/15", "2015-16", "2016/17", "As at 28 February 2018"])
    rows = [
        ["Children looked after per 10,000", 99.1, 105.4, 126.2, 141.1],
        ["England", 60, 60, 62, 64],
        ["North East", 85, 87, 92, 97],
        ["Statistical neighbours", 93.7, 97.2, 103.9, ".."],
        ["Child protection plans per 10,000", 71.4, 80.2, 84.9, 88.6],
        ["England", 42.9, 43.1, 43.3, 45.3],
        ["North East", 57.3, 58.5, 60.7, ".."],
        ["Children in need per 10,000", "x", 420.6, 427.3, 432.2],
        ["England", 337.3, 337.7, 330.1, 341],
        ["Re-referrals within 12 months (%)"],
        ["England", 24, 22.3, 21.9, 22.6],
        ["North East", 23.1, 21.7, 19.8, 21.1],
    ]
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Source: Department for Education, Children looked after in England; local"])
    return _save(workbook)


def wide_quarters_stockton() -> bytes:
    rows = [
        ["Children subject of a child protection plan per 10,000 children"],
        ["Area", "Q1 2018/19", "Q2 2018/19", "Q3 2018/19", "Q4 2018/19"],
        ["Stockton-on-Tees", "78.2", "80.1", "c", "83.4"],
        ["England", "43.7", "44.1", "44.6", "45.2"],
        ["North East", "63.9", "64.4", "65.0", "65.8"],
        ["Note: figures for Q3 are withheld while the return is checked – see the key"],
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("cp1252")


def long_stockton() -> bytes:
    rows = [["Measure", "Area", "Year", "Value"]]
    care_leavers = {"Stockton-on-Tees": "c", "England": "52", "North East": "55"}
    for year, (ours, england, region, sn) in {
        "2016/17": ("8.1", "6.0", "7.3", "7.6"),
        "2017/18": ("7.4", "6.1", "7.0", "low"),
        "2018/19": (":", "6.3", "6.9", "7.1"),
    }.items():
        rows.append(["Missing from care incidents per child missing", "Stockton-on-Tees", year,
                     ours])  # fmt: skip
        rows.append(["Missing from care incidents per child missing", "England", year, england])
        rows.append(["Missing from care incidents per child missing", "North East", year, region])
        rows.append(["Missing from care incidents per child missing", "Statistical neighbours",
                     year, sn])  # fmt: skip
    for area, value in care_leavers.items():
        rows.append(["Care leavers aged 19-21 in education, employment or training (%)", area,
                     "2018/19", value])  # fmt: skip
    return _csv(rows)


def dfe_tidy_cla() -> bytes:
    rng = random.Random(2018)
    header = [
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
        "region_code", "region_name", "new_la_code", "old_la_code", "la_name",
        "number_cla", "rate_per_10000",
    ]  # fmt: skip
    rows = [header]
    for year in (2017, 2018):
        period = str(year)
        rows.append([period, "Reporting year", "National", "E92000001", "England", "", "", "",
                     "", "", "72670" if year == 2017 else "75370",
                     "62" if year == 2017 else "64"])  # fmt: skip
        for code, name in REGIONS:
            rate = {"North East": "92", "London": "50"}.get(name, "66")
            rows.append([period, "Reporting year", "Regional", "E92000001", "England", code,
                         name, "", "", "", str(rng.randint(3000, 12000)), rate])  # fmt: skip
        for new, old, name, region in COUNCILS:
            region_code = dict((n, c) for c, n in REGIONS)[region]
            rate = _cla_rate(rng, name, region, year)
            number = str(int(rate) * rng.randint(3, 9))
            if name == "Stockton-on-Tees":
                rate, number = ("95", "410") if year == 2017 else ("106", "460")
            if name == "Hartlepool" and year == 2018:
                rate, number = "c", "c"
            if name == "Halton" and year == 2017:
                rate = "z"
            rows.append([period, "Reporting year", "Local authority", "E92000001", "England",
                         region_code, region, new, old, name, number, rate])  # fmt: skip
    return _csv(rows)


def long_all_councils() -> bytes:
    """The tidy file's rate column, one row per indicator, year and area."""
    rows = list(csv.reader(io.StringIO(dfe_tidy_cla().decode())))
    header, body = rows[0], rows[1:]
    at = {name: header.index(name) for name in header}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "LAIT extract"
    sheet.append(["Indicator", "Year", "LA code", "LA name", "Value"])
    for row in body:
        year = int(row[at["time_period"]])
        level = row[at["geographic_level"]]
        name = {"National": "England", "Regional": row[at["region_name"]]}.get(
            level, row[at["la_name"]]
        )
        code = row[at["old_la_code"]] if level == "Local authority" else row[at["region_code"]]
        value = row[at["rate_per_10000"]]
        sheet.append(
            [
                "Children looked after rate per 10,000 children aged under 18",
                f"{year - 1}-{str(year)[-2:]}",
                code,
                name,
                float(value) if value.replace(".", "").isdigit() else value,
            ]
        )
    return _save(workbook)


def notes_then_table() -> bytes:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(wide_middlesbrough()))
    notes = workbook.create_sheet("Notes", 0)
    for line in [
        "About these figures",
        "Figures are published by the Department for Education each autumn.",
        "Rates are per 10,000 children aged under 18.",
        "Contact: performance.team@example.gov.uk",
    ]:
        notes.append([line])
    workbook.active = 0
    return _save(workbook)


def two_tables() -> bytes:
    workbook = Workbook()
    contents = workbook.active
    contents.title = "Contents"
    contents.append(["Contents"])
    contents.append(["Looked after: children looked after per 10,000"])
    contents.append(["Child protection: child protection plans per 10,000"])
    tables = {
        "Looked after": (
            "Children looked after per 10,000",
            [["Middlesbrough", 99.1, 105.4, 126.2], ["England", 60, 60, 62]],
        ),
        "Child protection": (
            "Child protection plans per 10,000",
            [
                ["Middlesbrough", 71.4, 80.2, 84.9],
                ["England", 42.9, 43.1, 43.3],
                ["North East", 57.3, 58.5, 60.7],
            ],
        ),
    }
    for name, (title, rows) in tables.items():
        sheet = workbook.create_sheet(name)
        sheet.append([title])
        sheet.append(["Area", "2014/15", "2015/16", "2016/17"])
        for row in rows:
            sheet.append(row)
    return _save(workbook)


def statistical_neighbours() -> bytes:
    rng = random.Random(10)
    names = [c[2] for c in COUNCILS]
    rows = [["LA code", "LA name", *[f"SN{i}" for i in range(1, 11)]]]
    for _new, old, name, _region in COUNCILS:
        if name == "Stockton-on-Tees":
            neighbours = STOCKTON_NEIGHBOURS
        else:
            neighbours = rng.sample([n for n in names if n != name], 10)
        rows.append([old, name, *neighbours])
    return _csv(rows)


def _csv(rows) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILES = {
    "wide_middlesbrough.xlsx": wide_middlesbrough,
    "wide_quarters_stockton.csv": wide_quarters_stockton,
    "long_stockton.csv": long_stockton,
    "dfe_tidy_cla.csv": dfe_tidy_cla,
    "long_all_councils.xlsx": long_all_councils,
    "statistical_neighbours.csv": statistical_neighbours,
    "notes_then_table.xlsx": notes_then_table,
    "two_tables.xlsx": two_tables,
}


def main() -> None:
    TARGET.mkdir(exist_ok=True)
    for name, build in FILES.items():
        (TARGET / name).write_bytes(build())
        print(f"wrote {TARGET / name}")


if __name__ == "__main__":
    main()
