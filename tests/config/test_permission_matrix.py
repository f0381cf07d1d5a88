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
        # A measure of another plan, linked to the board member's plan as well.
        plan_measure = Measure.objects.get(code="CYP-A1")
        plan_measure.plans.add(plan)
        return {
            "plan": plan,
            "other_plan": other_plan,
            "action": Action.objects.filter(plan=plan, lead__user__username="jane.smith").first(),
            "other_action": Action.objects.filter(plan=other_plan).first(),
            "measure": Measure.objects.order_by("code").first(),
            "plan_measure": plan_measure,
            "measure_codes": list(Measure.objects.values_list("code", flat=True)),
            "download_text": download_text,
            "board": board,
            "other_board": Board.objects.get(name="Cabinet"),
            "meeting": Meeting.objects.filter(board=board).order_by("date").first(),
        }


def download_text(response) -> str:
    """The text of a .csv or .xlsx download, for the entries that check which rows it holds."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8-sig")


def client_for(role):
    client = Client()
    User = get_user_model()
    usernames = {
        "board_member": "councillor",
        "officer": "jane.smith",
        "other_officer": "adele.moore",
        "administrator": "admin",
    }
    if role == "viewer":
        client.force_login(factories.user(role="Viewers"))
    elif role == "no_role":
        client.force_login(factories.user())
    elif role in usernames:
        client.force_login(User.objects.get(username=usernames[role]))
    return client


@pytest.mark.parametrize("entry,role,method", CASES)
def test_permission_matrix(entry, role, method, objs):
    url = reverse(entry.name, kwargs=entry.kwargs(objs)) + entry.query
    client = client_for(role)
    if method == "GET":
        response = client.get(url)
        expected = entry.get[role]
    else:
        response = client.post(url, entry.post_data(objs))
        expected = entry.post[role]
    assert response.status_code == expected, f"{method} {url} as {role}"
    if entry.check is not None and method == "GET" and expected == 200:
        entry.check(objs, role, response)
