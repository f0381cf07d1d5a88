"""Administrators keep plans in the Django admin with a staff account in their group; they do
not need to be superusers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.apps import ADMINISTERED_APPS, grant_administrator_permissions
from core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_administrators_group_holds_every_permission_on_plan_records():
    group = Group.objects.get(name=Role.ADMINISTRATOR)
    held = set(group.permissions.values_list("pk", flat=True))
    wanted = set(
        Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS).values_list(
            "pk", flat=True
        )
    )
    assert wanted and wanted <= held
    assert not group.permissions.filter(content_type__app_label="auth").exists()


def test_granting_again_after_a_migrate_changes_nothing_and_restores_a_lost_one():
    group = Group.objects.get(name=Role.ADMINISTRATOR)
    one = Permission.objects.get(codename="change_action")
    group.permissions.remove(one)
    grant_administrator_permissions(sender=None)
    grant_administrator_permissions(sender=None)
    assert group.permissions.filter(pk=one.pk).count() == 1


def test_a_staff_administrator_who_is_not_a_superuser_edits_actions_in_the_admin(client):
    user = factories.user(role=Role.ADMINISTRATOR, is_staff=True)
    action = factories.action()
    client.force_login(user)
    assert client.get(reverse("admin:actions_action_changelist")).status_code == 200
    assert client.get(reverse("admin:actions_action_change", args=[action.pk])).status_code == 200
    assert client.get(reverse("admin:measures_measure_add")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_staff_outside_the_group_cannot(client):
    user = factories.user(role=Role.OFFICER, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:actions_action_changelist")).status_code == 403
