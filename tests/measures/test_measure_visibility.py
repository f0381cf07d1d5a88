"""Measures follow the visibility of their plans (issue 18): the list, the measure page (and its
chart), the value forms and both downloads. The permission matrix covers the same with the demo
data; these tests pin the rules on small data."""

import pytest
from django.urls import reverse

from boards.models import BoardMembership
from core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seen_plan, unseen_plan = factories.plan(title="Seen plan"), factories.plan(title="Unseen plan")
    seen = factories.measure(code="SEEN-1", title="Seen measure")
    seen.plans.add(seen_plan, unseen_plan)
    unseen = factories.measure(code="UNSEEN-1", title="Unseen measure")
    unseen.plans.add(unseen_plan)
    orphan = factories.measure(code="ORPHAN-1", title="A measure of no plan")
    board = factories.board()
    board.plans.add(seen_plan)
    member = factories.user(role=Role.BOARD_MEMBER)
    BoardMembership.objects.create(board=board, person=factories.person(user=member))
    return {"seen": seen, "unseen": unseen, "orphan": orphan, "member": member}


def codes_in(text: str, world) -> set[str]:
    return {m.code for m in (world["seen"], world["unseen"], world["orphan"]) if m.code in text}


def test_a_board_member_reads_only_the_measures_of_their_boards_plans(client, world):
    client.force_login(world["member"])
    listing = client.get(reverse("measures:list")).content.decode()
    assert codes_in(listing, world) == {"SEEN-1"}
    page = client.get(reverse("measures:detail", kwargs={"code": "SEEN-1"}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Seen plan" in html and "Unseen plan" not in html  # the other plan's title stays hidden
    for code in ("UNSEEN-1", "ORPHAN-1"):
        assert client.get(reverse("measures:detail", kwargs={"code": code})).status_code == 403
    for name in ("exports:measures_csv", "exports:measures_xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 200
    csv_text = client.get(reverse("exports:measures_csv")).content.decode("utf-8-sig")
    assert "UNSEEN-1" not in csv_text and "ORPHAN-1" not in csv_text


def test_a_user_with_no_role_reads_no_measure(client, world):
    client.force_login(factories.user())
    listing = client.get(reverse("measures:list")).content.decode()
    assert codes_in(listing, world) == set()
    for code in ("SEEN-1", "UNSEEN-1", "ORPHAN-1"):
        assert client.get(reverse("measures:detail", kwargs={"code": code})).status_code == 403
        add = reverse("measures:add_value", kwargs={"code": code})
        assert client.get(add).status_code == 403
    export = client.get(reverse("exports:measures_xlsx"))
    assert export.status_code == 200


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OFFICER, Role.ADMINISTRATOR])
def test_those_who_read_every_plan_read_every_measure(client, world, role):
    client.force_login(factories.user(role=role))
    listing = client.get(reverse("measures:list")).content.decode()
    assert codes_in(listing, world) == {"SEEN-1", "UNSEEN-1", "ORPHAN-1"}
    assert client.get(reverse("measures:detail", kwargs={"code": "ORPHAN-1"})).status_code == 200
