"""Status updates changed in the Django admin keep each action's rating and version in step
(actions.services.action_ratings_resync), as updates given through the officers' pages do."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from actions.models import Action, StatusUpdate
from tests import factories
from tests.factories.boards import london, rate

pytestmark = pytest.mark.django_db


def rated_twice():
    action = factories.action()
    rate(action, "green", london(2023, 5, 1))
    latest = rate(action, "red", london(2023, 6, 1))
    action.refresh_from_db()
    assert action.rating == "red"
    return action, latest


def test_deleting_the_latest_update_in_the_admin_brings_back_the_one_before(client):
    action, latest = rated_twice()
    version = action.version
    client.force_login(factories.admin_user())
    url = reverse("admin:actions_statusupdate_delete", args=[latest.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    action.refresh_from_db()
    assert action.rating == "green"
    assert action.rating_updated_at == london(2023, 5, 1)
    assert action.version == version + 1  # an open update form now gets the conflict page


def test_deleting_every_update_from_the_list_leaves_the_action_not_started(client):
    action, _ = rated_twice()
    other, _ = rated_twice()
    client.force_login(factories.admin_user())
    ids = list(StatusUpdate.objects.filter(action=action).values_list("pk", flat=True))
    response = client.post(
        reverse("admin:actions_statusupdate_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.rating, action.rating_updated_at) == ("not_started", None)
    assert Action.objects.get(pk=other.pk).rating == "red"  # untouched


def test_an_update_edited_or_moved_in_the_admin_is_followed():
    action, latest = rated_twice()
    elsewhere = factories.action()
    admin = site._registry[StatusUpdate]
    request = RequestFactory().post("/")
    request.user = factories.admin_user()
    latest.confidence = "green"
    admin.save_model(request, latest, form=None, change=True)
    action.refresh_from_db()
    assert action.rating == "green"
    latest.action = elsewhere  # moved to another action: both follow
    admin.save_model(request, latest, form=None, change=True)
    action.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (action.rating, elsewhere.rating) == ("green", "green")
    assert StatusUpdate.objects.filter(action=action).count() == 1
