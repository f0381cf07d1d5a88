"""The browser flow (administrators): upload, preview, map columns, commit, see the plan, export
it and get the same table back; bad files give a clear message and lose nothing typed; and the
management commands preview, then commit only when asked."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Action
from core.models import AuditEvent
from measures.models import MeasureValue
from plans.models import Plan
from tests import factories
from tests.factories.transfer import HEADER, csv_bytes, simple_rows, xlsx_bytes
from transfer.exports import plan_xlsx_bytes
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db


def upload(client, content, name="plan.xlsx", **fields):
    data = {
        "mode": "new",
        "organisation": fields.pop("organisation").pk,
        "title": "Imported plan",
        "kind": "improvement_plan",
        "numbering": "hierarchical",
        "start": "1/4/2023",
        "end": "31/3/2024",
        "file": SimpleUploadedFile(name, content),
    }
    data.update(fields)
    return client.post(reverse("imports:plan_upload"), data)


@pytest.fixture
def org():
    organisation = factories.organisation(name="Stockton-on-Tees Borough Council")
    factories.person(name="Jane Smith", organisation=organisation)
    return organisation


def test_the_upload_form_offers_new_or_update(admin_client):
    html = admin_client.get(reverse("imports:plan_upload")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'class="govuk-file-upload"' in html and 'accept=".xlsx,.csv' in html
    assert "Create a new plan" in html and "Update an existing plan" in html
    assert "govuk-error-summary" not in html


def test_the_upload_form_reveals_only_the_fields_of_the_chosen_kind_of_import(admin_client):
    """The new-plan fields and the plan to update sit each under its own radio (GOV.UK
    conditional reveal): on opening, only "Create a new plan"'s are shown."""
    html = admin_client.get(reverse("imports:plan_upload")).content.decode()
    new = html.index('id="conditional-new"')
    update = html.index('id="conditional-update"')
    assert 'data-app-reveals="conditional-new"' in html
    assert 'data-app-reveals="conditional-update"' in html
    assert new < html.index('name="title"') < update < html.index('name="plan"')
    opening = html[html.rindex("<div", 0, update) : update]
    assert "govuk-radios__conditional--hidden" in opening
    opening = html[html.rindex("<div", 0, new) : new]
    assert "govuk-radios__conditional--hidden" not in opening


def test_a_missing_file_is_a_form_error_and_what_was_typed_is_kept(admin_client, org):
    response = admin_client.post(
        reverse("imports:plan_upload"),
        {"mode": "new", "organisation": org.pk, "title": "My plan", "start": "1/4/2023"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert '<a href="#id_file">Choose a spreadsheet to upload</a>' in html
    assert '<a href="#id_end">Enter the period end</a>' in html
    assert 'value="My plan"' in html and 'value="1/4/2023"' in html
    assert "Browsers do not keep a chosen file" in html
    assert not PlanImport.objects.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        (
            "plan.pdf",
            b"x",
            "The file must be an Excel workbook (.xlsx), a CSV file (.csv) or a Word",
        ),
        ("plan.docx", b"x", "could not be read as a Word document"),
        ("plan.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "password-protected or encrypted"),
        ("plan.xlsx", b"PK\x03\x04 broken", "could not be read as an Excel workbook"),
        ("plan.csv", b"", "The file is empty"),
    ],
)
def test_a_bad_file_is_refused_on_the_form_with_a_clear_message(
    admin_client, org, name, content, message
):
    response = upload(admin_client, content, name, organisation=org, title="Kept title")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Kept title"' in html
    assert not PlanImport.objects.exists() and not Plan.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(admin_client, org, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    response = upload(admin_client, csv_bytes(simple_rows(20)), "plan.csv", organisation=org)
    assert "the largest that can be imported is 1 KB" in response.content.decode()


def test_committing_twice_imports_once(admin_client, org):
    upload(admin_client, csv_bytes(simple_rows(3)), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    url = reverse("imports:commit", kwargs={"pk": plan_import.pk})
    admin_client.post(url)
    response = admin_client.post(url, follow=True)
    assert "This file has already been imported" in response.content.decode()
    assert Plan.objects.count() == 1 and Action.objects.count() == 3


def test_a_preview_with_problems_has_no_import_button_and_a_commit_writes_nothing(
    admin_client, org
):
    rows = [
        HEADER,
        ["Improvement Area One : People"],
        ["", "", "", "Criteria only", "", "", "", ""],
    ]
    upload(admin_client, xlsx_bytes(rows), organisation=org)
    plan_import = PlanImport.objects.get()
    html = admin_client.get(reverse("imports:preview", kwargs={"pk": plan_import.pk})).content
    html = html.decode()
    assert "Nothing can be imported until 1 problem is put right" in html
    assert "Row 3: This row has no action text" in html
    assert "Import the plan" not in html
    response = admin_client.post(
        reverse("imports:commit", kwargs={"pk": plan_import.pk}), follow=True
    )
    assert "Nothing was imported" in response.content.decode()
    assert not Plan.objects.exists()
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImport.Status.FAILED


def test_unrecognised_columns_are_mapped_in_the_browser(admin_client, org):
    rows = [
        ["Ref", "What we will deliver", "Lead officer"],
        ["1", "First action", "Jane Smith"],
    ]
    upload(admin_client, csv_bytes(rows), "plan.csv", organisation=org, numbering="continuous")
    plan_import = PlanImport.objects.get()
    url = reverse("imports:preview", kwargs={"pk": plan_import.pk})
    html = admin_client.get(url).content.decode()
    assert "Say what these columns hold" in html
    assert "Column B: &quot;What we will deliver&quot;" in html
    response = admin_client.post(url, {"col_B": ""})  # no choice: the form says so
    assert "Choose what column B holds" in response.content.decode()
    assert admin_client.post(url, {"col_B": "action"}).status_code == 302
    html = admin_client.get(url).content.decode()
    assert "Say what these columns hold" not in html and "Import the plan" in html
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    assert Action.objects.get().description == "First action"


def test_user_text_is_escaped_in_the_preview(admin_client, org):
    rows = [["Priority", "Action"], ["1 People", "<script>alert(1)</script>"]]
    upload(admin_client, csv_bytes(rows), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    html = admin_client.get(reverse("imports:preview", kwargs={"pk": plan_import.pk})).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("size", [5, 300])
def test_preview_page_query_count_is_fixed(admin_client, org, size, django_assert_max_num_queries):
    upload(admin_client, csv_bytes(simple_rows(size, rag="Amber")), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("imports:preview", kwargs={"pk": plan_import.pk}))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert admin_client.get(reverse("imports:index")).status_code == 200


def test_measure_values_upload_preview_and_commit(admin_client):
    measure = factories.measure(code="LAC")
    rows = [["Measure code", "Period", "Value", "England"], ["LAC", "2023/24 Q1", "140", "70"]]
    response = admin_client.post(
        reverse("imports:measures_upload"),
        {"file": SimpleUploadedFile("values.csv", csv_bytes(rows))},
    )
    plan_import = PlanImport.objects.get()
    assert response["Location"] == reverse("imports:preview", kwargs={"pk": plan_import.pk})
    html = admin_client.get(response["Location"]).content.decode()
    assert "Import the values" in html and "1 new value" in html
    response = admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    assert response["Location"] == reverse("measures:list")
    assert MeasureValue.objects.get(measure=measure).value == 140


# -- management commands ---------------------------------------------------------------------
def test_import_plan_command_previews_then_commits(tmp_path, org):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_bytes(simple_rows(3)))
    args = [str(path), "--organisation", org.name, "--title", "From the command line",
            "--start", "2023-04-01", "--end", "2024-03-31"]  # fmt: skip
    call_command("import_plan", *args)
    assert not Plan.objects.exists()  # a preview writes nothing
    call_command("import_plan", *args, "--commit")
    plan = Plan.objects.get(title="From the command line")
    assert plan.actions.count() == 3
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT, username="manage.py").exists()
    call_command("import_plan", str(path), "--update", plan.slug, "--commit")
    assert plan.actions.count() == 3  # the same file again: nothing duplicated


def test_import_plan_command_refuses_a_file_with_problems(tmp_path, org):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_bytes([["Priority", "No.", "Action"], ["1 A", "1", "x"], ["", "1", "y"]]))
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_plan", str(path), "--organisation", org.name, "--title", "T",
            "--start", "2023-04-01", "--end", "2024-03-31", "--commit",
        )  # fmt: skip
    assert not Plan.objects.exists()


def test_import_measures_and_export_plan_commands(tmp_path):
    factories.measure(code="LAC")
    values = tmp_path / "values.csv"
    values.write_bytes(csv_bytes([["Measure code", "Period", "Value"], ["LAC", "March 2024", "5"]]))
    call_command("import_measures", str(values), "--commit")
    assert MeasureValue.objects.get().value == 5
    plan = factories.plan()
    factories.action(factories.priority(plan), description="Exported")
    target = tmp_path / "out.xlsx"
    call_command("export_plan", plan.slug, "--output", str(target))
    assert target.read_bytes() == target.read_bytes() and target.stat().st_size > 1000
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, username="manage.py").exists()
    assert plan_xlsx_bytes(plan)[:2] == b"PK"


def test_a_database_error_while_committing_is_reported_and_leaves_nothing(
    admin_client, org, monkeypatch
):
    from django.db import IntegrityError

    from transfer.imports import plan_changes

    def failing(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    upload(admin_client, csv_bytes(simple_rows(3)), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    monkeypatch.setattr(plan_changes, "bulk_create_with_history", failing)
    response = admin_client.post(
        reverse("imports:commit", kwargs={"pk": plan_import.pk}), follow=True
    )
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "The import could not be written, so nothing was imported" in html
    assert not Plan.objects.exists() and not Action.objects.exists()
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImport.Status.FAILED
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).exists()


def test_a_column_can_be_kept_as_extra_text_on_the_priority(admin_client, org):
    """The preview offers "Keep as extra text on the priority" for a column it does not know;
    chosen, the column's text is kept once per priority (not on each action), and shown on the
    plan page."""
    rows = [
        ["Priority", "Action", "Lead officer", "Challenge", "Phase"],
        ["1 Our People", "First action", "Jane Smith", "Recruitment", "Phase 1"],
        ["", "Second action", "Jane Smith", "Recruitment", "Phase 2"],
        ["2 Our Practice", "Third action", "Jane Smith", "Supervision", ""],
    ]
    upload(admin_client, csv_bytes(rows), "plan.csv", organisation=org)
    plan_import = PlanImport.objects.get()
    url = reverse("imports:preview", kwargs={"pk": plan_import.pk})
    html = admin_client.get(url).content.decode()
    assert "Keep as extra text on the priority" in html
    assert "Keep as extra text on the action" in html
    response = admin_client.post(url, {"col_D": "priority_extra", "col_E": "extra"})
    assert response.status_code == 302
    assert "Other text: Challenge: Supervision" in admin_client.get(url).content.decode()
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    plan = Plan.objects.get()
    notes = {p.number: p.notes for p in plan.priorities.all()}
    assert notes == {"1": "Challenge: Recruitment", "2": "Challenge: Supervision"}
    actions = {a.description: a.notes for a in plan.actions.all()}
    assert actions == {
        "First action": "Phase: Phase 1",
        "Second action": "Phase: Phase 2",
        "Third action": "",
    }
    page = admin_client.get(plan.get_absolute_url()).content.decode()
    assert "Other text from the plan" in page and "Challenge: Supervision" in page
    admin_page = admin_client.get(
        reverse("admin:priorities_priority_change", args=[plan.priorities.get(number="2").pk])
    ).content.decode()
    assert "Challenge: Supervision" in admin_page


def test_command_line_keeps_a_column_on_the_priority(org, tmp_path):
    rows = [
        ["Priority", "Action", "Challenge"],
        ["1 Our People", "First action", "Recruitment"],
        ["", "Second action", "Retention"],
    ]
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_bytes(rows))
    common = [str(path), "--organisation", org.name, "--start", "2023-04-01"]
    common += ["--end", "2024-03-31", "--map", "C=priority_extra"]
    call_command("import_plan", *common, "--commit", stdout=io.StringIO())
    priority = Plan.objects.get().priorities.get()
    assert priority.notes == "Challenge: Recruitment\n\nChallenge: Retention"
    assert set(Plan.objects.get().actions.values_list("notes", flat=True)) == {""}
    with pytest.raises(CommandError, match="--map"):
        call_command("import_plan", str(path), "--map", "C=nonsense", stdout=io.StringIO())


def test_columns_read_from_their_words_can_be_changed_in_the_browser(admin_client, org):
    """ "Key milestones" is read as the action and "RAG Q3" as the rating: the preview offers
    both with that choice made, and the administrator's other choice is what is imported."""
    rows = [
        ["Ref", "Key milestones", "What will success look like?", "Lead officer", "RAG Q3"],
        ["1", "First action", "Fewer re-referrals", "Jane Smith", "Green"],
    ]
    upload(admin_client, csv_bytes(rows), "plan.csv", organisation=org, numbering="continuous")
    plan_import = PlanImport.objects.get()
    url = reverse("imports:preview", kwargs={"pk": plan_import.pk})
    html = admin_client.get(url).content.decode()
    assert "Say what these columns hold" in html
    assert "Column B: &quot;Key milestones&quot;" in html
    assert "Column E: &quot;RAG Q3&quot;" in html
    assert 'value="action" selected' in html and 'value="rag" selected' in html
    assert "Lead officer&quot;" not in html  # a column named for its field is not asked about
    assert plan_import.result["can_commit"]  # the choices made can be imported as they are
    choices = {"col_B": "action", "col_C": "extra", "col_E": "rag"}
    assert admin_client.post(url, choices).status_code == 302
    admin_client.post(reverse("imports:commit", kwargs={"pk": plan_import.pk}))
    action = Action.objects.get()
    assert action.description == "First action" and action.success_criteria == ""
    assert "Fewer re-referrals" in action.notes
