"""The portfolio, a plan's dashboard, its exception report and the plan document: what they show,
who sees what, the rules (worst rating, overdue, exceptions, changes since the last meeting) and
a fixed number of queries however big the data."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from actions.models import Action, ActionLink, SubAction, Tag
from actions.services import Reason
from boards.models import BoardMembership, Meeting
from core.roles import Role
from measures.models import Measure
from plans.models import Plan, PlanLink
from priorities.models import KeyIssue, Objective, PlanStatement
from tests import factories
from tests.factories.boards import add_measure, board_for, london, rate
from tests.scenarios.boards import build_board_plan

pytestmark = pytest.mark.django_db

# Query budgets: the same for a small and a large data set. Each includes 3 queries (a savepoint,
# the update and its release) for the session's activity clock, written at most once a minute.
PORTFOLIO_QUERIES = 10
# 15 before the inspections panel (boards.panels) added progress per inspection finding.
DASHBOARD_QUERIES = 20
EXCEPTIONS_QUERIES = 12
DOCUMENT_QUERIES = 16

TODAY = timezone.localdate()
NOW = timezone.now()


def board_member_of(board):
    user = factories.user(role=Role.BOARD_MEMBER)
    person = factories.person(user=user)
    BoardMembership.objects.create(board=board, person=person)
    return user


def viewer(client):
    client.force_login(factories.user(role=Role.VIEWER))
    return client


# --- home -------------------------------------------------------------------------------------


def test_home_sends_officers_to_my_actions_and_everyone_else_to_the_portfolio(client):
    client.force_login(factories.officer())
    try:
        mine = reverse("actions:mine")
    except NoReverseMatch:
        mine = reverse("plans:portfolio")
    assert client.get(reverse("home"))["Location"] == mine
    for user in (
        factories.admin_user(),
        factories.user(role=Role.BOARD_MEMBER),
        factories.user(role=Role.VIEWER),
    ):
        client.force_login(user)
        assert client.get(reverse("home"))["Location"] == reverse("plans:portfolio")


def test_home_falls_back_to_the_portfolio_while_my_actions_does_not_exist(client):
    client.force_login(factories.officer())
    with mock.patch("core.views.reverse", side_effect=NoReverseMatch):
        assert client.get(reverse("home"))["Location"] == reverse("plans:portfolio")


# --- portfolio --------------------------------------------------------------------------------


def test_portfolio_shows_each_plans_ratings_overdue_measures_last_update_and_next_meeting(client):
    plan = factories.plan(title="Improvement plan")
    priority = factories.priority(plan)
    overdue = factories.action(priority, timescale_text="May 23")
    rate(overdue, "red", london(2023, 5, 10, 9))
    rate(factories.action(priority, timescale_text="Ongoing"), "amber", london(2023, 6, 1, 9))
    rate(factories.action(priority, timescale_text="Every Q"), "green", london(2023, 6, 2, 9))
    factories.action(priority, timescale_text="when funding allows")
    add_measure(plan, values=[(2022, 40)], target=60, tolerance=5)  # off target, outside
    add_measure(plan, values=[(2022, 58)], target=60, tolerance=5)  # off target, within
    add_measure(plan, values=[(2022, 70)], target=60)  # on target
    board = board_for(plan, [date(2023, 6, 15), TODAY + timedelta(days=10)], name="Scrutiny")
    html = viewer(client).get(reverse("plans:portfolio")).content.decode()
    assert "Improvement plan" in html
    assert "1 overdue" in html  # Ongoing, Every Q and the unread timescale are never overdue
    assert "1 timescale not understood" in html
    assert "2 of 3 (1 outside tolerance)" in html
    assert "6 June 2023" not in html and "2 June 2023" in html  # the last update
    assert f"{(TODAY + timedelta(days=10)):%-d %B %Y}, Scrutiny" in html
    assert board.meetings.count() == 2
    # Every link goes where reverse() says; the table gives the short dates.
    next_meeting = board.meetings.get(date__gt=TODAY)
    for url in (
        reverse("plans:dashboard", kwargs={"slug": plan.slug}),
        reverse("plans:exceptions", kwargs={"slug": plan.slug}),
        reverse("plans:detail", kwargs={"slug": plan.slug}),
        reverse("plans:meeting", kwargs={"pk": next_meeting.pk}),
    ):
        assert f'href="{url}"' in html
    assert ">2 Jun 2023<" in html and f">{next_meeting.date:%-d %b %Y}<" in html
    assert f"{plan.start:%b %Y} to {plan.end:%b %Y}" in html
    # The stacked bar carries the words, and the table repeats its figures.
    assert "<svg" in html and "Red: 1 of 4" in html and "Not started: 1 of 4" in html
    assert "The same figures as a table" in html


def test_portfolio_lists_active_plans_first_and_closed_last(client):
    for title, status in [
        ("Closed plan", Plan.Status.CLOSED),
        ("Draft plan", Plan.Status.DRAFT),
        ("Active plan", Plan.Status.ACTIVE),
        ("Approved plan", Plan.Status.APPROVED),
    ]:
        factories.plan(title=title, status=status)
    html = viewer(client).get(reverse("plans:portfolio")).content.decode()
    positions = [html.index(f">{t}</a>") for t in ("Active plan", "Approved plan", "Draft plan")]
    assert positions == sorted(positions)
    assert html.index(">Closed plan</a>") > positions[-1]


def test_portfolio_opens_on_a_plan_with_actions_before_an_empty_one(client):
    """An active plan nobody has filled in yet does not open the portfolio on an empty page."""
    factories.plan(title="Empty active plan", status=Plan.Status.ACTIVE)
    draft = factories.plan(title="Draft plan with actions", status=Plan.Status.DRAFT)
    factories.action(factories.priority(draft))
    html = viewer(client).get(reverse("plans:portfolio")).content.decode()
    assert html.index(">Draft plan with actions</a>") < html.index(">Empty active plan</a>")


def test_board_members_see_only_the_plans_of_their_boards(client):
    mine = factories.plan(title="Overseen plan")
    factories.plan(title="Someone else's plan")
    member = board_member_of(board_for(mine, []))
    client.force_login(member)
    html = client.get(reverse("plans:portfolio")).content.decode()
    assert "Overseen plan" in html and "Someone else" not in html


@pytest.mark.parametrize("n_plans,n_actions", [(1, 3), (8, 40), (12, 10)])
def test_portfolio_takes_a_fixed_number_of_queries(
    n_plans, n_actions, client, django_assert_max_num_queries
):
    org = factories.organisation()
    for _ in range(n_plans):
        build_board_plan(n_actions, 2, n_measures=3, org=org)
    viewer(client)
    with django_assert_max_num_queries(PORTFOLIO_QUERIES):
        response = client.get(reverse("plans:portfolio"))
    assert response.status_code == 200
    assert response.content.decode().count('class="app-portfolio__plan"') == min(n_plans, 10)


# --- plan dashboard ---------------------------------------------------------------------------


def dashboard(client, plan, query=""):
    response = client.get(reverse("plans:dashboard", kwargs={"slug": plan.slug}) + query)
    assert response.status_code == 200
    return response


def test_a_priority_rollup_never_hides_a_red_behind_an_average(client):
    plan = factories.plan()
    priority = factories.priority(plan, title="Mostly fine")
    for _ in range(20):
        rate(factories.action(priority), "green", NOW)
    rate(factories.action(priority), "red", NOW)
    response = dashboard(viewer(client), plan)
    (rollup,) = response.context["rollups"]
    assert rollup["worst"] == "red"
    assert {c["rating"]: c["count"] for c in rollup["counts"]}["red"] == 1
    html = response.content.decode()
    assert "worst rating <span" in html and "Red: 1 of 21" in html


def test_dashboard_lists_exceptions_red_amber_overdue_escalated_no_update_and_data_quality(
    client,
):
    plan = factories.plan()
    priority = factories.priority(plan)
    red = factories.action(priority, description="Red one", timescale_text="Ongoing")
    rate(red, "red", NOW, reason=Reason(issue="No staff", outside_control=True))
    amber = factories.action(priority, description="Amber one", timescale_text="Ongoing")
    rate(amber, "amber", NOW)
    late = factories.action(priority, description="Late one", timescale_text="May 23")
    rate(late, "green", NOW)
    late_amber = factories.action(priority, description="Late amber", timescale_text="May 23")
    rate(late_amber, "amber", NOW)
    passed = factories.action(priority, description="Passed one", timescale_text="Ongoing")
    rate(passed, "amber", NOW, reason=Reason(issue="Audit", resolve_by=TODAY - timedelta(1)))
    escalated = factories.action(priority, description="Escalated one", timescale_text="Ongoing")
    rate(escalated, "green", NOW, escalate=True)
    silent = factories.action(priority, description="Silent one", timescale_text="Ongoing")
    rate(silent, "green", london(2023, 1, 10))
    Action.objects.filter(pk=silent.pk).update(created_at=london(2023, 1, 1))
    fine = factories.action(priority, description="Fine one", timescale_text="Ongoing")
    rate(fine, "green", NOW)
    response = dashboard(viewer(client), plan)
    (section,) = response.context["exceptions"]
    reasons = {a["description"]: a["reasons"] for a in section["actions"]}
    assert reasons == {
        "Red one": ["red"],
        "Amber one": ["amber"],
        "Late one": ["green_overdue"],
        "Late amber": ["amber", "overdue"],
        "Passed one": ["amber", "resolution_passed"],
        "Escalated one": ["escalated"],
        "Silent one": ["no_update"],
    }
    html = response.content.decode()
    assert "No update by the deadline" in html and "Outside our control" in html
    assert "Green but past its due date" in html and "Resolution date passed" in html
    # Grouped by area, collapsible, with the counts by reason above.
    assert '<details class="govuk-details app-exceptions__area"' in html
    assert "(data quality)" in html


def test_dashboard_shows_what_changed_since_the_last_board_meeting(client):
    plan = factories.plan()
    priority = factories.priority(plan)
    worse = factories.action(priority, description="Got worse", timescale_text="Ongoing")
    better = factories.action(priority, description="Got better", timescale_text="Ongoing")
    done = factories.action(priority, description="Got done", timescale_text="Ongoing")
    late = factories.action(priority, description="Went late", timescale_text="Jul 23")
    for a in (worse, late):
        rate(a, "green", london(2023, 6, 1))
    rate(better, "red", london(2023, 6, 1))
    rate(done, "amber", london(2023, 6, 1))
    board_for(plan, [date(2023, 6, 15), TODAY + timedelta(days=30)])
    rate(worse, "red", london(2023, 8, 1))
    rate(better, "green", london(2023, 8, 1))
    rate(done, "complete", london(2023, 8, 1))
    response = dashboard(viewer(client), plan)
    assert response.context["last_meeting"].date == date(2023, 6, 15)
    changes = response.context["changes"]
    assert {m["description"]: m["change"] for m in changes["moved"]} == {
        "Got worse": "worsened",
        "Got better": "improved",
        "Got done": "improved",
    }
    assert [a["description"] for a in changes["newly_overdue"]] == ["Went late"]
    assert [a["description"] for a in changes["newly_complete"]] == ["Got done"]
    html = response.content.decode()
    # Arrows for the eye, words for everyone.
    assert '<span aria-hidden="true">↓</span> Worsened' in html
    assert '<span aria-hidden="true">↑</span> Improved' in html
    assert "15 June 2023" in html


def test_dashboard_filters_by_priority_lead_and_rating(client):
    plan = factories.plan()
    first, second = factories.priority(plan), factories.priority(plan)
    lead = factories.person(name="Pat Lead")
    rate(factories.action(first, description="First red", lead=lead), "red", NOW)
    rate(factories.action(first, description="First green"), "green", NOW)
    rate(factories.action(second, description="Second red"), "red", NOW)
    viewer(client)

    def shown(query):
        return {r["description"] for r in dashboard(client, plan, query).context["rows"]}

    assert shown("?rating=red") == {"First red", "Second red"}
    assert shown(f"?priority={first.pk}") == {"First red", "First green"}
    assert shown(f"?lead={lead.pk}") == {"First red"}
    assert shown(f"?priority={second.pk}&rating=red") == {"Second red"}


def test_a_bad_filter_is_explained_and_the_other_filters_are_kept(client):
    plan = factories.plan()
    priority = factories.priority(plan)
    rate(factories.action(priority, description="Kept"), "red", NOW)
    response = dashboard(viewer(client), plan, f"?rating=purple&priority={priority.pk}")
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_rating"' in html
    assert "Choose a RAG rating from the list" in html
    assert 'class="govuk-select govuk-select--error"' in html
    assert f'<option value="{priority.pk}" selected>' in html
    assert {r["description"] for r in response.context["rows"]} == {"Kept"}


def test_dashboard_shows_measures_latest_value_against_target(client):
    plan = factories.plan()
    add_measure(
        plan,
        code="LAC",
        title="Children looked after",
        values=[(2021, "150"), (2022, "141.1")],
        target="130",
        tolerance="5",
        polarity=Measure.Polarity.LOWER,
        unit=Measure.Unit.RATE_PER_10000,
    )
    response = dashboard(viewer(client), plan)
    (m,) = response.context["measures"]
    assert (m["latest"], m["target"], m["rag_word"], m["direction_word"]) == (
        "141.1",
        "130",
        "Off target",
        "Improving",  # a fall in children looked after is an improvement
    )
    html = response.content.decode()
    assert "141.1" in html and "Figures behind the trend lines" in html


def test_unparsed_timescales_are_shown_as_not_understood_not_as_on_time(client):
    plan = factories.plan()
    action = factories.action(
        factories.priority(plan), description="Vague", timescale_text="when funding allows"
    )
    rate(action, "green", NOW)
    html = dashboard(viewer(client), plan).content.decode()
    assert "1 timescale not understood" in html and "when funding allows" in html


def test_dashboard_is_refused_to_board_members_of_other_boards(client):
    plan = factories.plan()
    client.force_login(board_member_of(board_for(factories.plan(), [])))
    assert client.get(reverse("plans:dashboard", kwargs={"slug": plan.slug})).status_code == 403
    assert client.get(reverse("plans:exceptions", kwargs={"slug": plan.slug})).status_code == 403
    assert client.get(reverse("plans:dashboard", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize("size", [(4, 1), (120, 4)])
def test_dashboard_takes_a_fixed_number_of_queries(size, client, django_assert_max_num_queries):
    plan, _ = build_board_plan(*size, n_measures=size[0] // 2)
    lead = plan.actions.first().lead
    priority = plan.priorities.first()
    viewer(client)
    for query in ("", f"?priority={priority.pk}&lead={lead.pk}&rating=red"):
        with django_assert_max_num_queries(DASHBOARD_QUERIES):
            dashboard(client, plan, query)


# --- exception report -------------------------------------------------------------------------


def test_exception_report_has_a_section_per_priority_with_reasons(client):
    plan = factories.plan(priority_label="Improvement area")
    people, practice = (
        factories.priority(plan, title="Our People"),
        factories.priority(plan, title="Our Practice"),
    )
    red = factories.action(people, description="Red action", timescale_text="Ongoing")
    rate(
        red,
        "red",
        NOW,
        reason=Reason(issue="Vacancies", mitigation="Agency cover", resolve_by=date(2023, 9, 30)),
    )
    getting_worse = factories.action(people, description="Amber worse", timescale_text="Ongoing")
    rate(getting_worse, "green", london(2023, 5, 1))
    rate(getting_worse, "amber", NOW, reason=Reason(issue="Slipping", outside_control=True))
    steady = factories.action(practice, description="Amber steady", timescale_text="Ongoing")
    rate(steady, "amber", london(2023, 5, 1))
    rate(steady, "amber", NOW)
    late = factories.action(practice, description="Late green", timescale_text="May 23")
    rate(late, "green", NOW)
    add_measure(plan, priority=practice, code="P1", title="Practice audits", values=[(2022, 20)],
                target=60, tolerance=5)  # fmt: skip
    add_measure(plan, code="W1", title="Plan-wide", values=[(2022, 10)], target=60)
    add_measure(plan, priority=people, code="OK", title="On target", values=[(2022, 90)], target=60)
    response = viewer(client).get(reverse("plans:exceptions", kwargs={"slug": plan.slug}))
    sections = response.context["sections"]
    assert [s["title"] for s in sections] == ["Our People", "Our Practice", "Across the plan"]
    people_rows = {a["description"]: a for a in sections[0]["actions"]}
    assert set(people_rows) == {"Red action", "Amber worse"}
    assert people_rows["Amber worse"]["reason_words"] == ["Amber and worsening"]
    assert people_rows["Amber worse"]["outside_control"] is True
    assert people_rows["Red action"]["resolve_by_text"] == "30 September 2023"
    assert [a["description"] for a in sections[1]["actions"]] == ["Late green"]  # not steady amber
    assert [m["code"] for m in sections[1]["measures"]] == ["P1"]
    assert [m["code"] for m in sections[2]["measures"]] == ["W1"]
    assert sections[0]["measures"] == []  # on target: not an exception
    html = response.content.decode()
    assert "Improvement area 1: Our People" in html
    assert "Vacancies" in html and "Agency cover" in html and "Yes: outside our control" in html
    assert "Outside the service&#x27;s control" in html or "Outside the service's control" in html


@pytest.mark.parametrize("size", [(4, 1), (120, 4)])
def test_exception_report_takes_a_fixed_number_of_queries(
    size, client, django_assert_max_num_queries
):
    plan, _ = build_board_plan(*size, n_measures=size[0] // 2)
    viewer(client)
    with django_assert_max_num_queries(EXCEPTIONS_QUERIES):
        response = client.get(reverse("plans:exceptions", kwargs={"slug": plan.slug}))
    assert response.status_code == 200


# --- plan document and board page -------------------------------------------------------------


def test_plan_document_shows_the_current_rating_with_its_latest_commentary(client):
    plan = factories.plan()
    action = factories.action(factories.priority(plan), description="Write the strategy")
    rate(action, "amber", london(2023, 5, 1), commentary="Old words")
    rate(action, "red", london(2023, 6, 1), commentary="Latest words <b>bold</b>")
    html = viewer(client).get(plan.get_absolute_url()).content.decode()
    assert "Latest commentary" in html
    assert "Latest words &lt;b&gt;bold&lt;/b&gt;" in html and "Old words" not in html
    assert 'class="app-rag app-rag--red">Red</span>' in html


@pytest.mark.parametrize("size", [(4, 1), (150, 3)])
def test_plan_document_takes_a_fixed_number_of_queries(size, client, django_assert_max_num_queries):
    plan, _ = build_board_plan(*size)
    viewer(client)
    with django_assert_max_num_queries(DOCUMENT_QUERIES):
        assert client.get(plan.get_absolute_url()).status_code == 200


def build_document(n_priorities: int, actions_each: int) -> Plan:
    """A plan using every part of the document: partners, boards, a related plan and document,
    key issues answered by priorities, statements of the plan and of its priorities, outcomes,
    objectives under an outcome and directly under a priority, and actions at every level, each
    with a tag, a link, a sub-action and two updates."""
    plan = factories.plan()
    plan.partners.add(factories.organisation(name="Police"), factories.organisation(name="Health"))
    factories.board(name=f"Board of {plan.slug}").plans.add(plan)
    PlanLink.objects.create(
        plan=plan, title="Sister plan", related_plan=factories.plan(slug=f"sister-{plan.pk}")
    )
    PlanLink.objects.create(plan=plan, title="Council plan", url="https://example.org/plan")
    issues = [
        KeyIssue.objects.create(plan=plan, number=str(n), order=order, title=f"Issue {n}")
        for order, n in enumerate((3, 1, 2))
    ]
    PlanStatement.objects.create(plan=plan, kind="value", number="1", title="Be curious")
    tags = [Tag.objects.get_or_create(name=name)[0] for name in ("Ofsted", "2017/18 focus")]
    for p in range(n_priorities):
        priority = factories.priority(plan)
        priority.key_issues.add(*issues)
        PlanStatement.objects.create(
            plan=plan, priority=priority, kind="key_principle", title=f"Principle of {p + 1}"
        )
        outcome = factories.outcome(priority)
        under_outcome = Objective.objects.create(
            priority=priority, outcome=outcome, number=f"{outcome.number}.1", title="Under outcome"
        )
        direct = Objective.objects.create(
            priority=priority, number=f"{priority.number}.o", title="Under priority"
        )
        levels = [{}, {"outcome": outcome}, {"objective": direct}]
        levels.append({"outcome": outcome, "objective": under_outcome})
        for i in range(actions_each):
            action = factories.action(priority, **levels[i % 4])
            action.tags.add(tags[i % 2])
            ActionLink.objects.create(action=action, title=f"Evidence for {action.number}")
            SubAction.objects.create(action=action, description=f"Step of {action.number}")
            rate(action, "amber", london(2023, 5, 1), commentary="Earlier words")
            rate(action, "green", london(2023, 6, 1), commentary=f"Latest on {action.number}")
    return plan


def test_plan_document_shows_every_part_of_the_plan(client):
    plan = build_document(1, 4)
    html = viewer(client).get(plan.get_absolute_url()).content.decode()
    assert "Health, Police" in html
    board = plan.boards.get()
    assert f'<a class="govuk-link" href="{board.get_absolute_url()}">{board.name}</a>' in html
    sister = Plan.objects.get(slug=f"sister-{plan.pk}")
    assert f'<a class="govuk-link" href="{sister.get_absolute_url()}">Sister plan</a>' in html
    assert '<a class="govuk-link" href="https://example.org/plan">Council plan</a>' in html
    # Key issues in their order, and the numbers of those the priority answers.
    assert html.index("<strong>Issue 3</strong>") < html.index("<strong>Issue 1</strong>")
    assert "Key issues: 3, 1, 2" in html
    assert "Be curious" in html and "Principle of 1" in html
    assert "Outcome 1.1" in html and "Under outcome" in html and "Under priority" in html
    for action in plan.actions.all():
        assert f'href="{action.get_absolute_url()}"' in html
        assert f"Evidence for {action.number}" in html and f"Step of {action.number}" in html
        assert f"Latest on {action.number}" in html
    assert "Earlier words" not in html
    assert "Ofsted</strong>" in html and "2017/18 focus</strong>" in html


@pytest.mark.parametrize("size", [(1, 4), (3, 40)])
def test_every_part_of_the_plan_document_takes_a_fixed_number_of_queries(
    size, client, django_assert_max_num_queries
):
    plan = build_document(*size)
    viewer(client).get(plan.get_absolute_url())  # writes the session's activity clock if due
    with django_assert_max_num_queries(DOCUMENT_QUERIES - 3):
        assert client.get(plan.get_absolute_url()).status_code == 200


def test_board_page_lists_members_cadence_plans_and_meetings_with_pack_status(client):
    plan = factories.plan(title="Overseen")
    board = board_for(plan, [date(2023, 5, 18), TODAY + timedelta(days=3)], name="Good Board")
    board.cadence_note = "Partners attend every second meeting."
    board.save()
    chair = factories.person(name="Chair Person")
    BoardMembership.objects.create(board=board, person=chair, role="chair")
    from boards.packs.issuing import pack_issue

    pack_issue(meeting=Meeting.objects.get(board=board, date=date(2023, 5, 18)),
               issued_by=factories.admin_user())  # fmt: skip
    html = viewer(client).get(board.get_absolute_url()).content.decode()
    assert "Chair Person" in html and "Chair" in html
    assert "Partners attend every second meeting." in html
    assert "Overseen" in html and "18 May 2023" in html
    assert "Issued" in html and "Upcoming" in html


def test_plan_document_links_only_web_addresses(client):
    from plans.models import PlanLink

    plan = factories.plan()
    PlanLink.objects.create(plan=plan, title="Council plan", url="https://example.org/plan")
    PlanLink.objects.create(plan=plan, title="Sneaky", url="javascript:alert(1)")
    html = viewer(client).get(plan.get_absolute_url()).content.decode()
    assert 'href="https://example.org/plan"' in html
    assert 'href="javascript' not in html and "Sneaky" in html


def test_portfolio_counts_measures_off_target_by_the_measure_status_rule():
    """The portfolio judges each measure in SQL and tuples; it must agree with measures.status
    for every kind of case: on the target exactly, within and beyond tolerance, higher or lower
    is better, monitored only, no target, no value, a target for an earlier period only, and a
    later value with a later target."""
    from boards.asat import measure_statuses
    from boards.selectors.dashboards import measures_off_target

    plan, other = factories.plan(), factories.plan()
    lower, higher = Measure.Polarity.LOWER, Measure.Polarity.HIGHER
    cases = [
        dict(values=[(2022, "130")], target="130", polarity=lower),  # on target: green
        dict(values=[(2022, "133")], target="130", tolerance="5", polarity=lower),  # amber
        dict(values=[(2022, "140")], target="130", tolerance="5", polarity=lower),  # red
        dict(values=[(2022, "60")], target="70", tolerance="5", polarity=higher),  # red
        dict(values=[(2022, "71")], target="70", polarity=higher),  # green
        dict(values=[(2022, "71")], target="70", polarity=Measure.Polarity.MONITOR),
        dict(values=[(2022, "71")]),  # no target
        dict(values=[], target="70", polarity=higher),  # no value
    ]
    for i, case in enumerate(cases):
        add_measure(plan, code=f"M{i}", title=f"Case {i}", **case)
    # Targets for two years; the latest value's own year decides.
    shifting = add_measure(
        plan,
        code="MS",
        title="Shifting",
        values=[(2021, "50"), (2022, "55")],
        target="60",
        polarity=higher,
    )
    from measures.models import Target

    Target.objects.create(
        measure=shifting,
        period_start=date(2021, 4, 1),
        period_end=date(2022, 3, 31),
        label="2021/22",
        value=Decimal("40"),
        amber_tolerance=Decimal("0"),
    )
    shifting.plans.add(other)
    counts = measures_off_target([plan.pk, other.pk])
    expected = {"off": 0, "outside": 0, "total": 0}
    for status in measure_statuses(plan.measures.all()):
        expected["total"] += 1
        expected["off"] += status.rag in ("amber", "red")
        expected["outside"] += status.rag == "red"
    assert counts[plan.pk] == expected == {"off": 4, "outside": 3, "total": 9}
    assert counts[other.pk] == {"off": 1, "outside": 1, "total": 1}


def test_portfolio_shows_ten_plans_a_page_active_first_with_govuk_pagination(client):
    from boards.selectors.dashboards import PLANS_PER_PAGE

    for n in range(PLANS_PER_PAGE + 2):
        factories.plan(title=f"Plan {n:02d}", status=Plan.Status.ACTIVE)
    factories.plan(title="Closed plan", status=Plan.Status.CLOSED)
    viewer(client)
    url = reverse("plans:portfolio")
    first = client.get(url).content.decode()
    assert first.count('class="app-portfolio__plan"') == PLANS_PER_PAGE
    assert "Plan 00" in first and "Plan 09" in first and "Plan 10" not in first
    assert "Showing 1 to 10 of 13 plans" in first and "(page 1 of 2)" in first
    assert 'class="govuk-pagination"' in first and 'href="?page=2"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="app-portfolio__plan"') == 3
    assert "Plan 10" in second and "Plan 11" in second and "Closed plan" in second
    assert 'aria-current="page">2<' in second
    # A page that is not a number shows the first; one beyond the last shows the last.
    assert "Plan 00" in client.get(url, {"page": "x"}).content.decode()
    assert "Closed plan" in client.get(url, {"page": 99}).content.decode()


def test_a_board_members_few_plans_are_one_page_without_pagination(client):
    mine = factories.plan(title="Overseen plan")
    client.force_login(board_member_of(board_for(mine, [])))
    html = client.get(reverse("plans:portfolio")).content.decode()
    assert "Overseen plan" in html and "govuk-pagination" not in html and "Showing" not in html


def test_dashboard_filters_offer_one_empty_choice_each():
    from boards.filters import DashboardFilter

    plan = factories.plan()
    priority = factories.priority(plan, title="Our people")
    lead = factories.person(name="Pat Lead")
    form = DashboardFilter({}, plan=plan, priorities=[priority], leads=[lead]).form
    for name, empty, label in (("priority", "All", "Our people"), ("lead", "Anyone", "Pat Lead")):
        html = str(form[name])
        assert html.count('value=""') == 1, html
        assert f'<option value="" selected>{empty}</option>' in html and label in html


def test_board_page_lists_meetings_newest_first_by_their_own_names(client):
    plan = factories.plan()
    board = board_for(plan, [date(2023, 5, 18), date(2023, 9, 21), TODAY + timedelta(days=40),
                             TODAY + timedelta(days=3)])  # fmt: skip
    Meeting.objects.filter(board=board, date=date(2023, 9, 21)).update(
        title="Board meeting with partners"
    )
    html = viewer(client).get(board.get_absolute_url()).content.decode()
    assert html.index("21 September 2023") < html.index("18 May 2023")
    assert "Board meeting with partners" in html
    assert "Board meeting: Board meeting with partners" not in html
    next_row = html[html.index("Next meeting") :]
    soon = TODAY + timedelta(days=3)
    assert f"{soon.day} {soon:%B %Y}" in next_row[: next_row.index("</dd>")]


def test_plan_document_counts_ratings_without_a_trailing_comma(client):
    plan = factories.plan()
    priority = factories.priority(plan)
    for rating in ("red", "complete", "complete"):
        rate(factories.action(priority), rating, london(2023, 6, 1))
    html = viewer(client).get(plan.get_absolute_url()).content.decode()
    assert "Red 1, Blue 2." in html
    assert "Blue 2," not in html


def test_dashboard_arrows_compare_with_the_last_board_meeting_as_its_summary_does(client):
    plan = factories.plan()
    action = factories.action(factories.priority(plan), description="Keep the front door safe")
    meeting_day = TODAY - timedelta(days=30)
    board_for(plan, [meeting_day])
    rate(
        action,
        "amber",
        london(meeting_day.year, meeting_day.month, meeting_day.day, 9) - timedelta(days=5),
    )
    rate(action, "red", london(TODAY.year, TODAY.month, TODAY.day, 8) - timedelta(days=10))
    rate(action, "amber", london(TODAY.year, TODAY.month, TODAY.day, 8) - timedelta(days=2))
    html = (
        viewer(client).get(reverse("plans:dashboard", kwargs={"slug": plan.slug})).content.decode()
    )
    # Amber at the meeting and amber now: no change since the meeting, though the latest update
    # improved on the one before it.
    assert "No rating has moved" in html
    assert "app-direction--improved" not in html and "app-direction--worsened" not in html


# --- "No update" only once the deadline has passed (issue 14) --------------------------------


def test_no_update_is_not_an_exception_before_the_periods_deadline(client, settings):
    """Monthly updates are due UPDATE_GRACE_DAYS after the month ends: an action last updated
    in February is not an exception until March's deadline (5 April) has passed."""
    from boards.selectors.dashboards import plan_dashboard

    settings.UPDATE_GRACE_DAYS = 5
    plan = factories.plan(start=date(2026, 1, 1), end=date(2027, 3, 31))
    priority = factories.priority(plan)
    with mock.patch("django.utils.timezone.now", return_value=london(2026, 1, 5, 12)):
        february = factories.action(priority, description="February", timescale_text="Ongoing")
        march = factories.action(priority, description="March", timescale_text="Ongoing")
        later = factories.action(priority, description="Added later", timescale_text="Ongoing")
    Action.objects.filter(pk=later.pk).update(created_at=london(2026, 4, 10, 9))
    rate(february, "green", london(2026, 2, 20))
    rate(march, "green", london(2026, 3, 20))
    # At the start of April nothing is flagged: March's updates are due by 5 April.
    assert plan_dashboard(plan, today=date(2026, 4, 1)).no_update == set()
    assert plan_dashboard(plan, today=date(2026, 4, 5)).no_update == set()
    assert plan_dashboard(plan, today=date(2026, 4, 6)).no_update == {february.pk}
    assert plan_dashboard(plan, today=date(2026, 5, 6)).no_update == {
        february.pk,
        march.pk,
        later.pk,
    }
    # An action added after March's deadline is not expected to have had March's update.
    assert later.pk not in plan_dashboard(plan, today=date(2026, 4, 20)).no_update


def test_no_update_waits_for_the_plans_first_deadline(client):
    from boards.selectors.dashboards import plan_dashboard

    plan = factories.plan(start=date(2026, 5, 10), end=date(2027, 3, 31))
    with mock.patch("django.utils.timezone.now", return_value=london(2026, 5, 10, 12)):
        action = factories.action(factories.priority(plan), timescale_text="Ongoing")
    assert plan_dashboard(plan, today=date(2026, 5, 20)).no_update == set()
    assert plan_dashboard(plan, today=date(2026, 6, 6)).no_update == {action.pk}
