"""Statistics workbooks of several sheets, and files covering every region: the preview lists
each sheet with what it looks like and reads the one chosen (else the first holding figures,
never a notes sheet in front of the table); the council's region is chosen by its name or code
as the file writes it. The same from the command line (``--sheet``, ``--region``) and in the
browser."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from measures.models import Comparator, MeasureValue
from transfer.imports.measure_rows import MeasureValuesImporter
from transfer.imports.reading import ImportFileError, read_source
from transfer.imports.statistics_sheets import statistics_table
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "statistics"


def importer(name, sheet="", **options):
    source = read_source(filename=name, content=(DATA / name).read_bytes())
    i = MeasureValuesImporter(table=statistics_table(source, sheet), options=options)
    i.prepare()
    return i


def test_a_notes_sheet_in_front_of_the_table_is_passed_over_and_listed():
    result = importer("notes_then_table.xlsx").result
    assert result["errors"] == []
    assert [(s["name"], s["kind"], s["read"]) for s in result["sheets"]] == [
        ("Notes", "other", False),
        ("Key measures", "wide", True),
    ]
    assert result["chosen_sheet"] == "Key measures"
    assert result["statistics"]["layout"] == "a wide table (periods as columns)"
    assert len(result["new_measures"]) == 4
    # the notes sheet chosen: nothing to read there, and the preview says so
    notes = importer("notes_then_table.xlsx", sheet="Notes").result
    assert notes["errors"] and not notes["can_commit"]


def test_two_tables_on_two_sheets_are_read_one_chosen_at_a_time():
    first = importer("two_tables.xlsx")
    assert [s["kind"] for s in first.result["sheets"]] == ["other", "wide", "wide"]
    assert first.result["chosen_sheet"] == "Looked after"
    first.commit()
    second = importer("two_tables.xlsx", sheet="Child protection")
    assert second.result["errors"] == []
    second.commit()
    values = {(v.measure.title, v.label): v.value for v in MeasureValue.objects.all()}
    assert values[("Children looked after per 10,000", "2016/17")] == Decimal("126.2")
    assert values[("Child protection plans per 10,000", "2014/15")] == Decimal("71.4")
    assert len(values) == 6
    region = Comparator.objects.get(kind="region", label="2015/16")
    assert region.value == Decimal("58.5")


def test_a_sheet_that_is_not_there_is_a_clear_error():
    source = read_source(filename="t.xlsx", content=(DATA / "two_tables.xlsx").read_bytes())
    with pytest.raises(ImportFileError, match='no sheet called "Nope"'):
        statistics_table(source, "Nope")


def cla_rate(**options):
    name = "Children looked after rate per 10,000 children aged under 18"
    return importer(
        "long_all_councils.xlsx",
        area="Stockton-on-Tees",
        new_measures={name: {"code": "CLA-RATE", "polarity": "lower"}},
        **options,
    )


def test_the_region_of_a_file_covering_every_council_is_chosen_by_name_or_code():
    unknown = cla_rate()
    assert unknown.result["statistics"]["region"] == ""
    assert len(unknown.result["statistics"]["regions"]) > 1
    assert "North East" in unknown.result["statistics"]["regions"]
    by_name = cla_rate(region="North East")
    assert by_name.result["errors"] == [] and by_name.result["warnings"] == []
    assert by_name.result["statistics"]["region"] == "North East"
    ignored = {c["reason"] for c in by_name.result["account"]["ignored_cells"]}
    assert "North West is not the council's region" in ignored
    by_code = cla_rate(region="E12000001")
    assert by_code.result["statistics"]["region"] == "North East"
    by_code.commit()
    region = {c.label: c.value for c in Comparator.objects.filter(kind="region")}
    assert set(region) == {"2016-17", "2017-18"}
    wrong = cla_rate(region="Atlantis")
    assert 'No rows for the region "Atlantis"' in wrong.result["errors"][0]["message"]


def test_command_line_sheet_and_region():
    out = io.StringIO()
    call_command(
        "import_measures", str(DATA / "two_tables.xlsx"), "--sheet", "Child protection", stdout=out
    )
    text = out.getvalue()
    assert 'sheet "Child protection": Statistics: a wide table' in text and "(read)" in text
    assert (
        'sheet "Looked after": Statistics: a wide table (periods as columns), 4 rows (not read)'
        in text
    )
    with pytest.raises(CommandError, match="no sheet called"):
        call_command(
            "import_measures",
            str(DATA / "two_tables.xlsx"),
            "--sheet",
            "Nope",
            stdout=io.StringIO(),
        )
    out = io.StringIO()
    call_command(
        "import_measures",
        str(DATA / "long_all_councils.xlsx"),
        "--area",
        "Stockton-on-Tees",
        "--region",
        "North East",
        stdout=out,
    )
    assert "Region: North East" in out.getvalue()
    assert "Regions in the file: " in out.getvalue()


def test_browser_preview_lists_the_sheets_and_the_choices_read_another(admin_client):
    admin_client.post(
        reverse("imports:measures_upload"),
        {"file": SimpleUploadedFile("two_tables.xlsx", (DATA / "two_tables.xlsx").read_bytes())},
    )
    upload = PlanImport.objects.get()
    url = reverse("imports:preview", kwargs={"pk": upload.pk})
    html = admin_client.get(url).content.decode()
    assert "Sheets in the file" in html and "The sheet that holds the figures" in html
    assert "Children looked after per 10,000" in html
    response = admin_client.post(url, {"form": "choices", "sheet": "Child protection"})
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.result["chosen_sheet"] == "Child protection"
    assert upload.options["sheet"] == "Child protection"
    html = admin_client.get(url).content.decode()
    assert "Child protection plans per 10,000" in html
    admin_client.post(reverse("imports:commit", kwargs={"pk": upload.pk}))
    assert set(MeasureValue.objects.values_list("measure__title", flat=True)) == {
        "Child protection plans per 10,000"
    }


def test_browser_region_choice(admin_client):
    admin_client.post(
        reverse("imports:measures_upload"),
        {
            "file": SimpleUploadedFile("all.xlsx", (DATA / "long_all_councils.xlsx").read_bytes()),
            "area": "Stockton-on-Tees",
        },
    )
    upload = PlanImport.objects.get()
    url = reverse("imports:preview", kwargs={"pk": upload.pk})
    assert "The council&#x27;s region" in admin_client.get(url).content.decode()
    admin_client.post(url, {"form": "choices", "region": "North East"})
    upload.refresh_from_db()
    assert upload.result["statistics"]["region"] == "North East"
