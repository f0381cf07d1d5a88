"""The import timings (``devtools.bench.imports``) run on a tiny size and give a row per file
in the shape the benchmark prints; what they write is rolled back. Not timed."""

import io

import pytest
from django.core.management import call_command

from actions.models import Action, StatusUpdate
from core.models import Organisation
from devtools.bench.imports import import_timings, timings_table
from plans.models import Plan
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db(transaction=False)


def test_import_timings_on_a_tiny_size_give_a_row_per_file_and_leave_nothing():
    rows = import_timings(rows=40, pages=2)
    assert [r["name"] for r in rows] == ["Workbook, 40 rows", "Word document, 2 pages"]
    workbook, word = rows
    assert workbook["rows"] == 40 and workbook["actions"] == 40 - 2 - 10
    assert word["actions"] == word["rows"] == 2 * 8
    for row in rows:
        assert set(row) == {
            "name",
            "rows",
            "actions",
            "preview_s",
            "commit_s",
            "preview_cpu_s",
            "commit_cpu_s",
            "target_preview_s",
            "target_commit_s",
            "met",
            "errors",
        }
        assert row["errors"] == [] and row["met"] is True
        assert (row["target_preview_s"], row["target_commit_s"]) == (10, 30)
        assert 0 < row["preview_s"] < 10 and 0 < row["commit_s"] < 30
    for model in (Plan, Action, StatusUpdate, PlanImport):
        assert not model.objects.exists()
    assert not Organisation.objects.filter(name="Benchmark import council").exists()
    assert "Workbook, 40 rows" in timings_table(rows)


def test_bench_imports_command_prints_the_table():
    out = io.StringIO()
    call_command("bench_imports", "--rows", "30", "--pages", "1", stdout=out)
    text = out.getvalue()
    assert "Preview s" in text and "Word document, 1 pages" in text and "yes" in text
