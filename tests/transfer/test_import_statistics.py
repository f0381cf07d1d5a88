"""Importing published statistics tables (``tests/data/statistics/``, made by
``tests/data/make_statistics_tables.py``): wide tables, long tables with an area column and the
Department for Education's tidy CSV; comparators with or without a value of ours; symbols kept as
not published; new measures proposed and created; the neighbour list and the comparators
computed from every council's figures; all or nothing; importing twice changes nothing."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from measures.models import (
    Comparator,
    Measure,
    MeasureValue,
    StatisticalNeighbour,
    Target,
    UnpublishedFigure,
)
from tests import factories
from tests.factories.transfer import csv_bytes, table_counts
from transfer.imports.measure_rows import MeasureValuesImporter
from transfer.imports.plan_changes import ImportBlocked
from transfer.imports.reading import read_table
from transfer.imports.statistics import read_figure, read_period

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "statistics"


def importer(name=None, *, content=None, **options):
    content = content if content is not None else (DATA / name).read_bytes()
    i = MeasureValuesImporter(table=read_table(filename=name, content=content), options=options)
    i.prepare()
    return i


def values_of(code):
    return {
        v.label: v.value for v in MeasureValue.objects.filter(measure__code=code).order_by("pk")
    }


def comparators_of(code, kind):
    return {c.label: c.value for c in Comparator.objects.filter(measure__code=code, kind=kind)}


def unpublished():
    return {
        (u.measure.code, u.series, u.label): u.symbol
        for u in UnpublishedFigure.objects.select_related("measure")
    }


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2017/18", ("2017-04-01", "2018-03-31")),
        ("2017-18", ("2017-04-01", "2018-03-31")),
        ("2018", ("2018-01-01", "2018-12-31")),
        ("Q1 2018/19", ("2018-04-01", "2018-06-30")),
        ("31 March 2018", ("2018-03-31", "2018-03-31")),
        ("Mar-18", ("2018-03-01", "2018-03-31")),
        ("As at 28 February 2018", ("2018-02-28", "2018-02-28")),
    ],
)
def test_periods_written_as_councils_write_them(text, expected):
    period = read_period(text)
    assert (period.start.isoformat(), period.end.isoformat()) == expected


def test_dfe_time_periods_are_read_with_their_identifier():
    assert read_period("201718", "Academic year").start.isoformat() == "2017-09-01"
    assert read_period("201718", "Financial year").end.isoformat() == "2018-03-31"
    reporting = read_period("2018", "Reporting year")
    assert (reporting.start.isoformat(), reporting.end.isoformat()) == ("2017-04-01", "2018-03-31")


@pytest.mark.parametrize(
    "symbol", ["c", "x", "z", "low", "k", "..", ":", "~", "[c]", " C ", "*", "n/a", "N/A"]
)
def test_suppression_symbols_are_not_errors(symbol):
    number, found = read_figure(symbol)
    assert number is None and found == symbol.strip().strip("[]").lower()


def test_wide_table_with_comparator_rows_and_symbols():
    i = importer("wide_middlesbrough.xlsx")
    result = i.result
    assert result["errors"] == []
    assert result["statistics"]["layout"] == "a wide table (periods as columns)"
    assert {m["name"]: (m["code"], m["unit"], m["polarity"]) for m in result["new_measures"]} == {
        "Children looked after per 10,000": ("CLAP10000", "rate_per_10000", "lower"),
        "Child protection plans per 10,000": ("CPPP10000", "rate_per_10000", "lower"),
        "Children in need per 10,000": ("CINP10000", "rate_per_10000", "monitor"),
        "Re-referrals within 12 months (%)": ("RRW12M", "percentage", "lower"),
    }
    # 63 cells: all used but the title row and the source note, which are listed and warned of
    assert (result["account"]["read"], result["account"]["used"]) == (63, 61)
    assert [c["cell"] for c in result["account"]["ignored_cells"]] == ["A1", "A17"]
    assert result["warnings"][0]["row"] == 17
    i.commit()
    assert Measure.objects.count() == 4
    assert values_of("CLAP10000") == {
        "2014/15": Decimal("99.1"),
        "2015-16": Decimal("105.4"),
        "2016/17": Decimal("126.2"),
        "28 February 2018": Decimal("141.1"),  # seed 001
    }
    assert list(values_of("CINP10000")) == ["2015-16", "2016/17", "28 February 2018"]
    assert values_of("RRW12M") == {}  # comparators only: no value of ours
    assert comparators_of("RRW12M", "england")["2016/17"] == Decimal("21.9")
    assert comparators_of("CLAP10000", "region")["28 February 2018"] == Decimal("97")
    assert unpublished() == {
        ("CINP10000", "value", "2014/15"): "x",
        ("CLAP10000", "statistical_neighbours", "28 February 2018"): "..",
        ("CPPP10000", "region", "28 February 2018"): "..",
    }


def test_importing_a_statistics_table_twice_changes_nothing():
    importer("wide_middlesbrough.xlsx").commit()
    before = table_counts()
    again = importer("wide_middlesbrough.xlsx")
    assert again.result["new_measures"] == []  # found by name now
    assert {v["status"] for v in again.result["values"]} == {"same"}
    again.commit()
    assert table_counts() == before


def test_a_published_figure_replaces_not_published():
    importer("wide_middlesbrough.xlsx").commit()
    content = csv_bytes(
        [["Indicator", "2014/15", "2015/16"], ["Children in need per 10,000", "401.5", "420.6"]]
    )
    importer("cin.csv", content=content).commit()
    assert values_of("CINP10000")["2014/15"] == Decimal("401.5")
    assert ("CINP10000", "value", "2014/15") not in unpublished()


def test_csv_from_excel_on_windows_with_a_title_row_and_quarters():
    i = importer("wide_quarters_stockton.csv")
    assert i.result["errors"] == []
    assert i.result["file"]["read_as"] == "Windows-1252 text separated by semicolons"
    assert i.result["statistics"]["own_area"] == "Stockton-on-Tees"
    (new,) = i.result["new_measures"]
    assert new["title"] == "Children subject of a child protection plan per 10,000 children"
    assert new["frequency"] == "quarterly"
    assert "Note: figures for Q3" in i.result["warnings"][0]["message"]
    i.commit()
    code = new["code"]
    assert values_of(code) == {
        "Q1 2018/19": Decimal("78.2"),
        "Q2 2018/19": Decimal("80.1"),
        "Q4 2018/19": Decimal("83.4"),
    }
    assert unpublished() == {(code, "value", "Q3 2018/19"): "c"}
    assert comparators_of(code, "england")["Q3 2018/19"] == Decimal("44.6")


def test_long_table_matches_existing_measures_by_name_and_creates_the_others():
    factories.measure(code="MISS", title="Missing from care incidents per child missing")
    i = importer("long_stockton.csv")
    assert i.result["statistics"]["layout"].startswith("a long table")
    assert [m["name"] for m in i.result["new_measures"]] == [
        "Care leavers aged 19-21 in education, employment or training (%)"
    ]
    assert i.result["new_measures"][0]["polarity"] == "higher"
    i.commit()
    assert values_of("MISS") == {"2016/17": Decimal("8.1"), "2017/18": Decimal("7.4")}
    assert comparators_of("MISS", "statistical_neighbours") == {
        "2016/17": Decimal("7.6"),
        "2018/19": Decimal("7.1"),
    }
    symbols = unpublished()
    assert symbols[("MISS", "value", "2018/19")] == ":"
    assert symbols[("MISS", "statistical_neighbours", "2017/18")] == "low"
    assert symbols[("CLA1921IEEOT", "value", "2018/19")] == "c"


def test_new_measures_as_the_administrator_changed_them_or_left_out():
    name = "Care leavers aged 19-21 in education, employment or training (%)"
    choices = {
        name: {
            "code": "CL-EET",
            "title": "Care leavers in EET",
            "unit": "percentage",
            "polarity": "higher",
            "frequency": "annual",
        },
        "Missing from care incidents per child missing": {"skip": True},
    }
    i = importer("long_stockton.csv", new_measures=choices)
    assert i.result["errors"] == []
    i.commit()
    assert list(Measure.objects.values_list("code", "title")) == [("CL-EET", "Care leavers in EET")]
    ignored = i.result["account"]["ignored_cells"]
    assert sum("is not imported" in c["reason"] for c in ignored) == 12


def test_a_new_measure_code_that_is_taken_is_a_row_error_and_nothing_is_written():
    factories.measure(code="CL-EET", title="Something else")
    name = "Care leavers aged 19-21 in education, employment or training (%)"
    choices = {
        name: {
            "code": "cl-eet",
            "title": "x",
            "unit": "percentage",
            "polarity": "higher",
            "frequency": "annual",
        }
    }
    i = importer("long_stockton.csv", new_measures=choices)
    assert 'A measure with the code "cl-eet" exists already' in i.result["errors"][0]["message"]
    before = table_counts()
    with pytest.raises(ImportBlocked):
        i.commit()
    assert table_counts() == before


def test_a_file_of_every_council_needs_to_know_which_is_ours():
    i = importer("dfe_tidy_cla.csv")
    assert i.result["errors"][0]["message"].startswith("The file has figures for 40 councils")
    assert i.result["can_commit"] is False


def test_neighbour_list_then_tidy_csv_yields_values_and_computed_comparators():
    neighbours = importer("statistical_neighbours.csv")
    assert neighbours.result["neighbours"]["councils"] == 40
    neighbours.commit()
    assert StatisticalNeighbour.objects.filter(council_name="Stockton-on-Tees").count() == 10
    rate = {"code": "CLA-RATE", "title": "Children looked after per 10,000"}
    choices = {
        "rate_per_10000": {
            **rate,
            "unit": "rate_per_10000",
            "polarity": "lower",
            "frequency": "annual",
        },
        "number_cla": {"skip": True},
    }
    i = importer("dfe_tidy_cla.csv", area="808", new_measures=choices)
    assert i.result["errors"] == []
    assert i.result["statistics"]["own_area"] == "Stockton-on-Tees"
    assert i.result["statistics"]["region"] == "North East"
    i.commit()
    assert values_of("CLA-RATE") == {"2017": Decimal("95"), "2018": Decimal("106")}
    assert comparators_of("CLA-RATE", "england") == {"2017": Decimal("62"), "2018": Decimal("64")}
    assert comparators_of("CLA-RATE", "region") == {"2017": Decimal("92"), "2018": Decimal("92")}
    expected = expected_benchmarks(i, "2018")
    got = {
        c.kind: (c.value, c.method)
        for c in Comparator.objects.filter(measure__code="CLA-RATE", label="2018")
    }
    assert got["statistical_neighbours"][0] == expected["mean"]
    assert got["best_neighbour"][0] == expected["best"]
    assert got["top_quartile"][0] == expected["quartile"]
    method = got["statistical_neighbours"][1]
    assert "9 of the council's 10 statistical neighbours" in method
    assert "Hartlepool (c)" in method  # not published in 2018: left out, and said so
    assert "ranked 10" in got["top_quartile"][1]  # 39 published: ceil(39 / 4)


def expected_benchmarks(i, label):
    """Worked out from the file's own rows, independently of the importer's code."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO((DATA / "dfe_tidy_cla.csv").read_text())))
    figures = {
        r["la_name"]: Decimal(r["rate_per_10000"])
        for r in rows
        if r["time_period"] == label
        and r["geographic_level"] == "Local authority"
        and r["rate_per_10000"] not in ("c", "z")
    }
    neighbours = list(
        StatisticalNeighbour.objects.filter(council_name="Stockton-on-Tees").values_list(
            "neighbour_name", flat=True
        )
    )
    published = [figures[n] for n in neighbours if n in figures]
    ranked = sorted(figures.values())  # lower is better
    return {
        "mean": (sum(published) / len(published)).quantize(Decimal("0.1"), ROUND_HALF_UP),
        "best": min(published),
        "quartile": ranked[-(-len(ranked) // 4) - 1],
    }


# In the browser ---------------------------------------------------------------------------------


def upload(client, name, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    data = {"file": SimpleUploadedFile(name, (DATA / name).read_bytes()), **fields}
    return client.post(reverse("imports:measures_upload"), data)


def test_browser_upload_preview_new_measures_and_commit(admin_client):
    from django.urls import reverse

    from transfer.models import PlanImport

    response = upload(admin_client, "long_stockton.csv", area="Stockton-on-Tees")
    plan_import = PlanImport.objects.get()
    assert response.url == reverse("imports:preview", kwargs={"pk": plan_import.pk})
    assert plan_import.options["area"] == "Stockton-on-Tees"
    html = admin_client.get(response.url).content.decode()
    assert "A long table (one row per measure, area and period)" in html
    assert "64 read, 64 used, 0 ignored" in html
    assert "Not published (:)" in html and "not published (low)" in html
    assert "New measure" in html and "Measures to create" in html
    form_url = reverse("imports:new_measures", kwargs={"pk": plan_import.pk})
    page = admin_client.get(form_url).content.decode()
    assert 'value="MFCIPCM"' in page and "Do not import this measure" in page
    post = {
        "m0_code": "CL-EET",
        "m0_title": "Care leavers in EET",
        "m0_unit": "percentage",
        "m0_polarity": "higher",
        "m0_frequency": "annual",
        "m1_code": "",
        "m1_title": "Missing",
        "m1_unit": "number",
        "m1_polarity": "lower",
        "m1_frequency": "annual",
    }
    refused = admin_client.post(form_url, post)
    assert refused.status_code == 200
    refused_html = refused.content.decode()
    assert "govuk-error-summary" in refused_html and 'value="CL-EET"' in refused_html
    assert "Enter a code for" in refused_html
    post["m1_code"] = "MISSING"
    assert admin_client.post(form_url, post).status_code == 302
    plan_import.refresh_from_db()
    assert (
        plan_import.options["new_measures"]["Missing from care incidents per child missing"]["code"]
        == "MISSING"
    )
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    assert set(Measure.objects.values_list("code", flat=True)) == {"CL-EET", "MISSING"}


def test_measure_page_shows_not_published_never_zero_and_the_method(client, admin_user_client):
    importer("statistical_neighbours.csv").commit()
    choices = {
        "rate_per_10000": {
            "code": "CLA-RATE",
            "title": "Children looked after per 10,000",
            "unit": "rate_per_10000",
            "polarity": "lower",
            "frequency": "annual",
        },
        "number_cla": {"skip": True},
    }
    importer("dfe_tidy_cla.csv", area="Stockton-on-Tees", new_measures=choices).commit()
    importer("long_stockton.csv").commit()
    html = admin_user_client.get("/measures/CLA-RATE/").content.decode()
    assert "Mean of the published 2018 figures of 9 of the council&#x27;s 10" in html
    assert "the last of the best quarter" in html
    page = admin_user_client.get("/measures/MFCIPCM/").content.decode()
    assert "Not published (:: not available)" in page
    assert "2018/19: <strong>not published</strong>" in page
    assert "Not published (low: a positive figure that rounds to zero)" in page
    care = admin_user_client.get("/measures/CLA1921IEEOT/").content.decode()
    assert "Not published (c: confidential" in care


@pytest.fixture
def admin_user_client(client):
    client.force_login(factories.admin_user())
    return client


@pytest.mark.parametrize("years", [2, 30])
def test_measure_page_with_unpublished_figures_keeps_a_fixed_query_count(
    years, admin_user_client, django_assert_max_num_queries
):
    from datetime import date

    m = factories.measure(code="Q", unit=Measure.Unit.RATE_PER_10000)
    for n in range(years):
        start, end = date(1990 + n, 4, 1), date(1991 + n, 3, 31)
        label = f"{1990 + n}/{str(1991 + n)[-2:]}"
        if n % 2:
            UnpublishedFigure.objects.create(
                measure=m, period_start=start, period_end=end, label=label, symbol="c"
            )
        else:
            MeasureValue.objects.create(
                measure=m, period_start=start, period_end=end, label=label, value=n
            )
        UnpublishedFigure.objects.create(
            measure=m, series="region", period_start=start, period_end=end, label=label, symbol=".."
        )
        Comparator.objects.create(
            measure=m,
            kind="england",
            period_start=start,
            period_end=end,
            label=label,
            value=10,
            method="",
        )
    admin_user_client.get(m.get_absolute_url())
    with django_assert_max_num_queries(12):  # the measure page's 11 and the unpublished figures
        response = admin_user_client.get(m.get_absolute_url())
    # in the trend table and in the table of values
    assert response.content.decode().count("Not published (c: confidential") == 2 * (years // 2)


# On the command line ----------------------------------------------------------------------------


def test_command_line_dry_run_prints_the_account_and_writes_nothing(capsys):
    from django.core.management import call_command

    before = table_counts()
    call_command(
        "import_measures",
        str(DATA / "dfe_tidy_cla.csv"),
        "--area=E06000004",
        "--new-measure",
        "rate_per_10000",
        "code",
        "CLA-RATE",
        "--new-measure",
        "rate_per_10000",
        "polarity",
        "lower",
        "--skip-measure",
        "number_cla",
    )
    out = capsys.readouterr().out
    assert table_counts() == before
    # the one table in the file is said to be read, once
    assert out.count('sheet "dfe_tidy_cla"') == 1 and "rows (read)" in out
    assert "Our council: Stockton-on-Tees" in out and "Region: North East" in out
    assert 'New measure "rate_per_10000": CLA-RATE' in out
    assert 'New measure "number_cla": left out' in out
    assert "Cells: 1148 read," in out
    assert "ignored K4: North West is not the council's region" in out
    assert "CLA-RATE 2018: 106 | England average 64" in out
    assert "Preview only: nothing was written." in out


def test_command_line_commit_matches_the_browser():
    from django.core.management import call_command

    call_command(
        "import_measures",
        str(DATA / "wide_quarters_stockton.csv"),
        "--commit",
        "--new-measure",
        "Children subject of a child protection plan per 10,000 children",
        "code",
        "CPP-Q",
    )
    assert values_of("CPP-Q")["Q4 2018/19"] == Decimal("83.4")
    assert unpublished() == {("CPP-Q", "value", "Q3 2018/19"): "c"}


def test_command_line_refuses_a_bad_field_name():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="FIELD one of code, title"):
        call_command(
            "import_measures",
            str(DATA / "long_stockton.csv"),
            "--new-measure",
            "x",
            "colour",
            "red",
        )


def test_excel_dates_shown_as_months_in_the_heading_are_months():
    from datetime import datetime

    from tests.factories.transfer import xlsx_bytes

    content = xlsx_bytes(
        [
            ["Measure", datetime(2018, 3, 1), datetime(2018, 4, 1), datetime(2018, 5, 1)],
            ["Children looked after per 10,000", 140.2, 141.1, "c"],
        ]
    )
    i = importer("monthly.xlsx", content=content)
    assert [(v["label"], v["start"], v["end"]) for v in i.result["values"]] == [
        ("March 2018", "2018-03-01", "2018-03-31"),
        ("April 2018", "2018-04-01", "2018-04-30"),
        ("May 2018", "2018-05-01", "2018-05-31"),
    ]
    assert i.result["statistics"]["periods_read_as"]["March 2018"] == "month (a date on the 1st)"
    assert i.result["new_measures"][0]["frequency"] == "monthly"


def test_long_table_of_every_council_with_the_neighbour_list():
    importer("statistical_neighbours.csv").commit()
    name = "Children looked after rate per 10,000 children aged under 18"
    choices = {name: {"code": "CLA-RATE", "polarity": "lower"}}
    i = importer("long_all_councils.xlsx", area="Stockton-on-Tees", new_measures=choices)
    assert i.result["errors"] == []
    assert "the council's region is not known" in i.result["warnings"][0]["message"]
    assert i.result["statistics"]["computed_comparators"] == 6  # 3 kinds, 2 years
    i.commit()
    assert values_of("CLA-RATE") == {"2016-17": Decimal("95"), "2017-18": Decimal("106")}
    assert comparators_of("CLA-RATE", "england") == {
        "2016-17": Decimal("62"),
        "2017-18": Decimal("64"),
    }
    expected = expected_benchmarks(i, "2018")
    assert comparators_of("CLA-RATE", "statistical_neighbours")["2017-18"] == expected["mean"]
    assert comparators_of("CLA-RATE", "best_neighbour")["2017-18"] == expected["best"]
    assert comparators_of("CLA-RATE", "top_quartile")["2017-18"] == expected["quartile"]


def test_the_measures_download_keeps_not_published_and_comparator_only_periods():
    from transfer.exports import measures_xlsx_bytes

    importer("wide_middlesbrough.xlsx").commit()
    before = table_counts()
    again = importer("measures.xlsx", content=measures_xlsx_bytes())
    assert again.result["errors"] == []
    assert again.result["statistics"] is None  # the download's own layout
    assert len(again.result["values"]) == 16
    assert {v["status"] for v in again.result["values"]} == {"same"}
    assert [v["symbol"] for v in again.result["values"] if v["symbol"]] == ["x"]
    again.commit()
    assert table_counts() == before


def test_neighbour_list_upload_in_the_browser_is_audited(admin_client):
    from django.urls import reverse

    from core.models import AuditEvent
    from transfer.models import PlanImport

    response = upload(admin_client, "statistical_neighbours.csv")
    html = admin_client.get(response.url).content.decode()
    assert "This file is a list of statistical neighbours: 400 neighbours of 40 councils" in html
    plan_import = PlanImport.objects.get()
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    assert StatisticalNeighbour.objects.count() == 400
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).get()
    assert event.summary == (
        "Imported the statistical-neighbour list from statistical_neighbours.csv: "
        "400 neighbours (replacing 0)"
    )


def test_a_target_column_beside_our_figures_is_our_target_for_each_period():
    """A KPI table with periods as columns and a Target column: our row's target is the target
    of every period in the table (one not yet reported too); another council's target is not
    ours and is listed as such; the same file again changes nothing."""
    factories.measure(code="REP", unit=Measure.Unit.PERCENTAGE)
    rows = [
        ["Measure", "Local authority", "Target", "Q1 2026/27", "Q2 2026/27", "Q3 2026/27"],
        ["REP", "Stockton-on-Tees", "20", "22", "19.5", ""],
        ["REP", "Hartlepool", "18", "21", "20", ""],
        ["REP", "England", "", "21.5", "21", ""],
    ]
    i = importer("kpi.csv", content=csv_bytes(rows), area="Stockton-on-Tees")
    assert i.result["errors"] == []
    by_label = {v["label"]: v for v in i.result["values"]}
    assert {label: v["target"] for label, v in by_label.items()} == {
        "Q1 2026/27": "20",
        "Q2 2026/27": "20",
        "Q3 2026/27": "20",
    }
    assert by_label["Q1 2026/27"]["value"] == "22"
    ignored = {c["cell"]: c["reason"] for c in i.result["account"]["ignored_cells"]}
    assert ignored["C3"] == "another council's target"
    i.commit()
    targets = dict(Target.objects.filter(measure__code="REP").values_list("label", "value"))
    assert targets == {
        "Q1 2026/27": Decimal("20"),
        "Q2 2026/27": Decimal("20"),
        "Q3 2026/27": Decimal("20"),
    }
    again = importer("kpi.csv", content=csv_bytes(rows), area="Stockton-on-Tees")
    assert again.result["counts"]["values"]["create"] == 0
    assert again.result["counts"]["values"]["change"] == 0


def test_a_target_column_in_a_long_table_is_our_target_for_the_rows_period():
    factories.measure(code="REP", unit=Measure.Unit.PERCENTAGE)
    rows = [
        ["Measure", "Area", "Period", "Value", "Target", "Target date"],
        ["REP", "Stockton-on-Tees", "Q1 2026/27", "22", "20", "30/06/2026"],
        ["REP", "Stockton-on-Tees", "Q2 2026/27", "19.5", "19", "30/09/2026"],
        ["REP", "Hartlepool", "Q1 2026/27", "21", "18", ""],
    ]
    i = importer("long.csv", content=csv_bytes(rows), area="Stockton-on-Tees")
    assert i.result["errors"] == []
    assert {v["label"]: (v["value"], v["target"]) for v in i.result["values"]} == {
        "Q1 2026/27": ("22", "20"),
        "Q2 2026/27": ("19.5", "19"),
    }
    i.commit()
    targets = dict(Target.objects.filter(measure__code="REP").values_list("label", "value"))
    assert targets == {"Q1 2026/27": Decimal("20"), "Q2 2026/27": Decimal("19")}
