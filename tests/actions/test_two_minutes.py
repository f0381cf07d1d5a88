"""The officer's two minutes (issue 14): the last update beside the form with its text offered,
"No change since last period", red/amber reasons only when needed, GOV.UK date inputs, green on
an overdue action challenged, and on to the next action needing an update."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import StatusUpdate
from actions.services import NO_CHANGE_COMMENTARY, Reason, status_update_record
from tests import factories

pytestmark = pytest.mark.django_db


def update_url(action):
    return reverse("actions:update", kwargs={"pk": action.pk})


def no_change_url(action):
    return reverse("actions:update_no_change", kwargs={"pk": action.pk})


def earlier_update(action, *, confidence="amber", resolve_by=None, author_name="Sam Lead"):
    """An update given in last month's period."""
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    period = factories.period(action.plan, start=start, end=today.replace(day=1) - timedelta(1))
    return status_update_record(
        action=action,
        lifecycle="in_progress",
        confidence=confidence,
        commentary="Recruitment under way; two posts filled.",
        reason=Reason(
            issue="Vacancies",
            mitigation="Campaign",
            resolve_by=resolve_by or today + timedelta(days=90),
        ),
        author_name=author_name,
        period=period,
        created_at=timezone.now() - timedelta(days=35),
    )


def officer_with_actions(n=1, **action_kw):
    officer = factories.officer()
    priority = factories.priority(factories.plan(end=date(2099, 3, 31)))
    actions = [factories.action(priority, lead=officer.person, **action_kw) for _ in range(n)]
    return officer, actions


def test_the_form_shows_the_last_update_beside_the_fields(client):
    officer, (action,) = officer_with_actions()
    earlier_update(action)
    client.force_login(officer)
    html = client.get(update_url(action)).content.decode()
    aside = html[html.index('id="last-update-heading"') :]
    assert "Recruitment under way; two posts filled." in aside
    assert "Sam Lead" in aside and "Vacancies" in aside and "Campaign" in aside
    assert "Amber" in aside  # the rating as a word, with its colour class
    assert 'data-copy-to="id_commentary"' in aside


def test_start_from_this_text_prefills_the_form_without_javascript(client):
    officer, (action,) = officer_with_actions()
    previous = earlier_update(action)
    client.force_login(officer)
    response = client.get(update_url(action) + "?start=last")
    form = response.context["form"]
    assert form["commentary"].value() == previous.commentary
    assert form["issue"].value() == "Vacancies"
    assert form["resolve_by"].parts == {
        "day": str(previous.resolve_by.day),
        "month": str(previous.resolve_by.month),
        "year": str(previous.resolve_by.year),
    }
    html = response.content.decode()
    assert f'value="{previous.resolve_by.year}"' in html


def test_no_change_asks_for_confirmation_then_repeats_the_rating_and_reason(client):
    officer, (action,) = officer_with_actions()
    previous = earlier_update(action)
    client.force_login(officer)
    assert "No change since last period" in client.get(update_url(action)).content.decode()
    page = client.get(no_change_url(action))
    assert page.status_code == 200 and "Confirm no change" in page.content.decode()
    assert StatusUpdate.objects.filter(action=action).count() == 1  # nothing yet
    action.refresh_from_db()
    response = client.post(no_change_url(action), {"version": action.version})
    assert response.status_code == 302
    new = StatusUpdate.objects.filter(action=action).newest_first().first()
    assert new.pk != previous.pk and new.commentary == NO_CHANGE_COMMENTARY
    assert (new.rating, new.issue, new.mitigation, new.resolve_by) == (
        "amber",
        "Vacancies",
        "Campaign",
        previous.resolve_by,
    )
    assert new.period.start <= timezone.localdate() <= new.period.end


def test_no_change_refused_when_it_would_hide_a_passed_resolution_date(client):
    officer, (action,) = officer_with_actions()
    earlier_update(action, resolve_by=timezone.localdate() - timedelta(days=1))
    client.force_login(officer)
    action.refresh_from_db()
    response = client.post(no_change_url(action), {"version": action.version})
    assert response.status_code == 409
    assert "resolved by has passed" in response.content.decode()
    assert StatusUpdate.objects.filter(action=action).count() == 1


def test_no_change_refused_for_green_on_an_overdue_action(client):
    officer, (action,) = officer_with_actions(timescale_text="Mar 20")
    earlier_update(action, confidence="green")
    client.force_login(officer)
    html = client.get(no_change_url(action)).content.decode()
    assert "past its due date" in html and "Confirm no change" not in html


def test_no_change_with_a_stale_version_saves_nothing(client):
    officer, (action,) = officer_with_actions()
    earlier_update(action)
    client.force_login(officer)
    response = client.post(no_change_url(action), {"version": 0})
    assert response.status_code == 409
    assert StatusUpdate.objects.filter(action=action).count() == 1


def test_reason_fields_are_in_the_page_for_the_script_to_reveal(client):
    officer, (action,) = officer_with_actions()
    client.force_login(officer)
    html = client.get(update_url(action)).content.decode()
    # Without JavaScript the fields show (nothing hides them in the markup).
    assert 'id="reason-fields" data-reveal-for="red amber"' in html
    assert 'id="reason-fields" hidden' not in html
    assert "js/update-form.js" in html


def test_by_when_is_a_govuk_date_input(client):
    officer, (action,) = officer_with_actions()
    client.force_login(officer)
    when = timezone.localdate() + timedelta(days=60)
    data = {
        "rating": "red",
        "commentary": "Stuck",
        "issue": "Funding",
        "mitigation": "Bid",
        "resolve_by-day": str(when.day),
        "resolve_by-month": "",
        "resolve_by-year": str(when.year),
        "version": action.version,
    }
    html = client.post(update_url(action), data).content.decode()
    assert "By when must include a day, month and year" in html
    assert 'class="govuk-date-input"' in html and 'name="resolve_by-month"' in html
    data["resolve_by-month"] = "13"
    assert "By when must be a real date" in client.post(update_url(action), data).content.decode()
    data["resolve_by-month"] = str(when.month)
    assert client.post(update_url(action), data).status_code == 302
    assert StatusUpdate.objects.get(action=action).resolve_by == when


def test_errors_say_an_amber_rating(client):
    officer, (action,) = officer_with_actions()
    client.force_login(officer)
    data = {"rating": "amber", "commentary": "Slipping", "version": action.version}
    html = client.post(update_url(action), data).content.decode()
    assert "for an amber rating" in html and "for a amber" not in html


def test_green_on_an_overdue_action_needs_a_revised_date_or_a_reason(client):
    officer, (action,) = officer_with_actions(timescale_text="Mar 20")
    client.force_login(officer)
    data = {"rating": "green", "commentary": "Fine", "version": action.version}
    html = client.post(update_url(action), data).content.decode()
    assert 'href="#id_proposed_timescale"' in html and "to rate it green" in html
    data["proposed_timescale_reason"] = "Delivered in practice; closure report due"
    assert client.post(update_url(action), data).status_code == 302


def test_after_saving_the_officer_goes_to_the_next_action_then_my_actions(client):
    officer, actions = officer_with_actions(3)
    client.force_login(officer)
    data = {"rating": "green", "commentary": "On track"}
    response = client.post(update_url(actions[0]), {**data, "version": actions[0].version})
    assert response["Location"] == update_url(actions[1])
    page = client.get(response["Location"])
    assert "Next: action" in page.content.decode()  # the success banner
    client.post(update_url(actions[1]), {**data, "version": actions[1].version})
    response = client.post(update_url(actions[2]), {**data, "version": actions[2].version})
    assert response["Location"] == reverse("actions:mine")
    banner = client.get(reverse("actions:mine")).content.decode()
    assert "You have no more updates due this period" in banner
