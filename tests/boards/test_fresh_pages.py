"""Pages cached until the data they show changes (issue 16, core/freshness.py): a draft board
pack, the plan document and the plan dashboard.

These tests commit their writes (``transaction=True``), as real requests do: the cache is only
used across committed data. Each change is made the way users and the code make it (the
officer's update form, the summary form, a model save, a bulk ``update()``, a bulk insert, a
delete) and the next view must show it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action
from boards.packs.html import draft_pack_body
from boards.packs.snapshot import draft_key, draft_pack
from boards.packs.stored import draft_fingerprint_of
from core.freshness import data_version
from measures.models import MeasureValue
from priorities.models import Priority
from tests import factories
from tests.scenarios.boards import build_board_plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting():
    plan, board = build_board_plan(6, 2, n_measures=1)
    officer = factories.officer()
    action = plan.actions.filter(timescale_text="Ongoing").order_by("pk").first()
    Action.objects.filter(pk=action.pk).update(lead=officer.person)
    return {
        "plan": plan,
        "action": Action.objects.get(pk=action.pk),
        "officer": officer,
        "live": board.meetings.get(date=date(2099, 1, 1)),
        "past": board.meetings.get(date=date(2023, 7, 20)),
        "admin": factories.admin_user(),
    }


def page(client, meeting) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:meeting", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("which", ["live", "past"])
def test_a_second_view_with_no_change_is_read_from_the_cache(client, setting, which):
    client.force_login(setting["admin"])
    first, built = page(client, setting[which])
    again, cached = page(client, setting[which])
    # Building the pack reads the actions, their history, priorities, measures and panels;
    # from the cache only the meeting, the session and the data version are read.
    assert cached <= built - 8, (built, cached)
    assert setting["action"].description in again
    assert again.count("app-rag") == first.count("app-rag")


def test_an_officers_update_shows_in_the_next_view(client, setting):
    client.force_login(setting["admin"])
    before, _ = page(client, setting["live"])
    assert "Cached no longer" not in before
    client.force_login(setting["officer"])
    action = setting["action"]
    response = client.post(
        reverse("actions:update", kwargs={"pk": action.pk}),
        {"rating": "green", "commentary": "Cached no longer", "version": action.version},
    )
    assert response.status_code == 302
    client.force_login(setting["admin"])
    after, _ = page(client, setting["live"])
    assert "Cached no longer" in after


def test_the_summary_written_on_its_form_shows_in_the_next_view(client, setting):
    client.force_login(setting["admin"])
    meeting = setting["live"]
    page(client, meeting)
    response = client.post(
        reverse("plans:meeting_brief", kwargs={"pk": meeting.pk}),
        {"summary": "Recruitment is the board's first concern", "key_messages": "", "version": 0},
    )
    assert response.status_code == 302
    after, _ = page(client, meeting)
    assert "Recruitment is the board&#x27;s first concern" in after


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        pytest.param(
            lambda s: Action.objects.filter(pk=s["action"].pk).update(
                description="Renamed by a bulk update"
            ),
            "Renamed by a bulk update",
            id="QuerySet.update",
        ),
        pytest.param(
            lambda s: Priority.objects.filter(pk=s["action"].priority_id).update(
                title="A priority renamed"
            ),
            "A priority renamed",
            id="another table",
        ),
        pytest.param(
            lambda s: _save_description(s["action"], "Renamed by a save"),
            "Renamed by a save",
            id="Model.save",
        ),
    ],
)
@pytest.mark.parametrize("which", ["live", "past"])
def test_any_committed_change_shows_in_the_next_view(client, setting, change, shown, which):
    client.force_login(setting["admin"])
    before, _ = page(client, setting[which])
    assert shown not in before
    change(setting)
    after, _ = page(client, setting[which])
    assert shown in after


def test_a_new_measure_value_shows_in_the_next_view_of_a_live_pack(client, setting):
    client.force_login(setting["admin"])
    before, _ = page(client, setting["live"])
    assert "87.6" not in before
    MeasureValue.objects.bulk_create(
        [
            MeasureValue(
                measure=setting["plan"].measures.first(),
                period_start=date(2024, 4, 1),
                period_end=date(2025, 3, 31),
                label="2024/25",
                value=Decimal("87.6"),
            )
        ]
    )
    after, _ = page(client, setting["live"])
    assert "87.6" in after


def _save_description(action: Action, text: str) -> None:
    action.description = text
    action.save()


def test_a_deleted_action_leaves_the_next_view(client, setting):
    client.force_login(setting["admin"])
    action = factories.action(setting["action"].priority, description="Soon to be deleted")
    before, _ = page(client, setting["live"])
    assert action.description in before
    Action.objects.filter(pk=action.pk).delete()
    after, _ = page(client, setting["live"])
    assert action.description not in after


def test_a_live_pack_from_the_cache_shows_the_moment_it_is_read(setting):
    meeting = setting["live"]
    first = draft_pack(meeting, version=data_version())
    again = draft_pack(meeting, version=data_version())
    assert draft_key(meeting).live
    assert again["plans"] == first["plans"]
    assert again["as_at"] >= first["as_at"]
    assert again["as_at"] != first["as_at"]  # stamped now, though its data came from the cache


def test_a_past_meetings_pack_keeps_the_end_of_its_day(setting):
    meeting = setting["past"]
    assert not draft_key(meeting).live
    assert (
        draft_pack(meeting, version=data_version())["as_at"]
        == draft_pack(meeting, version=data_version())["as_at"]
    )
    assert draft_pack(meeting, version=data_version())["as_at"].startswith("2023-07-20T23:59:59")


def test_the_draft_fingerprint_follows_the_data(setting):
    meeting = setting["live"]
    first = draft_fingerprint_of(meeting, version=data_version())
    assert draft_fingerprint_of(meeting, version=data_version()) == first
    _save_description(setting["action"], "A change the files must show")
    assert draft_fingerprint_of(meeting, version=data_version()) != first


# --- the plan document and the plan dashboard: the same for everyone who may read the plan ----


def plan_page(client, name, plan, query="") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"plans:{name}", kwargs={"slug": plan.slug}) + query)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def main_of(html: str) -> str:
    """The page's main content (the header's sign-out form carries a new CSRF token each time)."""
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("name", ["detail", "dashboard"])
def test_a_plan_page_is_read_from_the_cache_and_follows_every_change(client, setting, name):
    client.force_login(setting["admin"])
    plan = setting["plan"]
    first, built = plan_page(client, name, plan)
    again, cached = plan_page(client, name, plan)
    assert main_of(again) == main_of(first)
    assert cached <= built - 4, (built, cached)
    _save_description(setting["action"], "Renamed where the plan is read")
    after, _ = plan_page(client, name, plan)
    assert "Renamed where the plan is read" in after


def test_each_set_of_dashboard_filters_is_a_page_of_its_own(client, setting):
    client.force_login(setting["admin"])
    plan = setting["plan"]
    everything, _ = plan_page(client, "dashboard", plan)
    reds, _ = plan_page(client, "dashboard", plan, "?rating=red")
    assert "that match the filters" in reds
    assert "that match the filters" not in everything
    assert main_of(plan_page(client, "dashboard", plan, "?rating=red")[0]) == main_of(reds)
    wrong, _ = plan_page(client, "dashboard", plan, "?rating=purple")
    assert "There is a problem" in wrong  # its error summary, not another filter's page


def test_the_plan_document_is_not_shown_to_whom_the_plan_is_refused(client, setting):
    client.force_login(setting["admin"])
    plan_page(client, "detail", setting["plan"])  # now in the cache
    other = factories.officer(organisation=factories.organisation(name="Another Council"))
    client.force_login(other)
    response = client.get(reverse("plans:detail", kwargs={"slug": setting["plan"].slug}))
    assert response.status_code == 403


def test_a_live_packs_cached_body_carries_the_moment_of_each_view(setting):
    meeting = setting["live"]
    first, first_moment = draft_pack_body(meeting, version=data_version())
    again, again_moment = draft_pack_body(meeting, version=data_version())
    for body, moment in ((first, first_moment), (again, again_moment)):
        assert "\ue000" not in body
        assert f"as at {moment}" in body  # the sentence, the captions and the charts' titles
        assert body.count(moment) >= 3
    assert again.replace(again_moment, "") == first.replace(first_moment, "")


def test_a_past_packs_body_shows_the_end_of_its_meeting_day(setting):
    body, moment = draft_pack_body(setting["past"], version=data_version())
    assert moment == "23:59 on 20 July 2023"
    assert f"as at {moment}" in body and "\ue000" not in body
