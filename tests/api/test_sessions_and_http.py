"""The API with the pages' sessions (the same rules as the pages), and its HTTP behaviour:
ETag and Last-Modified with 304s, caching headers, CSV details, and a fixed number of queries
whatever the page size or the amount of data."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from api.tables import TABLES
from boards.models import BoardMembership
from core.roles import Role
from tests import factories
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return api_f.council("Alpha", plans=1), api_f.council("Beta", plans=1)


def ids(client, table, **headers):
    response = client.get(f"/api/v1/{table}/?page_size=1000", **headers)
    assert response.status_code == 200
    return {r["id"] for r in response.json()["results"]}


def test_a_board_member_reads_what_their_pages_show(client, world):
    alpha, beta = world
    user = factories.user(role=Role.BOARD_MEMBER)
    person = factories.person(user=user)
    BoardMembership.objects.create(board=alpha.boards[0], person=person)
    client.force_login(user)
    assert ids(client, "plans") == {p.pk for p in alpha.plans}
    assert ids(client, "boards") == {alpha.boards[0].pk}
    assert ids(client, "measures") == {m.pk for m in alpha.measures}
    actions = client.get("/api/v1/actions/?page_size=1000").json()["results"]
    assert {a["plan_id"] for a in actions} == {p.pk for p in alpha.plans}


def test_a_viewer_reads_their_organisations_plans_only(client, world):
    """Organisations are the boundary (ADR 0012): a viewer of Alpha reads Alpha's plan, and
    nothing of Beta in any table; a superuser reads both."""
    alpha, beta = world
    client.force_login(factories.user(role=Role.VIEWER, organisation=alpha.organisation))
    assert ids(client, "plans") == {p.pk for p in alpha.plans}
    assert ids(client, "organisations") == {alpha.organisation.pk}
    assert ids(client, "measures") == {m.pk for m in alpha.measures}
    assert not ids(client, "boards") & {b.pk for b in beta.boards}
    assert not ids(client, "population-estimates") & set(
        beta.measures[0].values.exclude(population=None).values_list("population_id", flat=True)
    )
    client.force_login(factories.admin_user())
    assert ids(client, "plans") == {p.pk for c in world for p in c.plans}


def test_a_signed_in_user_without_a_role_sees_nothing(client, world):
    client.force_login(factories.user())
    for table in ("plans", "actions", "measures", "boards", "organisations"):
        assert ids(client, table) == set(), table


def test_a_session_may_not_write(client, world):
    client.force_login(factories.admin_user())
    response = client.post(
        "/api/v1/measure-values/", {"values": []}, "application/json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert response.status_code == 403


# Conditional requests --------------------------------------------------------------------------


def test_etag_gives_304_when_nothing_changed(client, world):
    _, raw = api_f.api_key(organisations=[world[0].organisation])
    headers = api_f.bearer(raw)
    first = client.get("/api/v1/actions/", **headers)
    etag = first["ETag"]
    again = client.get("/api/v1/actions/", HTTP_IF_NONE_MATCH=etag, **headers)
    assert again.status_code == 304
    assert again.content == b""
    action = world[0].plans[0].actions.first()
    action.description = "Changed"
    action.save()
    changed = client.get("/api/v1/actions/", HTTP_IF_NONE_MATCH=etag, **headers)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_last_modified_is_the_latest_change_on_the_page(client, world):
    _, raw = api_f.api_key(organisations=[world[0].organisation])
    headers = api_f.bearer(raw)
    response = client.get("/api/v1/actions/", **headers)
    latest = max(a.updated_at for a in world[0].plans[0].actions.all())
    assert response["Last-Modified"] == http_date(int(latest.timestamp()))
    later = http_date(int((timezone.now() + timedelta(minutes=1)).timestamp()))
    assert (
        client.get("/api/v1/actions/", HTTP_IF_MODIFIED_SINCE=later, **headers).status_code == 304
    )
    earlier = http_date(int((latest - timedelta(days=1)).timestamp()))
    assert (
        client.get("/api/v1/actions/", HTTP_IF_MODIFIED_SINCE=earlier, **headers).status_code == 200
    )


def test_every_list_has_an_etag_and_private_caching(client, world):
    _, raw = api_f.api_key(organisations=[world[0].organisation])
    for table in TABLES:
        response = client.get(f"/api/v1/{table.name}/", **api_f.bearer(raw))
        assert response.has_header("ETag"), table.name
        assert response["Cache-Control"] == "private, no-cache"
        assert "Authorization" in response["Vary"]
        if table.modified:
            assert response.has_header("Last-Modified"), table.name


# CSV -----------------------------------------------------------------------------------------


def test_csv_is_excel_friendly_and_neutralises_formulas(client, world):
    action = world[0].plans[0].actions.first()
    action.description = '=HYPERLINK("http://evil")'
    action.save()
    _, raw = api_f.api_key(organisations=[world[0].organisation])
    response = client.get("/api/v1/actions/?format=csv", **api_f.bearer(raw))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffid,plan_id,")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    row = next(r for r in rows if int(r["id"]) == action.pk)
    assert row["description"] == '\'=HYPERLINK("http://evil")'
    assert row["overdue"] in ("true", "false")
    assert row["created_at"].endswith("Z")
    values = client.get("/api/v1/measure-values.csv", **api_f.bearer(raw))
    text = b"".join(values.streaming_content).decode("utf-8-sig")
    first = next(csv.DictReader(io.StringIO(text)))
    assert first["value"] in ("454", "141.1")  # no trailing zeros


def test_csv_by_accept_header(client, world):
    _, raw = api_f.api_key(organisations=[world[0].organisation])
    response = client.get("/api/v1/plans/", HTTP_ACCEPT="text/csv", **api_f.bearer(raw))
    assert response["Content-Type"].startswith("text/csv")


def test_csv_errors_are_csv_too(client, world):
    response = client.get("/api/v1/plans.csv")
    assert response.status_code == 401
    assert response.content.decode("utf-8-sig").startswith("detail")


# Queries ------------------------------------------------------------------------------------


def _queries(client, django_assert_max_num_queries, url, headers, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url, **headers)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


# With a key: find the key, count its uses this minute (rate limit), the page, log the use,
# note when it was last used. Not one more for a bigger page or more data.
KEY_QUERIES = 5


@pytest.mark.parametrize("size", ["small", "large"])
def test_every_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    scale = {"small": (1, 2, 1), "large": (3, 12, 3)}[size]
    councils = [
        api_f.council(name, plans=scale[0], actions=scale[1], measures=scale[2])
        for name in ("Alpha", "Beta")
    ]
    _, raw = api_f.api_key(organisations=[c.organisation for c in councils])
    headers = api_f.bearer(raw)
    for table in TABLES:
        for page_size in (2, 1000):
            url = f"/api/v1/{table.name}/?page_size={page_size}"
            _queries(client, django_assert_max_num_queries, url, headers, KEY_QUERIES)
        _queries(
            client,
            django_assert_max_num_queries,
            f"/api/v1/{table.name}.csv",
            headers,
            KEY_QUERIES + 1,  # and the number of rows sent, written to the log at the end
        )


def test_a_session_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    api_f.council("Alpha", plans=2, actions=5)
    client.force_login(factories.admin_user())
    for table in TABLES:
        # session, user, roles, the page
        _queries(client, django_assert_max_num_queries, f"/api/v1/{table.name}/", {}, 5)


def test_a_hostile_page_size_is_clamped_never_an_error(client):
    """Issue 18: the API's page size is bounded like the pages' (``api.pagination``): not a
    positive whole number gives the default page size, more than the most gives the most."""
    from urllib.parse import urlencode

    from actions.models import Action
    from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

    council = api_f.council("Alpha", plans=1, actions=0, measures=0)
    plan = council.plans[0]
    priority = plan.priorities.first()
    Action.objects.bulk_create(
        Action(plan=plan, priority=priority, description=f"Action {n}", number=f"9.{n}")
        for n in range(MAX_PAGE_SIZE + 5)
    )
    _, raw = api_f.api_key(organisations=[council.organisation])
    cases = {
        **dict.fromkeys(["-1", "0", "abc", "1e40", "1.5", " ", "日本"], DEFAULT_PAGE_SIZE),
        **dict.fromkeys(["9" * 30, str(MAX_PAGE_SIZE + 1), str(2**63)], MAX_PAGE_SIZE),
        "3": 3,
    }
    for value, expected in cases.items():
        query = urlencode({"page_size": value})
        response = client.get(f"/api/v1/actions/?{query}", **api_f.bearer(raw))
        assert response.status_code == 200, value
        assert len(response.json()["results"]) == expected, value
    # a control character in any parameter is refused with a 400 (config.middleware)
    refused = client.get("/api/v1/actions/?page_size=%00", **api_f.bearer(raw))
    assert refused.status_code == 400 and "NUL" in refused.json()["detail"]  # JSON, as documented


@pytest.mark.parametrize(
    "query",
    ["cursor=%00", "cursor=-1", "cursor=" + "9" * 300, "plan=-1", "plan=1e40", "plan=%00",
     "updated_since=31/02/2024", "period_from=99999999-01-01", "format=%00"],
)  # fmt: skip
def test_hostile_api_parameters_are_refused_clearly_never_a_500(client, query):
    council = api_f.council("Alpha", plans=1, actions=1, measures=0)
    _, raw = api_f.api_key(organisations=[council.organisation])
    for table in ("actions", "measure-values"):
        response = client.get(f"/api/v1/{table}/?{query}", **api_f.bearer(raw))
        assert response.status_code in (200, 400, 404), (table, query, response.status_code)
