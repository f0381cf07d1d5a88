"""Round trip: every seed plan exported to .xlsx (and .csv), imported as a new plan, gives the
same plan back: priorities, outcomes, objectives, action numbers, descriptions, success criteria,
leads and timescales as written, tags, links, and sub-actions with their timescales."""

import pytest

from plans.models import Plan
from tests.factories.transfer import new_plan_options, structure, table_counts
from transfer.exports import plan_csv_bytes, plan_xlsx_bytes
from transfer.imports.plan_changes import PlanImporter
from transfer.imports.reading import read_table

pytestmark = pytest.mark.django_db

SEED_PLANS = [
    "stockton-cs-strategy-2017-20",
    "middlesbrough-early-help-2018-22",
    "stockton-improvement-plan-2023",
    "stockton-cyp-strategy-2019-24",
    "wokingham-cs-strategy-2021-24",
]


def import_as_new(filename, content, original):
    importer = PlanImporter(
        table=read_table(filename=filename, content=content),
        options=new_plan_options(
            original.organisation, title=f"Copy of {original.title}", numbering=original.numbering
        ),
    )
    return importer.commit(user=None)


@pytest.mark.parametrize("slug", SEED_PLANS)
def test_seed_plan_survives_an_xlsx_round_trip(slug, demo_data):
    original = Plan.objects.get(slug=slug)
    copy = import_as_new(f"{slug}.xlsx", plan_xlsx_bytes(original), original)
    assert copy.pk != original.pk
    expected, got = structure(original), structure(copy)
    assert got["priorities"] == expected["priorities"]
    assert got["outcomes"] == expected["outcomes"]
    assert got["objectives"] == expected["objectives"]
    assert got["actions"] == expected["actions"]
    assert len(got["actions"]) == original.actions.count()


@pytest.mark.parametrize("slug", ["stockton-improvement-plan-2023", "stockton-cs-strategy-2017-20"])
def test_seed_plan_survives_a_csv_round_trip(slug, demo_data):
    original = Plan.objects.get(slug=slug)
    copy = import_as_new(f"{slug}.csv", plan_csv_bytes(original), original)
    assert structure(copy) == structure(original)


@pytest.mark.parametrize("slug", SEED_PLANS)
def test_reimporting_an_export_into_its_own_plan_changes_nothing(slug, demo_data):
    plan = Plan.objects.get(slug=slug)
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
