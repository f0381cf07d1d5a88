"""The officers' journey: "My actions", giving a RAG update, and the rules around it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, StatusUpdate
from actions.periods import period_for_update
from actions.services import status_update_record
from plans.models import Plan
from tests import factories

pytestmark = pytest.mark.django_db


def lead_and_action(**action_kw):
    officer = factories.officer()
    action = factories.action(lead=officer.person, **action_kw)
    return officer, action


def valid(action, **overrides):
    data = {
        "rating": "green",
        "commentary": "Good progress this month.",
        "version": action.version,
    }
    data.update(overrides)
    return data


def update_url(action):
    return reverse("actions:update", kwargs={"pk": action.pk})


# "My actions" --------------------------------------------------------------------------------


def test_my_actions_lists_what_the_officer_leads_or_is_delegated_grouped_by_plan(client):
    officer, mine = lead_and_action(description="Recruit social workers")
    delegated = factories.action(description="Review the hub")
    delegated.delegates.add(officer.person)
    factories.action(description="Someone else's action")
    client.force_login(officer)
    html = client.get(reverse("actions:mine")).content.decode()
    assert "Recruit social workers" in html and "Review the hub" in html
    assert "Someone else&#x27;s action" not in html and "Someone else's action" not in html
    assert html.count('<section aria-labelledby="plan-') == 2  # one group per plan
    assert mine.plan.title in html and delegated.plan.title in html


def test_my_actions_shows_update_due_and_when(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    html = client.get(reverse("actions:mine")).content.decode()
    assert "Update due" in html
    assert "Updates are next due by" in html
    period = period_for_update(action.plan)
    status_update_record(action=action, lifecycle="in_progress", confidence="green", period=period)
    html = client.get(reverse("actions:mine")).content.decode()
    assert "Up to date" in html and "All your actions are up to date" in html


def test_my_actions_filters(client):
    officer = factories.officer()
    plan_a, plan_b = factories.plan(), factories.plan()
    today = timezone.localdate()
    late = factories.action(
        factories.priority(plan_a),
        lead=officer.person,
        description="Late one",
        timescale_text=(today - timedelta(days=10)).strftime("%d/%m/%Y"),
    )
    soon = factories.action(
        factories.priority(plan_b),
        lead=officer.person,
        description="Soon one",
        timescale_text=(today + timedelta(days=10)).strftime("%d/%m/%Y"),
    )
    status_update_record(
        action=soon, lifecycle="in_progress", confidence="red", period=period_for_update(plan_b)
    )
    client.force_login(officer)

    def shown(query):
        html = client.get(reverse("actions:mine") + query).content.decode()
        return {name for name in ("Late one", "Soon one") if name in html}

    assert shown("") == {"Late one", "Soon one"}
    assert shown(f"?plan={plan_a.pk}") == {"Late one"}
    assert shown("?rating=red") == {"Soon one"}
    assert shown("?overdue=true") == {"Late one"}
    assert shown("?overdue=false") == {"Soon one"}
    assert shown("?update_due=true") == {"Late one"}
    assert shown("?update_due=false") == {"Soon one"}
    assert shown("?due_within=30") == {"Soon one"}
    assert late.is_overdue
    response = client.get(reverse("actions:mine") + "?due_within=soon")
    assert response.status_code == 200 and "Enter a number" in response.content.decode()


def test_my_actions_sorts(client):
    officer = factories.officer()
    priority = factories.priority()
    for i, rating in enumerate(["green", "red", "amber"]):
        a = factories.action(priority, lead=officer.person, description=f"Item {i}")
        status_update_record(action=a, lifecycle="in_progress", confidence=rating)
    client.force_login(officer)
    html = client.get(reverse("actions:mine") + "?sort=rating").content.decode()
    order = sorted(["Item 0", "Item 1", "Item 2"], key=html.index)
    # Sorted by the stored value: amber, green, red.
    assert order == ["Item 2", "Item 0", "Item 1"]


@pytest.mark.parametrize("n", [5, 500])
def test_my_actions_query_count_is_fixed(n, client, django_assert_max_num_queries):
    officer = factories.officer()
    plans = [factories.plan(reporting_cadence=c) for c in Plan.Cadence.values]
    for i in range(n):
        plan = plans[i % len(plans)]
        priority = plan.priorities.first() or factories.priority(plan)
        a = Action.objects.create(
            plan=plan,
            priority=priority,
            description=f"A{i}",
            lead=officer.person,
            timescale_text="May 23",
        )
        if i % 2:
            status_update_record(
                action=a,
                lifecycle="in_progress",
                confidence="amber",
                period=period_for_update(plan),
            )
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("actions:mine"))
    assert response.status_code == 200
    assert response.content.decode().count("Give update") == n


# Giving an update ------------------------------------------------------------------------------


def test_update_form_shows_the_organisations_meaning_of_each_colour(client):
    officer, action = lead_and_action()
    from actions.models import RagDefinition

    RagDefinition.objects.create(
        organisation=action.plan.organisation,
        rating="complete",
        label="Blue",
        meaning="Within target for the year",
    )
    client.force_login(officer)
    html = client.get(update_url(action)).content.decode()
    assert "Within target for the year" in html
    assert 'name="version"' in html


def test_officer_gives_an_update_and_sees_it_in_history_and_on_the_plan(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(
        update_url(action),
        valid(
            action,
            rating="amber",
            commentary="Recruitment slower than planned",
            issue="Two vacancies",
            mitigation="Agency cover agreed",
            resolve_by="31/01/2027",
        ),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.rating == "amber" and action.version == 1
    update = StatusUpdate.objects.get(action=action)
    assert update.author == officer and update.period is not None
    assert update.author_name == officer.person.name  # signed with the officer's name
    assert (update.issue, update.mitigation, str(update.resolve_by)) == (
        "Two vacancies",
        "Agency cover agreed",
        "2027-01-31",
    )
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Recruitment slower than planned" in page and "app-rag--amber" in page
    plan_page = client.get(action.plan.get_absolute_url()).content.decode()
    assert 'class="app-rag app-rag--amber">Amber</span>' in plan_page


def test_commentary_is_required_when_the_rating_changes_and_typed_text_is_kept(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(
        update_url(action),
        valid(action, rating="green", commentary="", evidence_of_impact="Kept words"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_commentary"' in html
    assert "Kept words" in html
    assert not StatusUpdate.objects.filter(action=action).exists()


def test_same_rating_needs_no_commentary(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action), valid(action, rating="not_started", commentary=""))
    assert response.status_code == 302


def test_over_long_commentary_is_refused_with_the_limit(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action), valid(action, commentary="x" * 4001))
    html = response.content.decode()
    assert "4,000 characters or fewer" in html
    assert not StatusUpdate.objects.filter(action=action).exists()


def test_red_and_amber_need_the_structured_reason(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action), valid(action, rating="red", commentary="Stuck"))
    html = response.content.decode()
    for field in ("id_issue", "id_mitigation", "id_resolve_by"):
        assert f'href="#{field}"' in html
    assert not StatusUpdate.objects.filter(action=action).exists()


def test_marking_complete_asks_for_evidence(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action), valid(action, rating="complete", commentary="Done"))
    assert 'href="#id_evidence_of_impact"' in response.content.decode()
    response = client.post(
        update_url(action),
        valid(action, rating="complete", commentary="Done", evidence_of_impact="Audit shows it"),
    )
    assert response.status_code == 302


def test_revised_date_must_be_a_real_future_date_with_a_reason(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action), valid(action, proposed_timescale="later"))
    assert 'href="#id_proposed_timescale"' in response.content.decode()
    assert "The revised date must include a day, month and year" in response.content.decode()
    future = timezone.localdate() + timedelta(days=200)
    parts = {
        "proposed_timescale-day": str(future.day),
        "proposed_timescale-month": str(future.month),
        "proposed_timescale-year": str(future.year),
    }
    response = client.post(update_url(action), valid(action, **parts))
    assert 'href="#id_proposed_timescale_reason"' in response.content.decode()
    response = client.post(
        update_url(action), valid(action, **parts, proposed_timescale_reason="Funding delay")
    )
    assert response.status_code == 302
    assert StatusUpdate.objects.get(action=action).proposed_timescale == future.strftime("%d/%m/%Y")


def test_invisible_reordering_characters_are_refused(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action), valid(action, commentary="abc\u202edef"))
    assert "invisible formatting characters" in response.content.decode()


def test_html_in_commentary_is_shown_as_text(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    client.post(update_url(action), valid(action, commentary="<script>alert('x')</script>"))
    html = client.get(action.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_officer_who_does_not_lead_the_action_is_refused(client):
    _, action = lead_and_action()
    other = factories.officer()
    client.force_login(other)
    assert client.get(update_url(action)).status_code == 403
    assert client.post(update_url(action), valid(action)).status_code == 403
    assert not StatusUpdate.objects.filter(action=action).exists()
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Give an update" not in page  # controls a user may not use are not shown


def test_stale_form_is_refused_showing_the_newer_update_and_keeping_the_text(client):
    officer, action = lead_and_action()
    delegate = factories.officer()
    action.delegates.add(delegate.person)
    opened_version = action.version
    # The delegate saves first, after the officer opened the form.
    status_update_record(
        action=action,
        lifecycle="in_progress",
        confidence="red",
        commentary="Delegate says red",
        author=delegate,
        period=period_for_update(action.plan),
    )
    client.force_login(officer)
    response = client.post(
        update_url(action),
        {
            "rating": "green",
            "commentary": "My own words",
            "version": opened_version,
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has updated" in html
    assert "Delegate says red" in html
    assert "My own words" in html
    assert StatusUpdate.objects.filter(action=action).count() == 1
    action.refresh_from_db()
    assert action.rating == "red"


def test_forged_version_is_refused(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action), valid(action, version=99))
    assert response.status_code == 409
    response = client.post(update_url(action), valid(action, version="not a number"))
    assert response.status_code == 200 and not StatusUpdate.objects.exists()


def test_one_update_per_period_which_its_author_can_revise(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    client.post(update_url(action), valid(action, rating="green", commentary="First"))
    action.refresh_from_db()
    response = client.post(
        update_url(action),
        valid(
            action,
            rating="amber",
            commentary="Second",
            issue="i",
            mitigation="m",
            resolve_by="01/02/2027",
        ),
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get(action=action)
    assert update.commentary == "Second" and update.rating == "amber"
    assert update.history.count() == 2  # the earlier wording is kept
    action.refresh_from_db()
    assert action.rating == "amber"


def test_another_officer_cannot_change_this_periods_update(client):
    officer, action = lead_and_action()
    delegate = factories.officer()
    action.delegates.add(delegate.person)
    status_update_record(
        action=action,
        lifecycle="in_progress",
        confidence="green",
        author=officer,
        period=period_for_update(action.plan),
    )
    action.refresh_from_db()
    client.force_login(delegate)
    html = client.get(update_url(action)).content.decode()
    assert "already been given" in html and 'name="rating"' not in html
    response = client.post(update_url(action), valid(action, rating="green", commentary="Mine"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else has updated" in html and "Mine" in html


def test_earlier_periods_are_read_only(client):
    officer, action = lead_and_action()
    old = factories.period(action.plan)  # May 2023, long closed
    status_update_record(
        action=action,
        lifecycle="in_progress",
        confidence="green",
        author=officer,
        period=old,
        commentary="History",
    )
    action.refresh_from_db()
    client.force_login(officer)
    client.post(
        update_url(action),
        valid(
            action,
            rating="amber",
            commentary="Now",
            issue="i",
            mitigation="m",
            resolve_by="01/02/2027",
        ),
    )
    old_update = StatusUpdate.objects.get(period=old)
    assert old_update.commentary == "History" and old_update.rating == "green"
    assert StatusUpdate.objects.filter(action=action).count() == 2


def test_a_next_parameter_is_ignored_the_officer_goes_on_to_their_next_update(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = client.post(update_url(action) + "?next=https://evil.example/", valid(action))
    assert response["Location"] == reverse("actions:mine")


@pytest.mark.parametrize("n", [5, 500])
def test_action_page_query_count_is_fixed(n, client, django_assert_max_num_queries):
    officer, action = lead_and_action()
    for i in range(n):
        period = factories.period(
            action.plan,
            start=timezone.datetime(2000 + i // 12, i % 12 + 1, 1).date(),
            end=timezone.datetime(2000 + i // 12, i % 12 + 1, 28).date(),
        )
        status_update_record(
            action=action,
            lifecycle="in_progress",
            confidence=["green", "amber", "red"][i % 3],
            period=period,
            commentary=f"Update {i}",
        )
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        response = client.get(action.get_absolute_url())
    assert response.content.decode().count("Update ") >= n
    with django_assert_max_num_queries(16):
        assert client.get(update_url(action)).status_code == 200


# The demo officers ---------------------------------------------------------------------------


def test_demo_officer_signs_in_sees_what_needs_an_update_and_updates_one(client, demo_data):
    response = client.post(
        reverse("login"), {"username": "jane.smith", "password": "improve-2026"}, follow=True
    )
    assert response.status_code == 200 and response.context["user"].username == "jane.smith"
    html = client.get(reverse("actions:mine")).content.decode()
    assert "Improvement Plan" in html and "Update due" in html
    action = Action.objects.filter(lead__user__username="jane.smith").order_by("pk").first()
    response = client.post(
        update_url(action),
        {
            "rating": "amber",
            "commentary": "Demo: agency use still high",
            "issue": "Vacancies",
            "mitigation": "Recruitment campaign",
            "resolve_by": "31/03/2027",
            "version": action.version,
            "next": reverse("actions:mine"),
        },
    )
    assert response.status_code == 302
    assert "Demo: agency use still high" in client.get(action.get_absolute_url()).content.decode()


def test_every_error_summary_link_points_at_an_element_on_the_page(client):
    import re

    officer, action = lead_and_action()
    client.force_login(officer)
    html = client.post(update_url(action), {"rating": "", "version": action.version}).content
    html = html.decode()
    targets = re.findall(r"govuk-error-summary__list.*?</ul>", html, re.S)[0]
    anchors = re.findall(r'href="#([^"]+)"', targets)
    assert "id_rating_0" in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in html, anchor
