"""Organisations are the boundary (ADR 0012): the one rule in ``plans.permissions`` and
``boards.permissions``, the organisations loaded with the user, memberships from single sign-on,
and reminders that never tell anyone about another organisation's actions."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from accounts.signin import apply_membership
from boards.models import BoardMembership
from boards.permissions import boards_visible_to, can_view_board
from core.auth import RoleAwareModelBackend
from core.permissions import administered_organisation_ids, organisation_ids
from core.roles import Role
from plans.permissions import (
    can_view_plan,
    people_who_may_read,
    plan_ids_visible_to,
    plans_visible_to,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = factories.organisation(name="Council A")
    b = factories.organisation(name="Council B")
    police = factories.organisation(name="Police", kind="police")
    plan_a = factories.plan(organisation=a, title="A's plan")
    other_a = factories.plan(organisation=a, title="A's other plan")
    plan_b = factories.plan(organisation=b, title="B's plan")
    board_a = factories.board(organisation=a, name="A's board")
    board_a.plans.add(plan_a)
    board_b = factories.board(organisation=b, name="B's board")
    board_b.plans.add(plan_b)
    return locals()


def loaded(user):
    """The user as every request loads them."""
    return RoleAwareModelBackend().get_user(user.pk)


def readable(user) -> set[str]:
    return set(plans_visible_to(loaded(user)).values_list("title", flat=True))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OFFICER, Role.ADMINISTRATOR])
def test_a_member_reads_every_plan_of_their_organisation_and_nothing_else(world, role):
    user = factories.user(role=role, organisation=world["a"])
    assert readable(user) == {"A's plan", "A's other plan"}
    user = loaded(user)
    assert can_view_plan(user, world["plan_a"]) and not can_view_plan(user, world["plan_b"])
    assert set(boards_visible_to(user)) == {world["board_a"]}
    assert not can_view_board(user, world["board_b"])


def test_members_of_two_organisations_read_both(world):
    user = factories.user(role=Role.VIEWER, organisation=world["a"])
    factories.member(user, world["b"])
    assert readable(user) == {"A's plan", "A's other plan", "B's plan"}
    assert organisation_ids(loaded(user)) == {world["a"].pk, world["b"].pk}


def test_a_users_person_makes_them_a_member_of_its_organisation(world):
    user = factories.user()
    user.groups.add(Group.objects.get_or_create(name=Role.OFFICER)[0])
    factories.person(user=user, organisation=world["b"])
    assert readable(user) == {"B's plan"}


def test_a_board_member_membership_opens_no_plans_of_the_organisation(world):
    user = factories.user(role=Role.BOARD_MEMBER, organisation=world["a"])
    assert readable(user) == set()
    officer = factories.user(role=Role.OFFICER, organisation=world["b"])
    Membership.objects.create(user=officer, organisation=world["a"], role=Role.BOARD_MEMBER)
    assert readable(officer) == {"B's plan"}


def test_a_partner_agencys_member_reads_what_their_board_oversees_and_nothing_else(world):
    user = factories.user(role=Role.BOARD_MEMBER, organisation=world["police"])
    person = factories.person(user=user, organisation=world["police"])
    BoardMembership.objects.create(board=world["board_a"], person=person, role="partner")
    assert readable(user) == {"A's plan"}
    user = loaded(user)
    assert can_view_board(user, world["board_a"]) and not can_view_board(user, world["board_b"])
    assert not can_view_plan(user, world["other_a"])


def test_an_officer_of_one_council_on_anothers_board_reads_what_it_oversees(world):
    user = factories.user(role=Role.OFFICER, organisation=world["b"])
    person = factories.person(user=user, organisation=world["b"])
    BoardMembership.objects.create(board=world["board_a"], person=person)
    assert readable(user) == {"B's plan", "A's plan"}


def test_a_board_of_the_users_organisation_shows_the_plans_it_oversees(world):
    """A shared board (set up by a superuser): B's plan overseen by A's board is read by A."""
    world["board_a"].plans.add(world["plan_b"])
    user = factories.user(role=Role.VIEWER, organisation=world["a"])
    assert readable(user) == {"A's plan", "A's other plan", "B's plan"}


def test_no_role_reads_nothing_even_on_a_board(world):
    user = factories.user()
    person = factories.person(user=user, organisation=world["a"])
    BoardMembership.objects.create(board=world["board_a"], person=person)
    assert readable(user) == set()
    assert not boards_visible_to(loaded(user)).exists()


def test_a_superuser_reads_everything_and_administers_everything(world):
    user = factories.admin_user()
    assert readable(user) == {"A's plan", "A's other plan", "B's plan"}
    assert plan_ids_visible_to(loaded(user)) is None
    assert administered_organisation_ids(loaded(user)) is None


def test_an_administrator_administers_only_their_organisation(world):
    user = factories.user(role=Role.ADMINISTRATOR, organisation=world["a"], is_staff=True)
    assert administered_organisation_ids(loaded(user)) == {world["a"].pk}
    officer = factories.user(role=Role.OFFICER, organisation=world["a"])
    assert administered_organisation_ids(loaded(officer)) == frozenset()


def test_organisations_come_with_the_user_in_the_same_one_query(world):
    user = factories.user(role=Role.OFFICER, organisation=world["a"])
    factories.member(user, world["b"])
    Membership.objects.create(user=user, organisation=world["police"], role=Role.BOARD_MEMBER)
    factories.person(user=user, organisation=world["a"])
    with CaptureQueriesContext(connection) as queries:
        user = loaded(user)
        assert organisation_ids(user) == {world["a"].pk, world["b"].pk}
        assert can_view_plan(user, world["plan_a"]) and can_view_plan(user, world["plan_b"])
    assert len(queries) == 1


def test_single_sign_on_keeps_the_membership_of_the_organisation_signed_in_through(world):
    user = factories.user()
    apply_membership(user, world["a"], {Role.BOARD_MEMBER, Role.OFFICER})
    assert Membership.objects.get(user=user).role == Role.OFFICER
    apply_membership(user, world["a"], {Role.VIEWER})
    assert Membership.objects.get(user=user).role == Role.VIEWER
    apply_membership(user, world["a"], set())
    assert not Membership.objects.filter(user=user).exists()


def test_who_may_be_told_about_a_plan(world):
    mine = factories.person(organisation=world["a"])
    theirs = factories.person(organisation=world["b"])
    nobody = factories.person()
    member = factories.person()
    member.user = factories.user(role=Role.OFFICER, organisation=world["b"])
    member.save()
    on_board = factories.person(organisation=world["police"])
    BoardMembership.objects.create(board=world["board_a"], person=on_board)
    pairs = {
        (p.pk, plan.pk)
        for p in (mine, theirs, nobody, member, on_board)
        for plan in (world["plan_a"], world["plan_b"])
    }
    assert people_who_may_read(pairs) == {
        (mine.pk, world["plan_a"].pk),
        (theirs.pk, world["plan_b"].pk),
        (member.pk, world["plan_b"].pk),
        (on_board.pk, world["plan_a"].pk),
    }
