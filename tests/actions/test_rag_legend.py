"""Each organisation keeps a copy of its RAG definitions so legends cost no query."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from actions.legend import refresh_rag_legends
from actions.models import RagDefinition
from core.models import Organisation
from core.presentation import legend_for
from core.rag import DEFAULT_MEANINGS, Rating
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(org):
    return Organisation.objects.get(pk=org.pk)


def test_saving_and_deleting_a_definition_updates_the_legend_without_a_query(
    django_assert_num_queries,
):
    org = factories.organisation()
    d = RagDefinition.objects.create(
        organisation=org, rating="complete", label="Blue", meaning="Signed off by the board"
    )
    org = fresh(org)
    with django_assert_num_queries(0):
        legend = legend_for(org)
        assert legend.meaning("complete") == "Signed off by the board"
        assert legend.label("red") == Rating.RED.label
    d.meaning = "Closed"
    d.save()
    assert legend_for(fresh(org)).meaning("complete") == "Closed"
    RagDefinition.objects.filter(pk=d.pk).delete()
    assert legend_for(fresh(org)).meaning("complete") == DEFAULT_MEANINGS[Rating.COMPLETE]


def test_a_change_in_the_admin_shows_on_the_update_form(client):
    admin = factories.admin_user()
    action = factories.action()
    org = action.plan.organisation
    d = RagDefinition.objects.create(organisation=org, rating="amber", label="Amber", meaning="x")
    client.force_login(admin)
    url = reverse("admin:actions_ragdefinition_change", args=[d.pk])
    form = {"organisation": org.pk, "rating": "amber", "label": "Amber", "meaning": "At risk"}
    assert client.post(url, form).status_code == 302
    page = client.get(reverse("actions:detail", kwargs={"pk": action.pk})).content.decode()
    assert "At risk" in page


def test_bulk_inserts_are_refreshed_explicitly():
    org = factories.organisation()
    RagDefinition.objects.bulk_create(
        [RagDefinition(organisation=org, rating="red", label="Red", meaning="Off track")]
    )
    assert fresh(org).rag_legend == {}  # bulk_create sends no signal...
    refresh_rag_legends([org.pk])
    assert fresh(org).rag_legend == {"red": {"label": "Red", "meaning": "Off track"}}


def test_the_migration_copies_existing_definitions():
    org = factories.organisation()
    RagDefinition.objects.bulk_create(
        [RagDefinition(organisation=org, rating="green", label="Green", meaning="On track")]
    )
    migration = importlib.import_module("plans.migrations.0004_organisation_rag_legend")
    # The models as they were at that migration (Organisation was in the plans app then).
    state = MigrationLoader(connection).project_state(("plans", "0004_organisation_rag_legend"))
    migration.copy_definitions(state.apps, None)
    assert fresh(org).rag_legend == {"green": {"label": "Green", "meaning": "On track"}}


def test_generated_and_demo_councils_have_their_legend(demo_data):
    for org in Organisation.objects.filter(rag_definitions__isnull=False).distinct():
        words = {d.rating: d.meaning for d in org.rag_definitions.all()}
        assert {k: v["meaning"] for k, v in org.rag_legend.items()} == words


def test_a_definition_moved_to_another_organisation_leaves_neither_copy_stale():
    first, second = factories.organisation(), factories.organisation()
    d = RagDefinition.objects.create(
        organisation=first, rating="complete", label="Finished", meaning="Signed off"
    )
    d = RagDefinition.objects.get(pk=d.pk)  # as the admin's form has it
    d.organisation = second
    d.save()
    assert fresh(first).rag_legend == {}
    assert fresh(second).rag_legend == {"complete": {"label": "Finished", "meaning": "Signed off"}}


def test_definitions_loaded_from_a_fixture_reach_the_copy(tmp_path):
    from django.core import serializers
    from django.core.management import call_command

    org = factories.organisation()
    fixture = tmp_path / "legend.json"
    fixture.write_text(
        serializers.serialize(
            "json",
            [RagDefinition(pk=9001, organisation=org, rating="red", label="Red", meaning="Stuck")],
        ),
        encoding="utf-8",
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert fresh(org).rag_legend == {"red": {"label": "Red", "meaning": "Stuck"}}


@pytest.mark.parametrize(
    "copy", [[], "words", {"red": "Red"}, {"red": {"label": "Red"}}, {"purple": {"label": "P"}}]
)
def test_a_malformed_copy_falls_back_to_the_default_words(copy):
    org = factories.organisation()
    Organisation.objects.filter(pk=org.pk).update(rag_legend=copy)
    legend = legend_for(fresh(org))
    assert legend.label("red") == Rating.RED.label
    assert legend.meaning("red") == DEFAULT_MEANINGS[Rating.RED]
