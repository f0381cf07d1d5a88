"""The realistic workbook (seed 002's table with its quirks, tests/data/) imports to the same plan
the demo data holds, and the browser flow works end to end: upload, preview, commit, see the
plan, export it, and get the same table back."""

from pathlib import Path

import pytest
from django.urls import reverse

from actions.models import StatusUpdate
from core.models import AuditEvent, Organisation, Person
from plans.models import Plan
from tests.factories.transfer import new_plan_options, structure
from tests.transfer.test_import_views import upload
from transfer.imports.plan_changes import PlanImporter
from transfer.imports.reading import read_table
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db

WORKBOOK = Path(__file__).resolve().parents[1] / "data" / "improvement_plan_realistic.xlsx"


def stockton():
    return Organisation.objects.get(name="Stockton-on-Tees Borough Council")


def preview(options):
    importer = PlanImporter(
        table=read_table(filename=WORKBOOK.name, content=WORKBOOK.read_bytes()), options=options
    )
    importer.prepare()
    return importer


def test_realistic_workbook_previews_without_errors(demo_data):
    result = preview(new_plan_options(stockton())).result
    assert result["errors"] == []
    assert result["can_commit"]
    assert result["file"]["header_row"] == 5
    assert result["file"]["repeated_headers"] >= 3
    counts = result["counts"]
    assert counts["priorities"]["create"] == 4
    assert counts["outcomes"]["create"] == 9
    assert counts["actions"]["create"] == 38
    assert counts["sub_actions"] == 19
    assert counts["people_to_create"] == 0  # every lead is a known person or role
    assert counts["ratings"] == 0  # the RAG column is blank
    assert result["priority_label"] == "Improvement area"
    leads = {entry["written"]: entry for entry in result["leads"]}
    assert leads["DCS and key partner agencies And partnerships"]["status"] == "matched"
    assert leads["DCS and key partner agencies And partnerships"]["person"] == "DCS"


def test_realistic_workbook_imports_as_the_demo_plan(demo_data):
    demo = Plan.objects.get(slug="stockton-improvement-plan-2023")
    people_before = Person.objects.count()
    plan = preview(new_plan_options(stockton(), title="Improvement Plan (imported)")).commit()
    assert plan.priority_label == "Improvement area"
    got, expected = structure(plan), structure(demo)
    assert got["priorities"] == expected["priorities"]
    assert got["outcomes"] == expected["outcomes"]
    assert got["objectives"] == expected["objectives"]
    assert got["actions"] == expected["actions"]
    # the quirks came through: sub-items (with their own timescales), tags, several leads
    actions = {a["number"]: a for a in got["actions"]}
    assert sum(len(a["sub_actions"]) for a in got["actions"]) == 19
    assert actions["2.4.5"]["sub_actions"] == [
        ("DfE adviser review \u2013 June 23", "June 23", "", "", False)
    ]
    assert actions["4.5"]["sub_actions"][0] == (
        "Inclusion and attendance strategy",
        "Nov 23",
        "",
        "Attendance strategy\nLocal Inclusion Plan",
        False,
    )
    assert sum(1 for a in got["actions"] if a["tags"]) == 6
    assert actions["4.5"]["lead"] == "DCS and key partner agencies And partnerships"
    assert Person.objects.count() == people_before
    assert not StatusUpdate.objects.filter(action__plan=plan).exists()


def test_the_realistic_workbook_goes_from_upload_to_plan_and_back(client, demo_data):
    from django.contrib.auth import get_user_model

    admin_client = client
    admin_client.force_login(get_user_model().objects.get(username="admin"))
    stockton = Organisation.objects.get(name="Stockton-on-Tees Borough Council")
    response = upload(
        admin_client, WORKBOOK.read_bytes(), WORKBOOK.name, organisation=stockton,
        title="Improvement Plan 2023 (imported)",
    )  # fmt: skip
    assert response.status_code == 302
    plan_import = PlanImport.objects.get()
    assert response["Location"] == reverse("imports:preview", kwargs={"pk": plan_import.pk})

    html = admin_client.get(response["Location"]).content.decode()
    assert "Check the import of improvement_plan_realistic.xlsx" in html
    assert "Import the plan" in html
    assert "Matched to DCS" in html  # "DCS and key partner agencies And partnerships"
    assert "Ofsted Improvement Action 3" in html
    assert "What the ratings mean" in html

    response = admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    plan = Plan.objects.get(title="Improvement Plan 2023 (imported)")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImport.Status.COMMITTED and plan_import.plan == plan
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert event.username == "admin" and event.detail["plan"] == plan.pk

    dashboard = admin_client.get(reverse("plans:dashboard", kwargs={"slug": plan.slug}))
    assert dashboard.status_code == 200 and plan.title in dashboard.content.decode()
    page = admin_client.get(plan.get_absolute_url()).content.decode()
    assert "Improvement area 1: Our People" in page
    assert "DCS and key partner agencies And partnerships" in page

    exported = admin_client.get(reverse("exports:plan_xlsx", kwargs={"slug": plan.slug}))
    assert exported.status_code == 200
    back = PlanImporter(
        table=read_table(filename="back.xlsx", content=exported.content),
        options={"mode": "new", "organisation": stockton.pk, "title": "Back", "start":
                 "2023-04-01", "end": "2024-03-31"},
    ).commit()  # fmt: skip
    assert structure(back) == structure(plan)
    demo = Plan.objects.get(slug="stockton-improvement-plan-2023")
    assert structure(plan)["actions"] == structure(demo)["actions"]


def test_realistic_workbook_into_the_demo_plan_changes_nothing(demo_data):
    """The demo plan was built from the same table: updating it from the workbook finds every
    action by its number and nothing to change."""
    from tests.factories.transfer import table_counts

    demo = Plan.objects.get(slug="stockton-improvement-plan-2023")
    importer = preview({"mode": "update", "plan": demo.pk})
    counts = importer.result["counts"]
    assert importer.result["errors"] == []
    assert counts["actions"] == {"create": 0, "change": 0, "same": 38}
    assert counts["outcomes"]["same"] == 9 and counts["objectives"]["same"] == 11
    before = table_counts()
    importer.commit()
    assert table_counts() == before
