"""Round trip: every seed plan exported to .xlsx (and .csv), imported as a new plan, gives the
same plan back: priorities, outcomes, objectives, action numbers, descriptions, success criteria,
leads and timescales as written, tags, links, sub-actions with their timescales, and the other
text actions and priorities keep (``notes``). Plans imported from the council fixtures make the
same round trip, and importing their export again changes nothing."""

from pathlib import Path

import pytest

from plans.models import Plan
from tests import factories
from tests.factories.transfer import new_plan_options, structure, table_counts
from transfer.exports import plan_csv_bytes, plan_xlsx_bytes
from transfer.imports.plan_changes import PlanImporter
from transfer.imports.reading import read_source, read_table

DATA = Path(__file__).resolve().parents[1] / "data"
COUNCIL_FILES = sorted(p.name for p in DATA.glob("council_*"))

pytestmark = pytest.mark.django_db

SEED_PLANS = [
    "stockton-cs-strategy-2017-20",
    "middlesbrough-early-help-2018-22",
    "stockton-improvement-plan-2023",
    "stockton-cyp-strategy-2019-24",
    "wokingham-cs-strategy-2021-24",
]


def import_as_new(filename, content, original, title=""):
    importer = PlanImporter(
        table=read_table(filename=filename, content=content),
        options=new_plan_options(
            original.organisation,
            title=title or f"Copy of {original.title}",
            numbering=original.numbering,
        ),
    )
    return importer.commit(user=None)


def with_other_text(plan):
    """Give the plan text kept from unmapped columns, as an import does: on its first and last
    actions (one with commentary given without a rating) and on its first priority."""
    first, last = plan.actions.order_by("pk").first(), plan.actions.order_by("pk").last()
    if first is not None and last is not None:
        first.notes = "Challenge: Recruitment in a tight market\n\nPhase: Phase 2"
        first.save(update_fields=["notes"])
        last.notes = "Commentary: Waiting for the partnership's reply.\n\nComments: see minutes"
        last.save(update_fields=["notes"])
    priority = plan.priorities.order_by("order").last()
    priority.notes = "Issues: 1, 2 and 3\n\nSponsor: Lead Member"
    priority.save(update_fields=["notes"])
    return plan


@pytest.mark.parametrize("slug", SEED_PLANS)
def test_seed_plan_survives_an_xlsx_round_trip(slug, demo_data):
    original = with_other_text(Plan.objects.get(slug=slug))
    copy = import_as_new(f"{slug}.xlsx", plan_xlsx_bytes(original), original)
    assert copy.pk != original.pk
    expected, got = structure(original), structure(copy)
    assert got["priorities"] == expected["priorities"]
    assert got["outcomes"] == expected["outcomes"]
    assert got["objectives"] == expected["objectives"]
    assert got["actions"] == expected["actions"]
    assert len(got["actions"]) == original.actions.count()
    assert got["priorities"][-1][3] == "Issues: 1, 2 and 3\n\nSponsor: Lead Member"
    assert sum(1 for a in got["actions"] if a["notes"]) == min(2, len(got["actions"]))


@pytest.mark.parametrize("slug", ["stockton-improvement-plan-2023", "stockton-cs-strategy-2017-20"])
def test_seed_plan_survives_a_csv_round_trip(slug, demo_data):
    original = with_other_text(Plan.objects.get(slug=slug))
    copy = import_as_new(f"{slug}.csv", plan_csv_bytes(original), original)
    assert structure(copy) == structure(original)


@pytest.mark.parametrize("slug", SEED_PLANS)
def test_reimporting_an_export_into_its_own_plan_changes_nothing(slug, demo_data):
    plan = with_other_text(Plan.objects.get(slug=slug))
    before = table_counts()
    importer = PlanImporter(
        table=read_table(filename=f"{slug}.xlsx", content=plan_xlsx_bytes(plan)),
        options={"mode": "update", "plan": plan.pk},
    )
    result = importer.prepare()
    assert result["errors"] == []
    counts = result["counts"]
    assert counts["actions"]["create"] == counts["actions"]["change"] == 0
    assert counts["actions"]["same"] == plan.actions.count()
    for level in ("priorities", "outcomes", "objectives"):
        assert counts[level]["create"] == counts[level]["change"] == 0
    assert counts["ratings"] == 0  # ratings already given are never re-recorded
    importer.commit()
    assert table_counts() == before


def test_ratings_commentary_and_update_dates_travel_with_a_copy(demo_data):
    original = Plan.objects.get(slug="stockton-improvement-plan-2023")
    copy = import_as_new("plan.xlsx", plan_xlsx_bytes(original), original)
    rated = {a.number: a for a in original.actions.all()}
    for action in copy.actions.all():
        source = rated[action.number]
        assert action.rating == source.rating
        if source.rating_updated_at:
            latest = source.updates.newest_first().first()
            assert action.updates.get().commentary == (
                latest.commentary or "Rating imported from plan.xlsx."
            )


def reimport_changes_nothing(plan, content, filename="plan.xlsx"):
    before = table_counts()
    importer = PlanImporter(
        table=read_table(filename=filename, content=content),
        options={"mode": "update", "plan": plan.pk},
    )
    result = importer.prepare()
    assert result["errors"] == []
    counts = result["counts"]
    assert counts["actions"]["create"] == counts["actions"]["change"] == 0
    assert counts["actions"]["same"] == plan.actions.count()
    for level in ("priorities", "outcomes", "objectives"):
        assert counts[level]["create"] == counts[level]["change"] == 0
    importer.commit()
    assert table_counts() == before


@pytest.mark.parametrize("name", COUNCIL_FILES)
def test_a_plan_imported_from_a_council_file_survives_a_round_trip(name):
    """The other text kept at import (unmapped columns, commentary without a rating) goes out
    in the export's "Action notes" and comes back the same."""
    organisation = factories.organisation(name="Round Trip Borough Council")
    factories.person(name="DCS", is_role=True, organisation=organisation)
    imported = PlanImporter(
        source=read_source(filename=name, content=(DATA / name).read_bytes()),
        options=new_plan_options(organisation, title=f"Imported from {name}"),
    ).commit(user=None)
    original = structure(imported)
    assert original["actions"]
    for kind, make in (("xlsx", plan_xlsx_bytes), ("csv", plan_csv_bytes)):
        content = make(imported)
        copy = import_as_new(f"copy.{kind}", content, imported, title=f"Copy as {kind}")
        assert structure(copy) == original, kind
        reimport_changes_nothing(copy, content, f"copy.{kind}")


@pytest.mark.parametrize(
    ("name", "with_notes"),
    [("council_outcome_rows.xlsx", 38), ("council_windows.csv", 6)],
)
def test_council_files_other_text_is_in_the_round_trip(name, with_notes):
    """The fixtures whose actions keep other text really do carry it through the export."""
    organisation = factories.organisation(name="Round Trip Borough Council")
    imported = PlanImporter(
        source=read_source(filename=name, content=(DATA / name).read_bytes()),
        options=new_plan_options(organisation, title="Imported"),
    ).commit(user=None)
    assert imported.actions.exclude(notes="").count() == with_notes
    copy = import_as_new("copy.xlsx", plan_xlsx_bytes(imported), imported)
    assert copy.actions.exclude(notes="").count() == with_notes
