"""Plan files laid out as councils circulate them (tests/data/council_*, built from the seed
documents by tests/data/make_council_files.py) import on the first try, or after the preview's
own choices, with what each holds: counts, numbering, leads, timescales, ratings and their
provenance, and every cell accounted for."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from actions.models import Action, RagDefinition
from core.models import Organisation
from core.rag import Rating
from plans.models import Plan
from tests import factories
from tests.factories.transfer import new_plan_options, table_counts
from transfer.imports.plan_changes import PlanImporter
from transfer.imports.reading import read_source
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"

# file: (priorities, outcomes, objectives, actions, ratings, share of cells used at least)
EXPECTED = {
    "council_numbered_sections.xlsx": (5, 0, 0, 37, 37, 99),
    "council_sheet_per_priority.xlsx": (4, 9, 0, 38, 38, 97),
    "council_outcome_rows.xlsx": (4, 9, 11, 38, 38, 100),
    "council_windows.csv": (4, 0, 0, 44, 35, 100),
    "council_principles.xlsx": (4, 0, 0, 29, 23, 100),
    "council_levels.xlsx": (4, 9, 11, 38, 38, 100),
    "council_strategy_table.docx": (5, 0, 0, 37, 37, 99),
    "council_improvement_plan.docx": (4, 9, 0, 38, 38, 99),
    "council_cp1252_semicolons.csv": (4, 0, 0, 29, 29, 100),
}


@pytest.fixture
def org():
    organisation = factories.organisation(name="Stockton-on-Tees Borough Council")
    factories.person(name="DCS", is_role=True, organisation=organisation)
    factories.person(name="Jane Smith", organisation=organisation)
    return organisation


def preview(name, options):
    importer = PlanImporter(
        source=read_source(filename=name, content=(DATA / name).read_bytes()), options=options
    )
    importer.prepare()
    return importer


def test_there_are_nine_council_files_and_each_is_checked():
    assert sorted(p.name for p in DATA.glob("council_*")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_council_file_previews_with_what_it_holds(name, org):
    priorities, outcomes, objectives, actions, ratings, share = EXPECTED[name]
    result = preview(name, new_plan_options(org, title="")).result
    assert result["errors"] == [] and result["can_commit"]
    counts = result["counts"]
    assert counts["priorities"]["create"] == priorities
    assert counts["outcomes"]["create"] == outcomes
    assert counts["objectives"]["create"] == objectives
    assert counts["actions"]["create"] == actions
    assert counts["ratings"] == ratings
    account = result["account"]
    assert account["unaccounted"] == 0  # every cell read is used or listed
    assert account["used"] + account["ignored"] == account["read"]
    assert len(account["listed"]) == account["ignored"]
    assert account["share_used"] >= share
    assert account["share_used"] >= 95  # the target, for every plan fixture
    for action in result["actions"]:
        assert bool(action["rating_value"]) == bool(action["rating_source"])


def test_numbered_section_rows_months_days_and_rag_words(org):
    result = preview("council_numbered_sections.xlsx", new_plan_options(org, title="")).result
    assert result["suggested_title"] == "Stockton-on-Tees Children's Services Strategy 2017-20"
    assert [n["number"] for n in result["tree"]] == ["1", "2", "3", "4", "5"]
    assert result["tree"][0]["title"] == "Giving children the best start in life (Issues 1,2,3)"
    actions = {a["number"]: a for a in result["actions"]}
    assert sorted(actions, key=int) == [str(n) for n in range(1, 38)]  # continuous, as written
    # a date cell shown as a month is that month; one shown as a day is that day
    assert actions["1"]["timescale"] == "April 2018"
    assert "shown as a month" in actions["1"]["timescale_note"]
    assert actions["2"]["timescale"] == "15/05/2018"
    assert "shown as a day" in actions["2"]["timescale_note"]
    assert actions["1"]["rating_value"] == Rating.GREEN  # "G"
    assert actions["4"]["rating_value"] == Rating.AMBER  # "G/A": the worse of the two
    assert actions["4"]["rating_source"] == 'written "G/A"'
    assert actions["3"]["rating_value"] == Rating.COMPLETE  # "Complete"
    listed = result["account"]["listed"]
    assert [(c["row"], c["why"]) for c in listed] == [
        (2, "above the column names"),
        (48, "note or key"),
    ]


def test_one_sheet_per_priority_with_cover_key_and_colour_only_ratings(org):
    result = preview("council_sheet_per_priority.xlsx", new_plan_options(org, title="")).result
    kinds = {s["name"]: s["kind"] for s in result["sheets"]}
    assert kinds["Cover"] == "cover" and kinds["Key"] == "legend"
    assert result["chosen_sheets"] == [n for n, k in kinds.items() if k == "actions"]
    assert len(result["chosen_sheets"]) == 4
    assert result["suggested_title"] == "Children's Services Improvement Plan"
    assert [(n["number"], n["title"]) for n in result["tree"] if n["kind"] == "priority"] == [
        ("1", "Our People"),
        ("2", "Our Practice"),
        ("3", "Our Processes"),
        ("4", "Our Partnerships"),
    ]
    sources = [a["rating_source"] for a in result["actions"]]
    assert all(s.startswith("fill colour #") for s in sources)
    first = result["actions"][0]  # theme accent 6 (orange): amber
    assert first["rating_value"] == Rating.AMBER and "#F79646" in first["rating_source"]
    fourth = result["actions"][3]  # theme accent 3 with a 20% lighter tint: green
    assert fourth["rating_value"] == Rating.GREEN and "#AFC97A" in fourth["rating_source"]
    assert [(e["rating"], e["label"]) for e in result["legend"]] == [
        (Rating.RED, "Red"),
        (Rating.AMBER, "Amber"),
        (Rating.GREEN, "Green"),
        (Rating.COMPLETE, "Blue"),
    ]


def test_the_legend_sheet_becomes_the_organisations_rag_meanings_when_chosen(org):
    options = new_plan_options(org, title="", use_legend=True)
    plan = preview("council_sheet_per_priority.xlsx", options).commit()
    meanings = dict(RagDefinition.objects.filter(organisation=org).values_list("rating", "meaning"))
    assert meanings[Rating.RED] == "Off track: the board's help is needed"
    assert plan.title == "Children's Services Improvement Plan"
    assert Action.objects.filter(plan=plan, rating=Rating.GREEN).exists()


def test_outcome_and_objective_rows_extra_columns_and_split_leads(org):
    plan = preview("council_outcome_rows.xlsx", new_plan_options(org)).commit()
    action = Action.objects.filter(plan=plan).order_by("pk").first()
    assert action.objective.title.startswith("The workforce has enough capacity")
    assert action.objective.number == "1.1a" and action.outcome.number == "1.1"
    assert action.notes == "Challenge: Challenge 1\n\nPhase: Phase 2"
    split = Action.objects.filter(plan=plan, lead_text__contains="/").first()
    assert split is not None
    # "DCS / Head of Quality" and "Team Manager" on the next line: the first leads, the
    # others support
    assert {p.name for p in split.supporting_officers.all()} == {"Head of Quality", "Team Manager"}


def test_windows_csv_keeps_commentary_without_a_rating_and_tbc_is_nobody(org):
    importer = preview("council_windows.csv", new_plan_options(org))
    assert importer.result["file"]["read_as"] == "Windows-1252 text separated by commas"
    plan = importer.commit()
    unrated = Action.objects.filter(plan=plan, notes__startswith="Commentary: ").first()
    assert unrated is not None and "Partners\u2019 update" in unrated.notes
    assert not Action.objects.filter(plan=plan, lead__name__in=["TBC", "N/A", "-"]).exists()
    assert Action.objects.filter(plan=plan, lead__name="Early Help Manager \u2013 North").exists()
    in_progress = next(
        a for a in importer.result["actions"] if a["rating_source"].startswith('written "In')
    )
    assert "read as Green" in in_progress["rating_source"]


def test_word_tables_with_headings_merges_nested_table_and_tracked_change(org):
    importer = preview("council_improvement_plan.docx", new_plan_options(org, title=""))
    result = importer.result
    assert result["suggested_title"] == "Stockton-on-Tees Improvement Plan"
    messages = [w["message"] for w in result["warnings"]]
    assert any("tracked changes" in m for m in messages)
    assert any("a table inside the cell" in m for m in messages)
    plan = importer.commit()
    revised = Action.objects.get(plan=plan, description__endswith="(revised)")
    assert "first draft" not in revised.description
    nested = Action.objects.get(plan=plan, description__contains="Milestone | June 23")
    assert nested.outcome.number == "1.1"  # the outcome cell merged down the rows
    assert priority_titles(plan) == [
        "Our People",
        "Our Practice",
        "Our Processes",
        "Our Partnerships",
    ]


def priority_titles(plan):
    return list(plan.priorities.order_by("order").values_list("title", flat=True))


def test_word_table_across_pages_with_shading_ratings(org):
    result = preview("council_strategy_table.docx", new_plan_options(org, title="")).result
    assert result["file"]["repeated_headers"] == 2  # typed again after each page break
    assert all(a["rating_source"].startswith("fill colour") for a in result["actions"])
    assert [a["number"] for a in result["actions"]][:3] == ["1", "2", "3"]


def test_a_council_file_imported_again_changes_nothing(org):
    name = "council_numbered_sections.xlsx"
    plan = preview(name, new_plan_options(org)).commit()
    before = table_counts()
    again = preview(name, {"mode": "update", "plan": plan.pk})
    assert again.result["counts"]["actions"]["same"] == 37
    again.commit()
    assert table_counts() == before


def test_uploading_an_imported_file_again_offers_to_update_its_plan(admin_client, org):
    name = "council_levels.xlsx"
    content = (DATA / name).read_bytes()
    url = reverse("imports:plan_upload")

    def upload():
        return admin_client.post(
            url,
            {
                "file": io_file(name, content),
                "mode": "new",
                "organisation": org.pk,
                "title": "",
                "kind": "improvement_plan",
                "numbering": "hierarchical",
                "start": "1/4/2023",
                "end": "31/3/2024",
            },
        )

    upload()
    first = PlanImport.objects.get()
    admin_client.post(reverse("imports:commit", kwargs={"pk": first.pk}))
    upload()
    second = PlanImport.objects.exclude(pk=first.pk).get()
    preview_url = reverse("imports:preview", kwargs={"pk": second.pk})
    html = admin_client.get(preview_url).content.decode()
    assert "This file was imported before" in html
    assert "Every cell accounted for" in html
    admin_client.post(preview_url, {"form": "update_instead"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.options["mode"] == "update" and second.plan_id == first.plan_id
    assert second.result["counts"]["actions"]["create"] == 0
    admin_client.post(reverse("imports:commit", kwargs={"pk": second.pk}))
    assert Plan.objects.count() == 1


def io_file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_preview_choices_pick_sheets_and_say_what_section_rows_are(admin_client, org):
    name = "council_levels.xlsx"
    admin_client.post(
        reverse("imports:plan_upload"),
        {
            "file": io_file(name, (DATA / name).read_bytes()),
            "mode": "new",
            "organisation": org.pk,
            "kind": "improvement_plan",
            "numbering": "hierarchical",
            "start": "1/4/2023",
            "end": "31/3/2024",
        },
    )
    upload = PlanImport.objects.get()
    url = reverse("imports:preview", kwargs={"pk": upload.pk})
    html = admin_client.get(url).content.decode()
    assert "Your choices" in html and "Rows numbered like &quot;1.1&quot;" in html
    admin_client.post(
        url,
        {
            "form": "choices",
            "section_num:1": "priority",
            "section_num:1.1": "outcome",
            "section_num:1.1.1": "ignore",
        },
    )
    upload.refresh_from_db()
    assert upload.result["counts"]["objectives"]["create"] == 0
    ignored = [c for c in upload.result["account"]["listed"] if "ignored" in c["why"]]
    assert len(ignored) == 11


def test_command_line_dry_run_prints_the_account_and_can_create_the_organisation():
    out = io.StringIO()
    path = str(DATA / "council_strategy_table.docx")
    call_command(
        "import_plan",
        path,
        "--organisation",
        "Stockton-on-Tees Borough Council",
        "--create-organisation",
        "--start",
        "2017-04-01",
        "--end",
        "2020-03-31",
        "--section",
        "1=priority",
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    assert "Cells read: 170; used: 169 (99.4%); not taken: 1" in text
    assert "not taken: Tables 1 to 3 row 47 column A" in text
    assert not Organisation.objects.exists() and not Plan.objects.exists()  # a preview
    call_command(
        "import_plan",
        path,
        "--organisation",
        "Stockton-on-Tees Borough Council",
        "--create-organisation",
        "--start",
        "2017-04-01",
        "--end",
        "2020-03-31",
        "--commit",
        stdout=io.StringIO(),
    )
    plan = Plan.objects.get()
    assert plan.organisation.name == "Stockton-on-Tees Borough Council"
    assert plan.actions.count() == 37
    with pytest.raises(CommandError, match="--section takes LEVEL=KIND"):
        call_command("import_plan", path, "--section", "deep=outcome", stdout=io.StringIO())


def test_command_line_sheet_choice(org):
    out = io.StringIO()
    call_command(
        "import_plan",
        str(DATA / "council_sheet_per_priority.xlsx"),
        "--organisation",
        org.name,
        "--start",
        "2023-04-01",
        "--end",
        "2024-03-31",
        "--sheet",
        "Area 2 - Our Practice",
        stdout=out,
    )
    assert 'sheet "Area 2 - Our Practice": actions table, 18 rows (read)' in out.getvalue()
    assert 'sheet "Area 1 - Our People": actions table, 14 rows (not read)' in out.getvalue()
    assert "Actions: 16 new" in out.getvalue()


def test_a_summary_sheet_is_checked_against_the_plan_not_ignored(org):
    """council_principles.xlsx has a summary sheet of counts per principle: each figure that
    agrees with the plan as read is used (checked); one that differs is listed and warned about."""
    from openpyxl import load_workbook

    result = preview("council_principles.xlsx", new_plan_options(org)).result
    assert not [c for c in result["account"]["listed"] if c["sheet"] == "Summary"]
    workbook = load_workbook(DATA / "council_principles.xlsx")
    workbook["Summary"]["B3"] = 99  # "Relationships" has 9 actions, not 99
    workbook["Summary"]["A5"] = "A principle the plan does not have"
    buffer = io.BytesIO()
    workbook.save(buffer)
    importer = PlanImporter(
        source=read_source(filename="changed.xlsx", content=buffer.getvalue()),
        options=new_plan_options(org),
    )
    result = importer.prepare()
    summary = {(c["row"], c["column"]): c["why"] for c in result["account"]["listed"]}
    assert summary[(3, "B")] == "summary figure differs (the plan read has 9)"
    assert all(summary[(5, col)] == "summary row that matches no priority" for col in "ABCDE")
    assert len(summary) == 6
    assert any('says "99" but the plan read has 9' in w["message"] for w in result["warnings"])
    assert result["account"]["unaccounted"] == 0
