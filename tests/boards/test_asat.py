""" "As at" reconstruction is exact: a history across several periods (updates at known moments,
one corrected later, one deleted, a timescale changed) gives, for each meeting date, the
positions computed by hand; later edits never leak back into an earlier meeting."""

from datetime import date

import pytest

from actions.models import StatusUpdate
from boards.asat import (
    current_positions,
    end_of_day,
    positions_as_at,
    positions_as_at_many,
    update_versions_as_at,
)
from core.presentation import rating_direction
from core.rag import Rating
from tests import factories
from tests.factories.boards import london, rate, recorded_at
from tests.scenarios.boards import EXPECTED, M1, M2, M3, history_scenario

pytestmark = pytest.mark.django_db


def by_name(scenario, positions):
    names = {a.pk: name for name, a in scenario["actions"].items()}
    return {names[p.action.pk]: p for p in positions}


@pytest.mark.parametrize("meeting_date", [M1, M2, M3])
def test_positions_at_each_meeting_match_the_hand_computed_history(meeting_date):
    s = history_scenario()
    positions = by_name(s, positions_as_at([s["plan"].pk], end_of_day(meeting_date)))
    got = {
        name: (p.rating, p.previous.rating if p.previous else None, p.overdue)
        for name, p in positions.items()
    }
    assert got == EXPECTED[meeting_date]


def test_several_meetings_in_one_pass_match_each_meeting_alone(django_assert_max_num_queries):
    s = history_scenario()
    moments = [end_of_day(m) for m in (M1, M2, M3)]
    with django_assert_max_num_queries(4):
        together = positions_as_at_many([s["plan"].pk], moments)
    for meeting_date, moment in zip((M1, M2, M3), moments, strict=True):
        got = {
            name: (p.rating, p.previous.rating if p.previous else None, p.overdue)
            for name, p in by_name(s, together[moment]).items()
        }
        assert got == EXPECTED[meeting_date]


def test_end_of_the_meeting_day_is_in_london_time():
    """An update at 23:30 BST on the meeting day counts; one at 00:30 BST the next day (still
    the 18th in UTC) does not."""
    assert end_of_day(M1).isoformat() == "2023-05-18T23:59:59.999999+01:00"
    s = history_scenario()
    at_m1 = by_name(s, positions_as_at([s["plan"].pk], end_of_day(M1)))
    assert at_m1["A1"].latest.commentary.startswith("amber at 2023-05-18 23:30")
    assert at_m1["A2"].rating == "amber"  # the red given at 00:30 on the 19th is not there yet


def test_a_correction_made_after_the_meeting_does_not_leak_back():
    s = history_scenario()
    live = StatusUpdate.objects.get(pk=s["updates"]["u7"].pk)
    assert live.rating == "amber"  # corrected on 20 June
    a1 = by_name(s, positions_as_at([s["plan"].pk], end_of_day(M2)))["A1"]
    assert a1.rating == "red"
    assert a1.latest.commentary == "Two posts still vacant."
    assert a1.latest.escalate and a1.latest.outside_control
    assert a1.latest.issue == "Recruitment has stalled."
    assert a1.latest.resolve_by == date(2023, 9, 30)
    assert a1.direction == "worsened"


def test_a_correction_made_before_the_meeting_is_shown_in_its_corrected_words():
    s = history_scenario()
    later = by_name(s, positions_as_at([s["plan"].pk], london(2023, 6, 25, 12)))
    assert later["A1"].rating == "amber"
    assert later["A1"].latest.commentary == "Two posts still vacant (amber)."


def test_a_deleted_update_counts_until_it_was_deleted():
    s = history_scenario()
    before = by_name(s, positions_as_at([s["plan"].pk], london(2023, 7, 4, 12)))
    after = by_name(s, positions_as_at([s["plan"].pk], london(2023, 7, 6, 12)))
    assert before["A2"].rating == "red" and after["A2"].rating == "amber"


def test_timescale_is_the_one_the_action_had_then():
    s = history_scenario()
    at_m2 = by_name(s, positions_as_at([s["plan"].pk], end_of_day(M2)))
    at_m3 = by_name(s, positions_as_at([s["plan"].pk], end_of_day(M3)))
    assert at_m2["A5"].timescale_text == "May 23" and at_m2["A5"].overdue
    assert at_m3["A5"].timescale_text == "Sep 23" and not at_m3["A5"].overdue


def test_ongoing_recurring_and_unparsed_timescales_are_never_overdue():
    s = history_scenario()
    for moment in (end_of_day(M3), london(2030, 1, 1)):
        positions = by_name(s, positions_as_at([s["plan"].pk], moment))
        assert not positions["A2"].overdue  # Ongoing
        assert not positions["A3"].overdue  # Every Q
        assert not positions["A4"].overdue  # not understood...
        assert positions["A4"].timescale_unparsed  # ...and flagged as such, not as on time


def test_before_anything_was_given_nothing_is_rated():
    s = history_scenario()
    positions = positions_as_at([s["plan"].pk], london(2023, 5, 1))
    assert {p.rating for p in positions} == {Rating.NOT_STARTED}
    assert not any(p.has_update for p in positions)


def test_updates_given_earlier_but_recorded_later_count_from_when_they_were_given():
    """Imported or back-filled updates carry the date they were given."""
    action = factories.action(timescale_text="Ongoing")
    with recorded_at(london(2024, 1, 10)):  # entered in January 2024...
        from actions.services import status_update_record

        status_update_record(
            action=action,
            lifecycle="in_progress",
            confidence="red",
            created_at=london(2023, 6, 1),  # ...for an update given in June 2023
        )
    assert positions_as_at([action.plan_id], london(2023, 5, 31))[0].rating == "not_started"
    assert positions_as_at([action.plan_id], london(2023, 6, 2))[0].rating == "red"


def test_updates_without_history_are_read_from_the_live_table():
    action = factories.action()
    StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                action=action,
                lifecycle="in_progress",
                confidence="amber",
                rating="amber",
                created_at=london(2023, 6, 1),
            )
        ]
    )
    assert positions_as_at([action.plan_id], london(2023, 5, 1))[0].rating == "not_started"
    assert positions_as_at([action.plan_id], london(2023, 6, 2))[0].rating == "amber"
    # Mixed with updates that have history, in one pass over two moments.
    rate(action, "green", london(2023, 7, 1))
    both = positions_as_at_many([action.plan_id], [london(2023, 6, 2), london(2023, 7, 2)])
    assert both[london(2023, 6, 2)][0].rating == "amber"
    later = both[london(2023, 7, 2)][0]
    assert (later.rating, later.previous.rating) == ("green", "amber")


def test_current_positions_agree_with_the_live_ratings():
    s = history_scenario()
    now = by_name(s, current_positions([s["plan"].pk]))
    for name in ("A1", "A3", "A4", "A5"):
        action = s["actions"][name]
        action.refresh_from_db()
        assert now[name].rating == action.rating
    # A deleted update is gone now too: the latest remaining one counts.
    assert now["A2"].rating == "amber"
    assert now["A1"].rating == "complete" and now["A1"].previous.rating == "amber"


def test_rating_direction_is_by_severity_and_needs_both_ratings():
    assert rating_direction("amber", "red") == "worsened"
    assert rating_direction("red", "green") == "improved"
    assert rating_direction("green", "complete") == "improved"
    assert rating_direction("green", "green") == "unchanged"
    assert rating_direction(None, "red") == ""


@pytest.mark.parametrize("n_actions", [3, 60])
def test_as_at_takes_a_fixed_number_of_queries(n_actions, django_assert_max_num_queries):
    plan = factories.plan()
    priority = factories.priority(plan)
    for i in range(n_actions):
        a = factories.action(priority)
        for month in (5, 6, 7):
            rate(a, ["green", "amber", "red"][(i + month) % 3], london(2023, month, 1))
    with django_assert_max_num_queries(4):
        positions = positions_as_at([plan.pk], end_of_day(M2))
    assert len(positions) == n_actions
    with django_assert_max_num_queries(2):
        versions = update_versions_as_at([plan.pk], end_of_day(M2))
    assert sum(len(v) for v in versions.values()) == 2 * n_actions


def test_a_moment_gives_the_same_positions_alone_and_with_other_moments():
    """Candidates are kept per moment: an update whose given date was corrected later, or one
    bulk-inserted and edited afterwards, must not leak from one moment into another's answer."""
    from tests.factories.boards import recorded_at as at

    corrected = factories.action(timescale_text="Ongoing")
    moved = rate(corrected, "red", london(2023, 5, 5, 12))
    with at(london(2023, 5, 20, 12)):  # an administrator corrects the date it was given
        moved = StatusUpdate.objects.get(pk=moved.pk)
        moved.created_at = london(2023, 6, 10, 12)
        moved.save()
    bulk = factories.action(factories.priority(corrected.plan), timescale_text="Ongoing")
    rate(bulk, "red", london(2023, 5, 5, 12))
    (inserted,) = StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                action=bulk,
                lifecycle="in_progress",
                confidence="amber",
                rating="amber",
                created_at=london(2023, 6, 1, 12),
            )
        ]
    )
    rate(bulk, "green", london(2023, 6, 20, 12))
    with at(london(2023, 9, 1, 12)):
        inserted = StatusUpdate.objects.get(pk=inserted.pk)
        inserted.commentary = "Corrected wording"
        inserted.save()
    moments = [london(2023, 5, 9, 23), london(2023, 6, 10, 23), london(2023, 6, 30, 23)]
    together = positions_as_at_many([corrected.plan_id], moments)
    for moment in moments:
        alone = positions_as_at([corrected.plan_id], moment)
        assert [
            (p.action.pk, p.rating, p.previous.rating if p.previous else None) for p in alone
        ] == [
            (p.action.pk, p.rating, p.previous.rating if p.previous else None)
            for p in together[moment]
        ]
