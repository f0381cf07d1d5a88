"""Property: two organisations with random plans, actions, people, boards, measures, inspections
(findings, deadlines), self-evaluations and API keys; no page, download, API table or admin page a
user (or a key) of one opens ever contains a title, name or number of the other, and the other's
pages answer 403 or 404 (ADR 0012).

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

from api.tables import TABLES
from boards.models import BoardMembership
from core.roles import Role
from inspections.models import SelfEvaluation
from inspections.services import deadlines_ensure
from tests import factories
from tests.factories import api as api_f
from tests.factories import inspections as inspection_f

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
        "inspection": word(),
        "finding": word(),
        "self_evaluation": word(),
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
        numbers_used = set()
        for number, description in item["actions"]:
            if number in numbers_used:  # an action number is unique in its plan
                continue
            numbers_used.add(number)
            actions.append(
                factories.action(priority, number=number, description=description, lead=person)
            )
        plans.append(plan)
    inspection = inspection_f.inspection(organisation, plans=plans, title=data["inspection"])
    inspection_f.recommendation(inspection, text=data["finding"])
    deadlines_ensure(inspection=inspection)
    SelfEvaluation.objects.create(
        organisation=organisation, year="2024/25", know=data["self_evaluation"]
    )
    administrator = factories.user(
        username=f"{slug_prefix}-admin",
        role=Role.ADMINISTRATOR,
        organisation=organisation,
        is_staff=True,
    )
    _, key = api_f.api_key(organisations=[organisation], created_by=administrator)
    return {
        "organisation": organisation,
        "inspection": inspection,
        "key": key,
        "officer": officer,
        "administrator": administrator,
        "plans": plans,
        "actions": actions,
        "board": board,
        "measure": measure,
    }


def words_of(data: dict) -> list[str]:
    words = [data["organisation"], data["person"], data["board"], data["measure"]]
    words += [data["measure_title"], data["inspection"], data["finding"], data["self_evaluation"]]
    for plan in data["plans"]:
        words += [plan["title"], plan["priority"]]
        for number, description in plan["actions"]:
            words += [number, description]
    return words


# Every list and search, and the API's tables (pages and whole-table CSV) read with a session.
LISTS = [
    reverse("plans:list"),
    reverse("plans:portfolio"),
    reverse("plans:boards"),
    reverse("actions:mine"),
    reverse("explorer:actions"),
    reverse("explorer:actions") + "?_export=csv",
    reverse("measures:list"),
    reverse("exports:measures_csv"),
    reverse("inspections:list"),
    reverse("inspections:self_evaluations"),
    *[f"/api/v1/{table.name}/?page_size=1000" for table in TABLES],
    *[f"/api/v1/{table.name}.csv" for table in TABLES],
]


def pages(records: dict) -> list[str]:
    """Every detail page and download of the council's own records, by id and by slug."""
    urls = [
        reverse("plans:board", kwargs={"pk": records["board"].pk}),
        reverse("measures:detail", kwargs={"code": records["measure"].code}),
        reverse("inspections:detail", kwargs={"pk": records["inspection"].pk}),
    ]
    finding = records["inspection"].recommendations.get()
    urls.append(reverse("inspections:recommendation", kwargs={"pk": finding.pk}))
    for plan in records["plans"]:
        for name in (
            "plans:detail",
            "plans:dashboard",
            "plans:exceptions",
            "exports:plan_csv",
            "inspections:readiness",
        ):
            urls.append(reverse(name, kwargs={"slug": plan.slug}))
    for action in records["actions"]:
        urls.append(reverse("actions:detail", kwargs={"pk": action.pk}))
    return urls


def admin_pages(records: dict) -> list[str]:
    """Pages of the council's administrator only: managing publication, the deadline override,
    the evidence pack's form."""
    deadline = records["inspection"].deadlines.order_by("pk").first()
    return [
        reverse("publishing:manage", kwargs={"slug": records["plans"][0].slug}),
        reverse("inspections:deadline_override", kwargs={"pk": deadline.pk}),
        reverse("inspections:evidence_pack", kwargs={"pk": records["inspection"].pk}),
    ]


ADMIN_PAGES = [
    "/admin/plans/plan/",
    "/admin/actions/action/",
    "/admin/core/person/",
    "/admin/core/organisation/",
    "/admin/boards/board/",
    "/admin/measures/measure/",
    "/admin/priorities/priority/",
    "/admin/inspections/inspection/",
    "/admin/inspections/recommendation/",
    "/admin/inspections/deadline/",
    "/admin/inspections/selfevaluation/",
    "/admin/api/apikey/",
    "/admin/api/apikeyuse/",
    "/admin/publishing/publishedplan/",
    "/admin/core/auditevent/",
    "/admin/autocomplete/?app_label=actions&model_name=action&field_name=plan",
    "/admin/autocomplete/?app_label=actions&model_name=action&field_name=lead",
]


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig", "replace")


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
        # Council B's key is used, so that its use is in the log council A must not see.
        assert Client().get("/api/v1/plans/", **api_f.bearer(theirs["key"])).status_code == 200
        # The administrator first: the audit log they read records the addresses council A's
        # users typed, and the probes below type council B's ids and codes.
        for user in (ours["administrator"], ours["officer"]):
            client = Client()
            client.force_login(get_user_model().objects.get(pk=user.pk))
            urls = LISTS + pages(ours)
            if user == ours["administrator"]:
                urls += ADMIN_PAGES + admin_pages(ours)
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
                leaked = [word for word in their_words if word in body(response)]
                assert not leaked, f"{url} as {user.username} shows council B's {leaked}"
            for url in pages(theirs) + admin_pages(theirs):  # council B's, by id and by slug
                assert client.get(url).status_code in (403, 404), url
        # Council A's key reads every table and never council B's records.
        for table in TABLES:
            response = Client().get(f"/api/v1/{table.name}.csv", **api_f.bearer(ours["key"]))
            assert response.status_code == 200, table.name
            leaked = [word for word in their_words if word in body(response)]
            assert not leaked, f"{table.name} with council A's key shows council B's {leaked}"
        # The words are really shown to their own council (the check above is not vacuous).
        client = Client()
        client.force_login(get_user_model().objects.get(pk=theirs["officer"].pk))
        listed = body(client.get(reverse("explorer:actions")))
        assert b["plans"][0]["actions"][0][1] in listed
