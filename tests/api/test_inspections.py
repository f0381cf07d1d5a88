"""Inspections and their findings in the API: who sees which (keys by organisation and by plan,
sessions as the inspection pages), and what the rows say (judgements, labels, the statutory
deadline worked out in working days, what monitoring visits said)."""

from datetime import date

import pytest

from boards.models import BoardMembership
from core.roles import Role
from inspections.models import Deadline, Inspection
from tests import factories
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db

INSPECTION_TABLES = (
    "inspections",
    "inspection-plans",
    "judgements",
    "recommendations",
    "recommendation-actions",
    "recommendation-measures",
    "visit-findings",
    "deadlines",
)


@pytest.fixture
def world():
    return api_f.council("Alpha", plans=2, actions=4), api_f.council("Beta", plans=1, actions=2)


def rows(client, table, **headers):
    response = client.get(f"/api/v1/{table}/?page_size=1000", **headers)
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def ids(client, table, **headers):
    return {r["id"] for r in rows(client, table, **headers)}


def test_a_key_for_a_plan_sees_the_inspections_that_plan_responds_to(client, world):
    alpha, beta = world
    inspection, visit, review = alpha.inspections
    _, raw = api_f.api_key(plans=[alpha.plans[1]])
    headers = api_f.bearer(raw)
    # Not the visit (it follows the first plan only) nor the review (no plan responds to it).
    assert ids(client, "inspections", **headers) == {inspection.pk}
    assert {
        (r["inspection_id"], r["plan_id"]) for r in rows(client, "inspection-plans", **headers)
    } == {(inspection.pk, alpha.plans[1].pk)}
    findings = rows(client, "recommendations", **headers)
    assert {r["inspection_id"] for r in findings} == {inspection.pk}
    assert len(findings) == inspection.recommendations.count()
    links = rows(client, "recommendation-actions", **headers)
    assert links and {r["plan_id"] for r in links} == {alpha.plans[1].pk}
    assert rows(client, "visit-findings", **headers) == []
    assert {r["inspection_id"] for r in rows(client, "deadlines", **headers)} == {inspection.pk}


def test_a_key_for_the_first_plan_also_sees_its_monitoring_visit(client, world):
    alpha, _ = world
    inspection, visit, _review = alpha.inspections
    _, raw = api_f.api_key(plans=[alpha.plans[0]])
    headers = api_f.bearer(raw)
    assert ids(client, "inspections", **headers) == {inspection.pk, visit.pk}
    said = rows(client, "visit-findings", **headers)
    assert {r["visit_id"] for r in said} == {visit.pk}
    assert {r["recommendation_id"] for r in said} == set(
        inspection.recommendations.values_list("pk", flat=True)
    )
    assert said[0]["visit_date"] == "2022-09-07"
    assert said[0]["progress_label"] == "Some progress"


def test_a_key_for_an_organisation_sees_all_its_inspections_and_none_of_another(client, world):
    alpha, beta = world
    _, raw = api_f.api_key(organisations=[beta.organisation])
    headers = api_f.bearer(raw)
    assert ids(client, "inspections", **headers) == {i.pk for i in beta.inspections}
    for table in INSPECTION_TABLES:
        for row in rows(client, table, **headers):
            assert row.get("inspection_id", row.get("visit_id")) not in {
                i.pk for i in alpha.inspections
            }, table


def test_filters_on_plan_and_organisation(client, world):
    alpha, beta = world
    _, raw = api_f.api_key(organisations=[alpha.organisation, beta.organisation])
    headers = api_f.bearer(raw)
    url = f"/api/v1/inspections/?plan={alpha.plans[0].pk}"
    found = {r["id"] for r in client.get(url, **headers).json()["results"]}
    assert found == {alpha.inspections[0].pk, alpha.inspections[1].pk}
    url = f"/api/v1/recommendations/?organisation={beta.organisation.pk}&page_size=1000"
    found = {r["inspection_id"] for r in client.get(url, **headers).json()["results"]}
    assert found == {beta.inspections[0].pk, beta.inspections[2].pk}


def test_rows_carry_grades_labels_and_the_working_day_deadline(client, world):
    alpha, _ = world
    inspection = alpha.inspections[0]
    _, raw = api_f.api_key(organisations=[alpha.organisation])
    headers = api_f.bearer(raw)
    row = next(r for r in rows(client, "inspections", **headers) if r["id"] == inspection.pk)
    assert row["overall_grade"] == "inadequate"
    assert row["kind_label"] == "Full (standard) inspection"
    assert row["url"] == inspection.get_absolute_url()
    review = next(
        r for r in rows(client, "inspections", **headers) if r["id"] == alpha.inspections[2].pk
    )
    assert review["overall_grade"] is None
    judgements = {r["area_label"]: r["grade_label"] for r in rows(client, "judgements", **headers)}
    assert judgements["Overall effectiveness"] == "Inadequate"
    assert judgements["Leadership"] == "Good"
    finding = next(r for r in rows(client, "recommendations", **headers) if r["number"] == "2")
    assert finding["label"] == "Recommendation 2"
    # 1 April 2022 + 70 working days is 15 July 2022 (the regulations' count).
    deadline = next(
        r for r in rows(client, "deadlines", **headers) if r["inspection_id"] == inspection.pk
    )
    assert deadline["basis_date"] == "2022-04-01"
    assert deadline["computed_due"] == deadline["due"] == "2022-07-15"
    assert deadline["name"] == "Written statement of action (action plan)"
    Deadline.objects.filter(pk=deadline["id"]).update(
        override_due=date(2022, 7, 22), override_reason="Agreed with Ofsted"
    )
    deadline = next(r for r in rows(client, "deadlines", **headers) if r["id"] == deadline["id"])
    assert deadline["computed_due"] == "2022-07-15"
    assert deadline["due"] == "2022-07-22"


def test_a_deadline_without_its_basis_date_has_no_due_date(client, world):
    alpha, _ = world
    inspection = alpha.inspections[0]
    Inspection.objects.filter(pk=inspection.pk).update(report_received=None)
    _, raw = api_f.api_key(organisations=[alpha.organisation])
    deadline = next(
        r
        for r in rows(client, "deadlines", **api_f.bearer(raw))
        if r["inspection_id"] == inspection.pk
    )
    assert deadline["basis_date"] is None and deadline["due"] is None


def test_the_whole_table_csv_has_every_column(client, world):
    alpha, _ = world
    _, raw = api_f.api_key(organisations=[alpha.organisation])
    response = client.get("/api/v1/deadlines.csv", **api_f.bearer(raw))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("id,inspection_id,kind,name,")
    assert "2022-07-15" in first


def test_a_board_member_reads_the_inspections_their_pages_show(client, world):
    alpha, beta = world
    user = factories.user(role=Role.BOARD_MEMBER)
    BoardMembership.objects.create(board=alpha.boards[0], person=factories.person(user=user))
    client.force_login(user)
    # The inspections the overseen plans respond to, as on the inspection pages.
    assert ids(client, "inspections") == {alpha.inspections[0].pk, alpha.inspections[1].pk}
    assert {r["inspection_id"] for r in rows(client, "recommendations")} == {
        alpha.inspections[0].pk
    }
    # A viewer reads their own council's inspections, never the other council's (ADR 0012).
    client.force_login(factories.user(role=Role.VIEWER, organisation=alpha.organisation))
    assert ids(client, "inspections") == {i.pk for i in alpha.inspections}
    assert not ids(client, "inspections") & {i.pk for i in beta.inspections}
    client.force_login(factories.user())
    for table in INSPECTION_TABLES:
        assert rows(client, table) == [], table
