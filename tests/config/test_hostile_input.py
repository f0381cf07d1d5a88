"""Hostile input answers with a clear 400, 404 or form error, never a 500 (issue 18): page sizes
out of range, NUL and other control characters in paths and parameters. The fuzzing crawl
(``test_fuzz_crawl.py``) covers every URL; these pin the cases the probe found."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer():
    client = Client(raise_request_exception=False)
    client.force_login(factories.user(role="Viewers"))
    return client


def many_actions(n: int):
    plan = factories.plan()
    priority = factories.priority(plan)
    Action.objects.bulk_create(
        Action(plan=plan, priority=priority, description=f"Action {i}", number=str(i + 1))
        for i in range(n)
    )
    return plan


def rows_shown(html: str) -> int:
    return len(re.findall(r'<th scope="row"', html))


@pytest.mark.parametrize(
    "per_page,shown",
    [
        ("100000", 100),  # clamped to the largest page (MAX_PER_PAGE)
        ("101", 100),
        ("-1", 25),  # not a page size: the default
        ("0", 25),
        ("abc", 25),
        ("1e3", 25),
        ("99999999999999999999999999", 100),
        ("7", 7),
    ],
)
def test_the_explorer_page_size_is_bounded(viewer, per_page, shown):
    many_actions(130)
    response = viewer.get(reverse("explorer:actions"), {"per_page": per_page})
    assert response.status_code == 200
    assert rows_shown(response.content.decode()) == shown


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999999999", "1.5", "\uff12"])
def test_any_page_number_shows_a_page(viewer, page):
    many_actions(30)
    for name in ("explorer:actions", "measures:list", "plans:portfolio"):
        assert viewer.get(reverse(name), {"page": page}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/measures/%00/",
        "/measures/%00/values/add/",
        "/measures/%00/values/1/correct/",
        "/measures/a%01b/",
        "/measures/%7F/",
        "/plans/%00/",
        "/actions/mine/%0A",
    ],
)
def test_control_characters_in_a_path_are_not_found(viewer, path):
    response = viewer.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/explore/?q=%00",
        "/explore/?plan=1%002",
        "/measures/?frequency=%00",
        "/plans/portfolio/?page=%00",
        "/explore/?%00=1",
    ],
)
def test_nul_in_a_query_is_a_bad_request(viewer, url):
    response = viewer.get(url)
    assert response.status_code == 400
    assert "Sorry, there is a problem with the request" in response.content.decode()


def test_nul_in_a_form_is_a_bad_request(viewer):
    response = viewer.post(reverse("password_reset"), {"email": "a\x00@example.org"})
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["0", "home", "plans:list", "x.y", "%00"])
def test_a_next_address_that_is_not_a_path_is_never_a_server_error(viewer, target):
    """Found by the fuzzing crawl: redirect("0") took "0" for a URL name and raised."""
    response = viewer.post(reverse("session_keepalive"), {"next": target})
    assert response.status_code in (302, 400)
