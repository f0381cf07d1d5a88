"""The file is read once (issue 18): the rows read at upload are kept with the upload (as JSON
with the file's SHA-256, no pickle), and previewing again and committing use them instead of
parsing the file a second time. Reading is the expensive, budgeted part; the rows are still
checked against the database again at commit."""

from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Action
from measures.models import Measure, MeasureValue
from tests import factories
from tests.factories.transfer import csv_bytes, new_plan_options, simple_rows, xlsx_bytes
from transfer.imports import reading
from transfer.imports.reading import Table, read_table, table_from_json, table_to_json
from transfer.imports.services import plan_import_commit, plan_import_remap, plan_import_upload
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db


def reading_forbidden():
    """Reading any file fails the test."""

    def fail(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    return mock.patch.multiple(reading, _read_xlsx=fail, _read_csv=fail)


@pytest.fixture
def admin():
    return factories.admin_user()


@pytest.mark.parametrize("name,build", [("plan.csv", csv_bytes), ("plan.xlsx", xlsx_bytes)])
def test_committing_a_plan_uses_the_rows_read_at_upload(admin, name, build):
    organisation = factories.organisation()
    content = build(simple_rows(4))
    upload = plan_import_upload(
        user=admin,
        kind=PlanImport.Kind.PLAN,
        filename=name,
        content=content,
        options=new_plan_options(organisation, title="Read once"),
    )
    # A plan upload keeps the whole file as read: every sheet, with fills, formats and merges.
    assert upload.table["sha256"] == reading.content_digest(content)
    assert upload.table["what"] == "source"
    kept = reading.source_from_json(upload.table, content=content)
    assert kept == reading.read_source(filename=name, content=content)
    assert sum(len(g.rows) for g in kept.grids) == len(
        read_table(filename=name, content=content).rows
    )
    with reading_forbidden():
        committed = plan_import_commit(plan_import=PlanImport.objects.get(pk=upload.pk), user=admin)
    assert committed.status == PlanImport.Status.COMMITTED
    assert Action.objects.filter(plan=committed.plan).count() == 4


def test_committing_measure_values_uses_the_rows_read_at_upload(admin):
    factories.measure(code="M-ONCE", unit=Measure.Unit.COUNT)
    content = xlsx_bytes([["Measure code", "Period", "Value"], ["M-ONCE", "2023/24 Q2", 12]])
    upload = plan_import_upload(
        user=admin,
        kind=PlanImport.Kind.MEASURE_VALUES,
        filename="values.xlsx",
        content=content,
        options={},
    )
    with reading_forbidden():
        plan_import_commit(plan_import=upload, user=admin)
    assert MeasureValue.objects.get(measure__code="M-ONCE").value == 12


def test_previewing_again_with_a_column_mapping_uses_the_rows_read_at_upload(admin):
    organisation = factories.organisation()
    rows = simple_rows(2)
    rows[0] = [*rows[0], "Mystery"]
    upload = plan_import_upload(
        user=admin,
        kind=PlanImport.Kind.PLAN,
        filename="plan.csv",
        content=csv_bytes(rows),
        options=new_plan_options(organisation),
    )
    assert upload.result["needs_mapping"]
    with reading_forbidden():
        remapped = plan_import_remap(plan_import=upload, mapping={"I": "ignore"})
    assert not remapped.result["needs_mapping"]


def test_the_browser_flow_reads_the_file_once(admin_client):
    organisation = factories.organisation()
    factories.person(name="Jane Smith", organisation=organisation)
    with mock.patch.object(reading, "_read_xlsx", wraps=reading._read_xlsx) as reader:
        response = admin_client.post(
            reverse("imports:plan_upload"),
            {
                "mode": "new",
                "organisation": organisation.pk,
                "title": "Read once",
                "kind": "improvement_plan",
                "numbering": "hierarchical",
                "start": "1/4/2023",
                "end": "31/3/2024",
                "file": SimpleUploadedFile("plan.xlsx", xlsx_bytes(simple_rows(3))),
            },
        )
        assert response.status_code == 302
        upload = PlanImport.objects.get()
        assert (
            admin_client.get(reverse("imports:preview", kwargs={"pk": upload.pk})).status_code
            == 200
        )
        commit = admin_client.post(reverse("imports:commit", kwargs={"pk": upload.pk}))
        assert commit.status_code == 302
    assert reader.call_count == 1
    assert Action.objects.filter(plan__title="Read once").count() == 3


def test_an_upload_kept_without_rows_or_for_another_file_is_read_again(admin):
    """Uploads from before the rows were kept (and a file that does not match its digest) fall
    back to reading the file."""
    organisation = factories.organisation()
    content = csv_bytes(simple_rows(2))
    upload = plan_import_upload(
        user=admin,
        kind=PlanImport.Kind.PLAN,
        filename="plan.csv",
        content=content,
        options=new_plan_options(organisation),
    )
    assert table_from_json({}, content=content) is None
    assert table_from_json(upload.table, content=content + b"\n") is None
    PlanImport.objects.filter(pk=upload.pk).update(table={})
    with mock.patch.object(reading, "_read_csv", wraps=reading._read_csv) as reader:
        plan_import_commit(plan_import=PlanImport.objects.get(pk=upload.pk), user=admin)
    assert reader.call_count == 1


def test_every_kind_of_cell_survives_the_json_round_trip():
    table = Table(
        filename="plan.xlsx",
        kind="xlsx",
        sheet="Plan",
        rows=[
            (1, ["text", 12, 1.5, True, None, ""]),
            (7, [datetime(2024, 3, 31, 17, 30), date(2024, 3, 31), time(9, 15)]),
            (9, [timedelta(days=2, seconds=5), -0.0, 10**15, "=SUM(A1)"]),
        ],
    )
    content = b"any bytes"
    again = table_from_json(table_to_json(table, content=content), content=content)
    assert again == table
    assert [type(c) for c in again.rows[1][1]] == [datetime, date, time]
