"""The plan owner decides what of the plan is public: opting in, the introduction, and each
action's commentary and lead as written. Administrators may too; nobody else."""

import pytest
from django.test import Client

from core.roles import Role
from publishing.models import PublicAction, Publication, PublishedPlan
from tests import factories
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    council = api_f.council("Alpha", plans=1, actions=3, measures=0)
    return council.plans[0]


@pytest.fixture
def owner(plan):
    user = factories.officer()
    plan.owner = user.person
    plan.save()
    return user


def url(plan):
    return f"/public/{plan.slug}/settings/"


def test_the_owner_opts_in_and_makes_commentary_public(client, plan, owner):
    client.force_login(owner)
    page = client.get(url(plan))
    assert page.status_code == 200
    first, second, _ = plan.actions.order_by("pk")
    response = client.post(
        url(plan),
        {
            "enabled": "on",
            "introduction": "Our progress.",
            "commentary": [first.pk, second.pk, 999999, "x"],
            "lead_text": [first.pk],
        },
    )
    assert response.status_code == 302
    setting = PublishedPlan.objects.get(plan=plan)
    assert setting.enabled and setting.introduction == "Our progress."
    flags = {
        p.action_id: (p.commentary_public, p.lead_text_public) for p in PublicAction.objects.all()
    }
    assert flags == {first.pk: (True, True), second.pk: (True, False)}
    # Unticking makes them private again.
    client.post(url(plan), {"enabled": "on", "commentary": [second.pk]})
    flags = {
        p.action_id: (p.commentary_public, p.lead_text_public) for p in PublicAction.objects.all()
    }
    assert flags == {first.pk: (False, False), second.pk: (True, False)}


def test_an_action_of_another_plan_cannot_be_made_public(client, plan, owner):
    other = api_f.council("Beta", plans=1, actions=1, measures=0).plans[0].actions.get()
    client.force_login(owner)
    client.post(url(plan), {"enabled": "on", "commentary": [other.pk]})
    assert not PublicAction.objects.filter(action=other).exists()


def test_opting_in_publishes_from_the_latest_issued_pack(
    client, plan, owner, admin_client, django_capture_on_commit_callbacks
):
    meeting = plan.boards.get().meetings.order_by("date").first()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/plans/meetings/{meeting.pk}/issue/")
    assert not Publication.objects.exists()
    owner_client = Client()
    owner_client.force_login(owner)
    owner_client.post(url(plan), {"enabled": "on"})
    assert Publication.objects.filter(plan=plan).count() == 1


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VIEWER, Role.BOARD_MEMBER])
def test_others_may_not(client, plan, owner, role):
    client.force_login(factories.officer() if role == Role.OFFICER else factories.user(role=role))
    assert client.get(url(plan)).status_code == 403
    assert client.post(url(plan), {"enabled": "on"}).status_code == 403
    assert not PublishedPlan.objects.exists()


def test_signed_out_users_are_sent_to_sign_in_whether_or_not_the_plan_exists(client, plan):
    assert client.get(url(plan)).status_code == 302
    assert client.get("/public/no-such-plan/settings/").status_code == 302


def test_administrators_may(admin_client, plan):
    assert admin_client.get(url(plan)).status_code == 200
