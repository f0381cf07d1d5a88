"""The public pages, the feed and the publication settings page take a fixed number of queries,
whatever the size of the plan, the number of its measures or of its publications."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from publishing.models import PublicAction, Publication, PublishedPlan
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db

# Public pages (no session). A plan page: the plan, its publication, the actions whose
# commentary is still public, the plan's setting (its introduction), the earlier publications.
# The feed: the plan, its publications. The list: the published plans.
PUBLIC_PAGE_QUERIES = 5
FEED_QUERIES = 2
PUBLIC_LIST_QUERIES = 1
# The settings page (an administrator): the session, the user, the plan, its setting, its
# actions with their public flags.
SETTINGS_QUERIES = 5


@pytest.fixture(params=["small", "large"])
def published(request, admin_client, django_capture_on_commit_callbacks):
    plans, actions, measures, packs = {"small": (1, 2, 1, 1), "large": (2, 15, 4, 4)}[request.param]
    council = api_f.council("Alpha", plans=plans, actions=actions, measures=measures)
    plan = council.plans[0]
    PublishedPlan.objects.create(plan=plan, enabled=True)
    for action in plan.actions.all():
        PublicAction.objects.create(action=action, commentary_public=True, lead_text_public=True)
    board = council.boards[0]
    board.meetings.all().delete()
    today = timezone.localdate()
    for n in range(packs):
        meeting = board.meetings.create(date=today + timedelta(days=n))
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(f"/plans/meetings/{meeting.pk}/issue/")
        assert response.status_code == 302
    assert Publication.objects.filter(plan=plan).count() == packs
    return plan


def test_public_pages_take_a_fixed_number_of_queries(published, django_assert_max_num_queries):
    client = Client()
    earliest = Publication.objects.filter(plan=published).order_by("as_at", "pk").first()
    for url, limit in (
        ("/public/", PUBLIC_LIST_QUERIES),
        (f"/public/{published.slug}/", PUBLIC_PAGE_QUERIES),
        (f"/public/{published.slug}/{earliest.pk}/", PUBLIC_PAGE_QUERIES),
        (f"/public/{published.slug}/feed/", FEED_QUERIES),
    ):
        with django_assert_max_num_queries(limit):
            response = client.get(url)
        assert response.status_code == 200, url


def test_the_settings_page_takes_a_fixed_number_of_queries(
    published, admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(SETTINGS_QUERIES):
        response = admin_client.get(f"/public/{published.slug}/settings/")
    assert response.status_code == 200
