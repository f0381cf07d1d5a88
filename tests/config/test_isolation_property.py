"""Property: two organisations with random plans, actions, people, boards and measures; no page,
download or admin page a user of one opens ever contains a title, name or number of the other,
and the other's pages answer 403 or 404 (ADR 0012).

Each example is a fresh pair of organisations (``hypothesis.extra.django.TestCase`` rolls each
back). Council A's words start "Xa", council B's "Yb", followed by lower-case letters only, so
that one council's word can never be part of the other's by chance; their numbers come from
different ranges."""

import string

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from boards.models import BoardMembership
from core.roles import Role
from tests import factories

LETTERS = st.text(alphabet=string.ascii_lowercase, min_size=6, max_size=10)
# Action numbers: council A's parts in 100-499, council B's in 500-999.
RANGES = {"Xa": (100, 499), "Yb": (500, 999)}


def numbers(prefix: str):
    low, high = RANGES[prefix]
    part = st.integers(low, high)
    return st.tuples(part, part).map(lambda p: f"{p[0]}.{p[1]}")


@st.composite
def council(draw, prefix: str) -> dict:
    def word():
        return prefix + draw(LETTERS)

    plans = draw(st.integers(1, 2))
    return {
        "organisation": word(),
        "person": f"{word()} {word()}",
        "board": word(),
        "measure": f"{prefix.upper()}-{draw(st.integers(*RANGES[prefix]))}",
        "measure_title": word(),
        "plans": [
            {
                "title": word(),
                "priority": word(),
                "actions": [
                    (draw(numbers(prefix)), word()) for _ in range(draw(st.integers(1, 3)))
                ],
            }
            for _ in range(plans)
        ],
    }


def build(data: dict, slug_prefix: str) -> dict:
    """The council's records, and an officer who leads its actions and sits on its board."""
    organisation = factories.organisation(name=data["organisation"])
    officer = factories.user(
        username=f"{slug_prefix}-officer", role=Role.OFFICER, organisation=organisation
    )
    person = factories.person(name=data["person"], organisation=organisation, user=officer)
    board = factories.board(name=data["board"], organisation=organisation)
    BoardMembership.objects.create(board=board, person=person)
    measure = factories.measure(
        code=data["measure"], title=data["measure_title"], organisation=organisation
    )
    plans, actions = [], []
    for n, item in enumerate(data["plans"]):
        plan = factories.plan(
            slug=f"{slug_prefix}-plan-{n}", title=item["title"], organisation=organisation
        )
        board.plans.add(plan)
        measure.plans.add(plan)
        priority = factories.priority(plan, title=item["priority"])
        for number, description in item["actions"]:
            actions.append(
                factories.action(priority, number=number, description=description, lead=person)
            )
        plans.append(plan)
    administrator = factories.user(
        username=f"{slug_prefix}-admin",
        role=Role.ADMINISTRATOR,
        organisation=organisation,
        is_staff=True,
    )
    return {
        "organisation": organisation,
        "officer": officer,
        "administrator": administrator,
        "plans": plans,
        "actions": actions,
        "board": board,
        "measure": measure,
    }


def words_of(data: dict) -> list[str]:
    words = [data["organisation"], data["person"], data["board"], data["measure"]]
    words.append(data["measure_title"])
    for plan in data["plans"]:
        words += [plan["title"], plan["priority"]]
        for number, description in plan["actions"]:
            words += [number, description]
    return words


def pages(records: dict) -> list[str]:
    """Every list, and every detail page and download of the council's own records."""
    urls = [
        reverse("plans:list"),
        reverse("plans:portfolio"),
        reverse("plans:boards"),
        reverse("actions:mine"),
        reverse("explorer:actions"),
        reverse("explorer:actions") + "?_export=csv",
        reverse("measures:list"),
        reverse("exports:measures_csv"),
        reverse("plans:board", kwargs={"pk": records["board"].pk}),
        reverse("measures:detail", kwargs={"code": records["measure"].code}),
    ]
    for plan in records["plans"]:
        for name in ("plans:detail", "plans:dashboard", "plans:exceptions", "exports:plan_csv"):
            urls.append(reverse(name, kwargs={"slug": plan.slug}))
    for action in records["actions"]:
        urls.append(reverse("actions:detail", kwargs={"pk": action.pk}))
    return urls


ADMIN_PAGES = [
    "/admin/plans/plan/",
    "/admin/actions/action/",
    "/admin/core/person/",
    "/admin/core/organisation/",
    "/admin/boards/board/",
    "/admin/measures/measure/",
    "/admin/priorities/priority/",
    "/admin/autocomplete/?app_label=actions&model_name=action&field_name=plan",
    "/admin/autocomplete/?app_label=actions&model_name=action&field_name=lead",
]


def body(response) -> str:
    return response.content.decode("utf-8-sig", "replace")


class TwoCouncilsTest(TestCase):
    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(a=council("Xa"), b=council("Yb"))
    def test_no_page_of_one_council_mentions_the_other(self, a, b):
        ours, theirs = build(a, "a"), build(b, "b")
        their_words = words_of(b)
        for user in (ours["officer"], ours["administrator"]):
            client = Client()
            client.force_login(get_user_model().objects.get(pk=user.pk))
            urls = pages(ours) + (ADMIN_PAGES if user == ours["administrator"] else [])
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
                text = body(response)
                leaked = [word for word in their_words if word in text]
                assert not leaked, f"{url} as {user.username} shows council B's {leaked}"
            for url in pages(theirs)[8:]:  # council B's own pages, by id and by slug
                assert client.get(url).status_code in (403, 404), url
        # The words are really shown to their own council (the check above is not vacuous).
        client = Client()
        client.force_login(get_user_model().objects.get(pk=theirs["officer"].pk))
        listed = body(client.get(reverse("explorer:actions")))
        assert b["plans"][0]["actions"][0][1] in listed
