"""Exports: a plan as .xlsx (RAG cell coloured and worded, latest commentary, update date, the
legend) and .csv; measures and values; formulas neutralised and read back with openpyxl; every
download logged; a fixed number of queries whatever the plan's size."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionLink, SubAction
from actions.services import status_update_record
from core.models import AuditEvent
from core.presentation import fill_colour
from core.rag import Rating
from measures.models import Comparator, MeasureValue, Target
from tests import factories
from transfer.exports import (
    measures_csv_bytes,
    plan_csv_bytes,
    plan_workbook,
    plan_xlsx_bytes,
    write_legend_sheet,
    write_plan_sheet,
)

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def sheet_rows(content: bytes, sheet=0):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return workbook, workbook.worksheets[sheet]


def find_row(ws, column_name, value):
    header = next(r for r in ws.iter_rows() if r[0].value == "Outcome no.")
    index = [c.value for c in header].index(column_name)
    return next(r for r in ws.iter_rows(min_row=header[0].row + 1) if r[index].value == value)


def headings(ws):
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Outcome no.")
    return list(header)


@pytest.fixture
def rated_plan():
    plan = factories.plan(title="Rated plan", priority_label="Improvement area")
    priority = factories.priority(plan, number="1", title="Our People", statement="Why it matters")
    outcome = factories.outcome(priority, number="1.1", title="A stable workforce")
    lead = factories.person(name="Jane Smith")
    action = factories.action(
        priority,
        outcome=outcome,
        number="1.1.1",
        description="Recruit",
        lead=lead,
        timescale_text="May 23",
    )
    status_update_record(
        action=action, lifecycle="in_progress", confidence="red", commentary="Behind plan"
    )
    ActionLink.objects.create(action=action, title="People Strategy")
    SubAction.objects.create(action=action, description="Advertise", timescale_text="Jun 23")
    return plan


def test_plan_xlsx_has_the_rag_word_on_its_colour_commentary_and_date(rated_plan):
    workbook, ws = sheet_rows(plan_xlsx_bytes(rated_plan))
    names = headings(ws)
    row = find_row(ws, "No.", "1.1.1")
    rag = row[names.index("RAG rating")]
    assert rag.value == "Red"  # the word, never colour alone
    assert rag.fill.start_color.rgb.endswith(fill_colour(Rating.RED).lstrip("#").upper())
    assert rag.font.color.rgb.endswith("FFFFFF")
    assert row[names.index("Latest commentary")].value == "Behind plan"
    assert row[names.index("Updated")].value.date() == timezone.localdate()
    assert row[names.index("Lead officer")].value == "Jane Smith"
    assert row[names.index("Links")].value == "People Strategy"
    sub = ws.cell(row=row[0].row + 1, column=names.index("Action") + 1)
    assert sub.value == "\u2022 Advertise"
    # the meaning of each colour travels with the sheet
    legend = workbook["RAG ratings"]
    labels = [r[0] for r in legend.iter_rows(min_row=4, values_only=True)]
    assert labels == ["Red", "Amber", "Green", "Blue", "Not started"]


def test_an_action_never_rated_has_a_blank_rag_cell(rated_plan):
    priority = rated_plan.priorities.get()
    factories.action(priority, number="1.2", description="Unrated")
    _, ws = sheet_rows(plan_xlsx_bytes(rated_plan))
    row = find_row(ws, "No.", "1.2")
    assert row[headings(ws).index("RAG rating")].value is None


def test_plan_sheet_uses_the_organisations_own_rag_words(rated_plan):
    from actions.models import RagDefinition

    RagDefinition.objects.create(
        organisation=rated_plan.organisation, rating="red", label="Off track", meaning="Help!"
    )
    _, ws = sheet_rows(plan_xlsx_bytes(rated_plan))
    assert find_row(ws, "No.", "1.1.1")[headings(ws).index("RAG rating")].value == "Off track"


def test_text_that_would_run_as_a_formula_is_neutralised_in_xlsx(rated_plan):
    priority = rated_plan.priorities.get()
    for n, text in enumerate(DANGEROUS, start=2):
        factories.action(
            priority, number=f"1.{n}", description=text, success_criteria=text, lead_text=text
        )
    _, ws = sheet_rows(plan_xlsx_bytes(rated_plan))
    names = headings(ws)
    for n, text in enumerate(DANGEROUS, start=2):
        row = find_row(ws, "No.", f"1.{n}")
        for column in ("Action", "Success criteria", "Lead officer"):
            cell = row[names.index(column)]
            assert cell.data_type == "s", (column, text)
            # (whether a carriage return reads back as itself or as a line feed depends on the
            # XML parser openpyxl finds installed, so line endings are compared normalised)
            read_back = cell.value.replace("\r", "\n")
            assert read_back == "'" + text.replace("\r", "\n"), (column, text)
    assert all(
        cell.data_type != "f" for row in ws.iter_rows() for cell in row if cell.value is not None
    )


def test_text_that_would_run_as_a_formula_is_neutralised_in_csv(rated_plan):
    priority = rated_plan.priorities.get()
    for n, text in enumerate(DANGEROUS, start=2):
        factories.action(priority, number=f"1.{n}", description=text)
    text = plan_csv_bytes(rated_plan).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    descriptions = [r[5] for r in rows if r[4].startswith("1.") and r[4] != "1.1.1"]
    assert descriptions == ["'" + d for d in DANGEROUS]


def test_plan_csv_is_utf8_with_a_bom_and_the_same_columns(rated_plan):
    content = plan_csv_bytes(rated_plan)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0][:6] == ["Outcome no.", "Outcome", "Objective no.", "Objective", "No.", "Action"]
    assert rows[1][0] == "Improvement area 1: Our People"
    assert rows[2][0] == "Why it matters"
    assert rows[3][4:10] == ["1.1.1", "Recruit", "", "Jane Smith", "May 23", "Red"]


def test_write_plan_sheet_can_put_several_plans_in_one_workbook_as_at_a_moment(rated_plan):
    action = rated_plan.actions.get()
    moment = timezone.now()
    status_update_record(
        action=action,
        lifecycle="complete",
        commentary="Done",
        created_at=moment + timedelta(days=2),
    )
    workbook = openpyxl.Workbook()
    last = write_plan_sheet(workbook.active, rated_plan, as_at=moment)
    write_plan_sheet(workbook.create_sheet("Second"), rated_plan, title_rows=False)
    write_legend_sheet(workbook.create_sheet("Legend"), rated_plan.organisation)
    assert last >= 8
    names = headings(workbook.worksheets[0])
    as_at = find_row(workbook.worksheets[0], "No.", "1.1.1")
    now = find_row(workbook.worksheets[1], "No.", "1.1.1")
    assert as_at[names.index("RAG rating")].value == "Red"
    assert now[names.index("RAG rating")].value == "Blue"
    assert workbook.worksheets[1]["A1"].value == "Outcome no."


def test_plan_download_is_logged_and_served_as_an_attachment(client, rated_plan):
    user = factories.user(role="Viewers")
    client.force_login(user)
    response = client.get(reverse("exports:plan_xlsx", kwargs={"slug": rated_plan.slug}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{rated_plan.slug}.xlsx"'
    assert "no-store" in response["Cache-Control"]
    openpyxl.load_workbook(io.BytesIO(response.content))  # a real workbook
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.user == user and event.username == user.username
    assert event.summary == "Exported Rated plan as .xlsx"
    assert event.detail == {"plan": rated_plan.pk, "slug": rated_plan.slug, "format": "xlsx"}
    response = client.get(reverse("exports:plan_csv", kwargs={"slug": rated_plan.slug}))
    assert response["Content-Type"].startswith("text/csv")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == 2


def test_board_members_cannot_export_plans_of_other_boards(client, rated_plan):
    member = factories.user(role="Board members")
    factories.person(user=member)
    client.force_login(member)
    response = client.get(reverse("exports:plan_xlsx", kwargs={"slug": rated_plan.slug}))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def build_plan(size: int):
    plan = factories.plan()
    priorities = [factories.priority(plan) for _ in range(3)]
    outcome = factories.outcome(priorities[0])
    lead = factories.person()
    for i in range(size):
        action = factories.action(
            priorities[i % 3], outcome=outcome if i % 3 == 0 else None, lead=lead
        )
        status_update_record(action=action, lifecycle="in_progress", confidence="green")
        ActionLink.objects.create(action=action, title=f"Link {i}")
        SubAction.objects.create(action=action, description=f"Sub {i}")
    return plan


@pytest.mark.parametrize("size", [5, 150])
def test_exports_take_a_fixed_number_of_queries(size, client, django_assert_max_num_queries):
    client.force_login(factories.user(role="Viewers"))
    plan = build_plan(size)
    for name in ("exports:plan_xlsx", "exports:plan_csv"):
        with django_assert_max_num_queries(20):
            response = client.get(reverse(name, kwargs={"slug": plan.slug}))
        assert response.status_code == 200
    measure = factories.measure()
    for n in range(size):
        start = timezone.localdate().replace(day=1) - timedelta(days=31 * n)
        MeasureValue.objects.create(
            measure=measure, period_start=start, period_end=start, label=f"P{n}", value=n
        )
    for name in ("exports:measures_xlsx", "exports:measures_csv"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name)).status_code == 200


def test_measures_export_has_values_and_comparators_side_by_side():
    measure = factories.measure(code="LAC", title="Children looked after")
    MeasureValue.objects.create(
        measure=measure,
        period_start="2018-02-28",
        period_end="2018-02-28",
        label="As at 28 February 2018",
        value="141.1",
        numerator=454,
        denominator=32180,
    )
    Comparator.objects.create(
        measure=measure,
        kind="england",
        period_start="2018-02-28",
        period_end="2018-02-28",
        label="As at 28 February 2018",
        value="62",
    )
    Target.objects.create(
        measure=measure,
        period_start="2018-02-28",
        period_end="2018-02-28",
        label="As at 28 February 2018",
        value="60",
    )
    rows = list(csv.reader(io.StringIO(measures_csv_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0][8:10] == ["Target", "England"]
    assert rows[0][:6] == [
        "Measure code",
        "Measure title",
        "Period",
        "Period start",
        "Period end",
        "Value",
    ]
    assert rows[1][:12] == [
        "LAC",
        "Children looked after",
        "As at 28 February 2018",
        "28/02/2018",
        "28/02/2018",
        "141.1",
        "454",
        "32180",
        "60",
        "62",
        "",
        "",
    ]


def test_plan_workbook_title_rows_name_the_plan_and_who_exported_it(rated_plan):
    ws = plan_workbook(rated_plan, exported_by="admin").active
    assert ws["A1"].value == "Rated plan"
    assert ws["A3"].value.startswith("Exported ") and ws["A3"].value.endswith(" by admin")
    assert ws.print_title_rows == "$5:$5"  # the header printed on every page
