"""The sign-in backend loads the user's roles and person with the user (plans.auth)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.auth import RoleAwareModelBackend
from core.permissions import is_board_member, is_officer, person_of
from core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_get_user_loads_roles_and_person_in_one_query():
    officer = factories.officer()
    with CaptureQueriesContext(connection) as queries:
        user = RoleAwareModelBackend().get_user(officer.pk)
        assert is_officer(user) and not is_board_member(user)
        assert person_of(user) == officer.person
    assert len(queries) == 1


def test_a_user_without_a_person_or_roles():
    plain = factories.user()
    user = RoleAwareModelBackend().get_user(plain.pk)
    assert person_of(user) is None
    assert not is_officer(user) and not is_board_member(user)


def test_inactive_and_unknown_users_are_not_loaded():
    plain = factories.user()
    plain.is_active = False
    plain.save()
    assert RoleAwareModelBackend().get_user(plain.pk) is None
    assert RoleAwareModelBackend().get_user(plain.pk + 1000) is None


def test_a_role_removed_takes_effect_on_the_next_request(client):
    officer = factories.officer()
    action = factories.action(lead=officer.person)
    client.force_login(officer)
    url = reverse("actions:update", kwargs={"pk": action.pk})
    assert client.get(url).status_code == 200
    officer.groups.remove(Group.objects.get(name=Role.OFFICER))
    assert client.get(url).status_code == 403


def test_pages_ask_no_separate_query_for_roles_or_person(client):
    officer = factories.officer()
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("actions:mine")).status_code == 200
    # Django names the main table first in the select list: "SELECT "auth_group"."name" ...
    main_tables = [q["sql"].split(".")[0] for q in queries.captured_queries]
    assert 'SELECT "auth_group"' not in main_tables
    assert 'SELECT "plans_person"' not in main_tables
    assert 'SELECT "auth_user"' in main_tables
