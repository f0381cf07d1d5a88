"""Every render and download has a row budget (issue 18, core/budgets.py): over it, a page shows
what it holds and where to read it, a download goes back with a message; never an unbounded
render. The budgets are set low here; their real sizes are measured in docs/security.md. The
views allowed longer than REQUEST_TIMEOUT get LONG_REQUEST_TIMEOUT, and only they do."""

import time
from datetime import date
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action
from boards.models import IssuedPack, Meeting
from core import database
from tests import factories
from tests.factories.transfer import csv_bytes, new_plan_options, simple_rows
from tests.measures.test_measures_pages import annual
from transfer.exports import measures_csv_bytes
from transfer.imports.services import plan_import_upload
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    client = Client()
    client.force_login(factories.admin_user())
    return client


@pytest.fixture
def plan():
    plan = factories.plan(title="A long plan")
    priority = factories.priority(plan)
    Action.objects.bulk_create(
        Action(plan=plan, priority=priority, description=f"Action {n}", number=str(n))
        for n in range(1, 8)
    )
    return plan


@pytest.fixture
def meeting(plan):
    board = factories.board(name="The board")
    board.plans.add(plan)
    return Meeting.objects.create(board=board, date=date(2024, 1, 10))


@pytest.mark.parametrize("name", ["plans:detail", "plans:dashboard", "plans:exceptions"])
def test_a_plan_page_over_its_budget_says_so_and_where_to_read_it(admin, plan, settings, name):
    url = reverse(name, kwargs={"slug": plan.slug})
    settings.PAGE_MAX_ACTIONS = 7
    assert "is too large to show at once" not in admin.get(url).content.decode()
    settings.PAGE_MAX_ACTIONS = 6
    response = admin.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A long plan is too large to show at once" in html
    assert "has 7 actions, more than the 6" in html
    assert f"{reverse('explorer:actions')}?plan={plan.pk}" in html
    assert "Action 3" not in html  # the actions were not rendered


@pytest.mark.parametrize(
    "name,budget",
    [
        ("plans:meeting", "PAGE_MAX_ACTIONS"),
        ("plans:meeting_xlsx", "EXPORT_MAX_ROWS"),
        ("plans:meeting_pdf", "PDF_MAX_ACTIONS"),
    ],
)
def test_a_board_pack_over_its_budget_is_not_built(admin, meeting, settings, name, budget):
    setattr(settings, budget, 6)
    with mock.patch("boards.packs.snapshot.build_pack", side_effect=AssertionError("built")):
        response = admin.get(reverse(name, kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    assert "The pack for this meeting has 7 actions" in response.content.decode()


def test_issuing_a_pack_over_its_budget_is_refused(admin, meeting, settings):
    settings.PAGE_MAX_ACTIONS = 6
    response = admin.post(reverse("plans:meeting_issue", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200 and "too large" in response.content.decode()
    assert not IssuedPack.objects.exists()


def test_the_explorer_download_has_a_row_budget(admin, plan, settings):
    url = reverse("explorer:actions")
    settings.EXPORT_MAX_ROWS = 7
    assert admin.get(url, {"_export": "csv", "plan": plan.pk}).status_code == 200
    settings.EXPORT_MAX_ROWS = 6
    response = admin.get(url, {"_export": "xlsx", "plan": plan.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?plan={plan.pk}"
    page = admin.get(response["Location"]).content.decode()
    assert "This download has 7 rows, more than the 6" in page


def test_plan_downloads_have_a_row_budget(admin, plan, settings):
    settings.EXPORT_MAX_ROWS = 6
    for name in ("exports:plan_xlsx", "exports:plan_csv"):
        response = admin.get(reverse(name, kwargs={"slug": plan.slug}))
        assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()


def test_the_measures_download_has_a_row_budget(admin, settings):
    measure = factories.measure(code="M-ROWS")
    for year in range(2015, 2022):
        annual(measure, year, 10)
    settings.EXPORT_MAX_ROWS = 7
    assert admin.get(reverse("exports:measures_csv")).status_code == 200
    settings.EXPORT_MAX_ROWS = 6
    response = admin.get(reverse("exports:measures_xlsx"))
    assert response.status_code == 302 and response["Location"] == reverse("measures:list")
    assert measures_csv_bytes()  # the writer itself is unchanged


def test_only_the_long_views_get_the_long_deadline(settings):
    settings.REQUEST_TIMEOUT = 25
    settings.LONG_REQUEST_TIMEOUT = 120
    seen = {}

    def note(*args, **kwargs):
        seen["left"] = database.current_deadline() - time.monotonic()
        raise RuntimeError("stop here")

    user = factories.admin_user()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    upload = plan_import_upload(
        user=user,
        kind=PlanImport.Kind.PLAN,
        filename="plan.csv",
        content=csv_bytes(simple_rows(2)),
        options=new_plan_options(factories.organisation()),
    )
    with mock.patch("transfer.views.plan_import_commit", side_effect=note):
        client.post(reverse("imports:commit", kwargs={"pk": upload.pk}))
    assert 100 < seen["left"] <= 120
    with mock.patch("boards.views.plan_selectors.plans_for_listing", side_effect=note):
        client.get(reverse("plans:list"))
    assert 0 < seen["left"] <= 25


def test_my_actions_shows_the_first_actions_within_its_budget_and_says_so(settings):
    """Found on 10,014 led actions: 12.6 s of CPU, past the request's deadline."""
    officer = factories.officer()
    plan = factories.plan()
    priority = factories.priority(plan)
    Action.objects.bulk_create(
        Action(
            plan=plan, priority=priority, description=f"Led {n}", number=str(n), lead=officer.person
        )
        for n in range(1, 8)
    )
    client = Client()
    client.force_login(officer)
    settings.MINE_MAX_ACTIONS = 7
    assert "the first" not in client.get(reverse("actions:mine")).content.decode()
    settings.MINE_MAX_ACTIONS = 5
    html = client.get(reverse("actions:mine")).content.decode()
    assert "more than 5 actions: the first 5 are shown" in html
    assert html.count(">Give update<") == 5  # one link per row shown
