"""A board member sees progress per inspection finding on the plan dashboard and in the meeting
pack (issue 13), through the panel inspections registers with boards (boards.panels)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from boards.models import Board
from boards.panels import registered
from inspections.models import Recommendation

HEADING = "Progress on inspection findings"


def test_inspections_registers_its_panel():
    assert [p.key for p in registered()] == ["recommendation_progress"]


def test_board_member_sees_progress_per_finding_on_dashboard_and_in_pack(demo_data, db, client):
    councillor = get_user_model().objects.get(username="councillor")
    client.force_login(councillor)
    finding = Recommendation.objects.filter(
        inspection__plans__slug="stockton-improvement-plan-2023"
    ).first()
    assert finding is not None, "the demo links Stockton's plan to an inspection's findings"

    dashboard = client.get(
        reverse("plans:dashboard", kwargs={"slug": "stockton-improvement-plan-2023"})
    )
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert HEADING in html and finding.label in html

    board = Board.objects.get(name="Good and Beyond Board")
    meeting = board.meetings.order_by("-date").first()
    pack = client.get(reverse("plans:meeting", kwargs={"pk": meeting.pk}))
    assert pack.status_code == 200
    assert HEADING in pack.content.decode()


@pytest.mark.django_db
def test_a_plan_without_inspections_shows_no_panel(client):
    from tests import factories

    plan = factories.plan()
    client.force_login(factories.admin_user())
    html = client.get(reverse("plans:dashboard", kwargs={"slug": plan.slug})).content.decode()
    assert HEADING not in html
