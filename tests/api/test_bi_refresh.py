"""A Power BI-style refresh: given a scoped key, pull every table page by page (and each table
as one CSV) and get exactly the rows the permission rules allow, with two organisations; a
revoked key stops the refresh at once."""

import csv
import io

import pytest

from api import keys
from api.tables import TABLES
from tests import factories
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    alpha = api_f.council("Alpha", plans=2, actions=4, measures=2)
    beta = api_f.council("Beta", plans=2, actions=3, measures=2)
    return alpha, beta


def walk(client, url, headers, page_size=3):
    """Every row of a list, following `next` as a BI tool does."""
    rows, pages = [], 0
    next_url = f"{url}?page_size={page_size}"
    while next_url:
        response = client.get(next_url, **headers)
        assert response.status_code == 200, (next_url, response.content[:300])
        body = response.json()
        rows.extend(body["results"])
        next_url = body["next"]
        pages += 1
        assert pages < 500
    return rows


def walk_csv_pages(client, url, headers, page_size=4):
    """Every row of a list as CSV pages, following the Link header."""
    rows = []
    next_url = f"{url}?format=csv&page_size={page_size}"
    while next_url:
        response = client.get(next_url, **headers)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        rows.extend(csv.DictReader(io.StringIO(text)))
        link = response.get("Link", "")
        nexts = [part for part in link.split(",") if 'rel="next"' in part]
        next_url = nexts[0].split(";")[0].strip().strip("<>") if nexts else None
    return rows


def whole_csv(client, url, headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def expected_for(council_list):
    plan_ids = [p.pk for c in council_list for p in c.plans]
    measure_ids = [m.pk for c in council_list for m in c.measures]
    board_ids = [b.pk for c in council_list for b in c.boards]
    inspection_ids = [i.pk for c in council_list for i in c.inspections]
    return api_f.rows_for(plan_ids, measure_ids, board_ids, inspection_ids)


@pytest.mark.parametrize("who", ["alpha", "beta", "both"])
def test_a_scoped_key_pulls_exactly_the_rows_it_may_see(client, world, who):
    alpha, beta = world
    chosen = {"alpha": [alpha], "beta": [beta], "both": [alpha, beta]}[who]
    others = [c for c in (alpha, beta) if c not in chosen]
    _, raw = api_f.api_key(organisations=[c.organisation for c in chosen])
    headers = api_f.bearer(raw)
    expected = expected_for(chosen)
    for table in TABLES:
        url = f"/api/v1/{table.name}/"
        rows = walk(client, url, headers)
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids)), f"{table.name}: a row twice"
        assert ids == sorted(ids), f"{table.name}: not in a stable order"
        assert set(ids) == expected[table.name], table.name
        assert ids, table.name  # every table has rows to compare
        csv_rows = whole_csv(client, f"/api/v1/{table.name}.csv", headers)
        assert [int(r["id"]) for r in csv_rows] == ids, table.name
        if others:
            assert not set(ids) & expected_for(others)[table.name], table.name
        if table.name in ("actions", "status-updates", "measure-values"):
            paged = walk_csv_pages(client, url, headers)
            assert [int(r["id"]) for r in paged] == ids, table.name


def test_a_key_for_one_plan_sees_that_plan_only(client, world):
    alpha, beta = world
    plan = alpha.plans[0]
    _, raw = api_f.api_key(plans=[plan])
    headers = api_f.bearer(raw)
    assert [r["id"] for r in walk(client, "/api/v1/plans/", headers)] == [plan.pk]
    actions = walk(client, "/api/v1/actions/", headers)
    assert {a["plan_id"] for a in actions} == {plan.pk}
    assert len(actions) == plan.actions.count()
    measures = walk(client, "/api/v1/measures/", headers)
    assert {m["id"] for m in measures} == set(plan.measures.values_list("pk", flat=True))
    links = walk(client, "/api/v1/board-plans/", headers)
    assert [(r["board_id"], r["plan_id"]) for r in links] == [(alpha.boards[0].pk, plan.pk)]
    organisations = walk(client, "/api/v1/organisations/", headers)
    assert [o["id"] for o in organisations] == [alpha.organisation.pk]


def test_a_key_with_an_organisation_and_another_organisations_plan(client, world):
    alpha, beta = world
    _, raw = api_f.api_key(organisations=[alpha.organisation], plans=[beta.plans[1]])
    plans = {r["id"] for r in walk(client, "/api/v1/plans/", api_f.bearer(raw))}
    assert plans == {p.pk for p in alpha.plans} | {beta.plans[1].pk}


def test_filtering_on_a_plan_out_of_scope_gives_no_rows_not_an_error(client, world):
    alpha, beta = world
    _, raw = api_f.api_key(organisations=[alpha.organisation])
    for table in ("plans", "actions", "status-updates", "measure-values", "meetings"):
        response = client.get(f"/api/v1/{table}/?plan={beta.plans[0].pk}", **api_f.bearer(raw))
        assert response.status_code == 200
        assert response.json()["results"] == [], table


def test_filters_narrow_within_the_scope(client, world):
    alpha, beta = world
    _, raw = api_f.api_key(organisations=[alpha.organisation, beta.organisation])
    headers = api_f.bearer(raw)
    plan = alpha.plans[1]
    rows = client.get(f"/api/v1/status-updates/?plan={plan.pk}", **headers).json()["results"]
    assert {r["plan_id"] for r in rows} == {plan.pk} and rows
    rows = client.get(
        f"/api/v1/actions/?organisation={beta.organisation.pk}&page_size=100", **headers
    ).json()["results"]
    assert len(rows) == sum(p.actions.count() for p in beta.plans)
    rows = client.get(
        "/api/v1/measure-values/?period_from=2022-01-01&page_size=100", **headers
    ).json()["results"]
    assert rows and all(r["period_start"] >= "2022-01-01" for r in rows)
    period = plan.reporting_periods.get()
    rows = client.get(f"/api/v1/status-updates/?period={period.pk}", **headers).json()["results"]
    assert {r["period_id"] for r in rows} == {period.pk}


def test_updated_since_returns_rows_changed_since(client, world):
    from django.utils import timezone

    alpha, _ = world
    _, raw = api_f.api_key(organisations=[alpha.organisation])
    headers = api_f.bearer(raw)
    since = timezone.now()
    action = alpha.plans[0].actions.first()
    action.description = "Changed"
    action.save()
    url = f"/api/v1/actions/?updated_since={since.isoformat().replace('+00:00', 'Z')}"
    rows = client.get(url, **headers).json()["results"]
    assert [r["id"] for r in rows] == [action.pk]
    assert client.get("/api/v1/actions/?updated_since=yesterday", **headers).status_code == 400


def test_a_revoked_key_stops_a_refresh_at_once(client, world):
    alpha, _ = world
    obj, raw = api_f.api_key(organisations=[alpha.organisation])
    headers = api_f.bearer(raw)
    first = client.get("/api/v1/status-updates/?page_size=2", **headers)
    assert first.status_code == 200
    keys.api_key_revoke(key=obj, revoked_by=factories.admin_user())
    assert client.get(first.json()["next"], **headers).status_code == 401
    assert client.get("/api/v1/status-updates.csv", **headers).status_code == 401


def test_updates_waiting_for_approval_appear_only_once_approved(client, world):
    """The API shows what boards see: an update submitted for approval, or returned, is not a
    rating yet; once its plan owner approves it, it appears (and a BI refresh picks it up)."""
    from actions.models import Approval, StatusUpdate
    from actions.services import status_update_approve, status_update_return

    alpha, _ = world
    headers = api_f.bearer(api_f.api_key(organisations=[alpha.organisation])[1])
    shown = StatusUpdate.objects.filter(action__plan__in=alpha.plans)
    submitted, returned = list(shown.order_by("pk")[:2])
    StatusUpdate.objects.filter(pk__in=[submitted.pk, returned.pk]).update(
        approval=Approval.SUBMITTED, approved_at=None
    )
    owner = factories.user(is_superuser=True)
    status_update_return(update=StatusUpdate.objects.get(pk=returned.pk), user=owner, comment="No")
    ids = {r["id"] for r in walk(client, "/api/v1/status-updates/", headers)}
    assert submitted.pk not in ids and returned.pk not in ids
    assert ids == set(
        shown.exclude(pk__in=[submitted.pk, returned.pk]).values_list("pk", flat=True)
    )
    status_update_approve(update=StatusUpdate.objects.get(pk=submitted.pk), user=owner)
    ids = {r["id"] for r in walk(client, "/api/v1/status-updates/", headers)}
    assert submitted.pk in ids and returned.pk not in ids
