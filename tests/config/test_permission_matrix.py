"""Every URL x every role x GET/POST gives the expected status (see tests/matrix)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions.models import Action
from boards.models import Board, Meeting
from measures.models import Measure
from plans.models import Plan
from tests import factories
from tests.matrix import ROLES, all_entries
from tests.matrix.records import b_records

pytestmark = pytest.mark.django_db

ENTRIES = all_entries()
CASES = [
    pytest.param(
        entry,
        role,
        method,
        id=f"{entry.name}{'/' + entry.label if entry.label else ''}-{role}-{method}",
    )
    for entry in ENTRIES
    for role in ROLES
    for method in ("GET", "POST")
]


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_matrix_entry():
    missing = named_urls() - {entry.name for entry in ENTRIES}
    assert not missing, f"add these URLs to tests/matrix: {sorted(missing)}"


@pytest.fixture(scope="module")
def objs(demo_data, django_db_blocker):
    with django_db_blocker.unblock():
        plan = Plan.objects.get(slug="stockton-improvement-plan-2023")
        other_plan = Plan.objects.get(slug="stockton-cs-strategy-2017-20")
        board = Board.objects.get(name="Good and Beyond Board")
        b_plan = Plan.objects.get(slug="middlesbrough-early-help-2018-22")
        b_board = Board.objects.get(name="Middlesbrough Council (full Council)")
        return {
            "plan": plan,
            "other_plan": other_plan,
            "action": Action.objects.filter(plan=plan, lead__user__username="jane.smith").first(),
            "other_action": Action.objects.filter(plan=other_plan).first(),
            "measure": Measure.objects.get(code="CSS-01"),
            "board": board,
            "other_board": Board.objects.get(name="Cabinet"),
            "meeting": Meeting.objects.filter(board=board).order_by("date").first(),
            # Council B: Middlesbrough, an organisation of its own.
            "b_organisation": b_plan.organisation,
            "b_plan": b_plan,
            "b_action": Action.objects.filter(plan=b_plan).order_by("pk").first(),
            "b_measure": Measure.objects.get(code="EH-01"),
            "b_board": b_board,
            "b_meeting": Meeting.objects.filter(board=b_board).order_by("date").first(),
            **b_records(b_plan),
        }


USERNAMES = {
    "board_member": "councillor",
    "partner": "police.partner",
    "officer": "jane.smith",
    "other_officer": "adele.moore",
    "administrator": "stockton.admin",
    "superuser": "admin",
    "b_officer": "middlesbrough.officer",
}


def client_for(role, objs):
    client = Client()
    User = get_user_model()
    if role == "viewer":
        client.force_login(factories.user(role="Viewers", organisation=objs["plan"].organisation))
    elif role in USERNAMES:
        client.force_login(User.objects.get(username=USERNAMES[role]))
    return client


@pytest.mark.parametrize("entry,role,method", CASES)
def test_permission_matrix(entry, role, method, objs):
    query = entry.query(objs) if callable(entry.query) else entry.query
    url = reverse(entry.name, kwargs=entry.kwargs(objs)) + query
    client = client_for(role, objs)
    if method == "GET":
        response = client.get(url)
        expected = entry.get[role]
    else:
        response = client.post(url, entry.post_data(objs))
        expected = entry.post[role]
    assert response.status_code == expected, f"{method} {url} as {role}"
    if entry.check is not None and method == "GET" and expected == 200:
        entry.check(objs, role, response)
