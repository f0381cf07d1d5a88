"""The site's pages open for signed-in users, show the seed data, and load in a fixed number of
queries however big the plan."""

import pytest
from django.urls import reverse

from actions.models import Action, Tag
from actions.services import status_update_record
from boards.models import Board, BoardMembership, Meeting
from core.models import Organisation
from core.roles import Role
from measures.models import Measure
from plans.models import Plan
from tests import factories
from tests.factories.boards import london, rate

pytestmark = pytest.mark.django_db


def page_urls():
    plan = Plan.objects.get(slug="stockton-improvement-plan-2023")
    action = Action.objects.filter(plan=plan).order_by("pk").first()
    board = Board.objects.get(name="Good and Beyond Board")
    return [
        reverse("plans:list"),
        plan.get_absolute_url(),
        action.get_absolute_url(),
        reverse("measures:list"),
        Measure.objects.get(code="MBRO-LAC").get_absolute_url(),
        reverse("plans:boards"),
        board.get_absolute_url(),
        Meeting.objects.filter(board=board).first().get_absolute_url(),
    ]


def demo_viewer():
    """A viewer of the two demo councils whose pages these tests open."""
    user = factories.user(
        role="Viewers",
        organisation=Organisation.objects.get(name="Stockton-on-Tees Borough Council"),
    )
    factories.member(user, Organisation.objects.get(name="Middlesbrough Council"))
    return user


def test_pages_need_sign_in(client, demo_data):
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_pages_open_with_landmarks_skip_link_and_legend(client, demo_data):
    client.force_login(demo_viewer())
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert (
            'href="#main-content"' in html
            and '<main class="govuk-main-wrapper" id="main-content">' in html
        )
        assert "<header" in html and "<footer" in html


def test_plan_document_shows_the_seed_table(client, demo_data):
    client.force_login(demo_viewer())
    plan = Plan.objects.get(slug="stockton-improvement-plan-2023")
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Improvement area 1: Our People" in html
    assert "Ofsted Improvement Action 3" in html
    assert "Every Q" in html and "Jane Smith" in html
    assert "What the ratings mean" in html
    # RAG is never colour alone: every badge carries its word.
    assert 'class="app-rag app-rag--red">Red</span>' in html


def test_measure_page_shows_the_computed_rate(client, demo_data):
    client.force_login(demo_viewer())
    html = client.get(Measure.objects.get(code="MBRO-LAC").get_absolute_url()).content.decode()
    assert "141.1" in html and "32,180" in html


def test_user_text_is_escaped(client):
    client.force_login(factories.user(role="Viewers"))
    action = factories.action(description="<script>alert(1)</script>")
    status_update_record(
        action=action, lifecycle="in_progress", confidence="red", commentary="<b>bold</b>"
    )
    html = client.get(action.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def build_plan(n_actions: int, updates_each: int) -> Plan:
    plan = factories.plan()
    priorities = [factories.priority(plan) for _ in range(3)]
    outcome = factories.outcome(priorities[0])
    lead = factories.person()
    tag = Tag.objects.create(name=f"Tag {plan.pk}")
    for i in range(n_actions):
        a = factories.action(priorities[i % 3], outcome=outcome if i % 3 == 0 else None, lead=lead)
        a.tags.add(tag)
        for _ in range(updates_each):
            status_update_record(action=a, lifecycle="in_progress", confidence="green")
    return plan


@pytest.mark.parametrize("size", [5, 200])
def test_plan_pages_query_count_is_fixed(size, client, django_assert_max_num_queries):
    client.force_login(factories.user(role="Viewers"))
    plan = build_plan(size, 2)
    action = plan.actions.first()
    with django_assert_max_num_queries(20):
        assert client.get(plan.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(action.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("plans:list")).status_code == 200


# --- the plan list ----------------------------------------------------------------------------
# Its query budget, the same for 2 plans or 12; it includes 3 queries (a savepoint, the update and
# its release) for the session's activity clock, written at most once a minute.
PLAN_LIST_QUERIES = 8


def table_row(html: str, text: str) -> str:
    """The table row holding some text."""
    at = html.index(text)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


def rated_plan(ratings, **kw) -> Plan:
    plan = factories.plan(**kw)
    priority = factories.priority(plan)
    for rating in ratings:
        action = factories.action(priority)
        if rating != "not_started":
            rate(action, rating, london(2023, 6, 1))
    return plan


def test_plan_list_counts_each_plans_actions_by_rating(client):
    rated_plan(["red", "red", "green", "complete", "not_started"], title="Rated plan")
    empty = factories.plan(title="Empty plan", version_label="Draft April 2023")
    client.force_login(factories.user(role="Viewers"))
    html = client.get(reverse("plans:list")).content.decode()
    row = table_row(html, "Rated plan")
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">5</td>' in row
    assert '<li><span class="app-rag app-rag--red">Red</span> 2</li>' in row
    assert '<li><span class="app-rag app-rag--green">Green</span> 1</li>' in row
    assert '<li><span class="app-rag app-rag--complete">Blue</span> 1</li>' in row
    assert '<li><span class="app-rag app-rag--not_started">Not started</span> 1</li>' in row
    assert "app-rag--amber" not in row  # no line for a rating no action has
    row = table_row(html, "Empty plan")
    assert f'href="{empty.get_absolute_url()}"' in row and "Draft April 2023" in row
    assert "Apr 2023 to Mar 2024" in row and "No actions" in row


def test_board_members_list_only_the_plans_of_their_boards(client):
    theirs = rated_plan(["amber"], title="Overseen plan")
    rated_plan(["red"], title="Someone else's plan")
    board = factories.board()
    board.plans.add(theirs)
    member = factories.user(role=Role.BOARD_MEMBER)
    BoardMembership.objects.create(board=board, person=factories.person(user=member))
    client.force_login(member)
    html = client.get(reverse("plans:list")).content.decode()
    assert "Overseen plan" in html and "Someone else&#x27;s plan" not in html


@pytest.mark.parametrize("n_plans", [2, 12])
def test_plan_list_takes_a_fixed_number_of_queries(n_plans, client, django_assert_max_num_queries):
    for i in range(n_plans):
        rated_plan(["red", "amber", "green", "complete", "not_started"][: i % 5 + 1])
    client.force_login(factories.user(role="Viewers"))
    with django_assert_max_num_queries(PLAN_LIST_QUERIES):
        client.get(reverse("plans:list"))  # writes the session's activity clock if due
    with django_assert_max_num_queries(PLAN_LIST_QUERIES - 3):
        response = client.get(reverse("plans:list"))
    rows = '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/plans/'
    # Only the plans of the viewer's organisation (not the demo's councils, loaded for this module).
    ours = Plan.objects.filter(organisation=factories.default_organisation()).count()
    assert response.content.decode().count(rows) == ours >= n_plans


def test_theme_colour_comes_from_settings(client, settings):
    settings.COUNCIL_COLOUR = "#123456"
    assert "#123456" in client.get(reverse("theme_css")).content.decode()
    settings.COUNCIL_COLOUR = "red;}body{display:none"
    assert "display" not in client.get(reverse("theme_css")).content.decode()


def test_the_header_has_one_home_link(client):
    """The council's name links home; the service's name beside the menu is plain text, so
    the header does not offer the same link twice."""
    client.force_login(factories.user(role="Viewers"))
    html = client.get(reverse("plans:list")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert header.count(f'href="{reverse("home")}"') == 1
