"""The inspection pages: what they show, who may use them, forms and their errors, structure
for assistive technology (labels, headings, captions), and fixed query counts."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import BoardMembership
from core.models import AuditEvent
from core.roles import Role
from inspections.models import Deadline, Inspection, Recommendation, VisitFinding
from inspections.services import deadlines_ensure
from tests import factories
from tests.factories import inspections as ifac
from tests.factories.boards import add_measure, london, rate
from tests.factories.jobs import download, job_of

pytestmark = pytest.mark.django_db

# Pinned (measured: 16, 23, 12, 19, 4), each with room for the 3 queries of the session's
# activity clock, written at most once a minute.
PAGE_QUERIES = {"inspection": 19, "visit": 26, "finding": 15, "readiness": 22, "list": 7}


def scenario():
    plan = factories.plan(title="Improvement plan")
    priority = factories.priority(plan)
    red = factories.action(priority, timescale_text="May 23", description="Practice standards")
    done = factories.action(priority, description="Supervision policy")
    rate(red, "red", london(2023, 6, 1, 10))
    rate(done, "complete", london(2023, 6, 1, 10))
    insp = ifac.inspection(
        organisation=plan.organisation, plans=[plan], findings=2, report_received=date(2022, 4, 1)
    )
    deadlines_ensure(inspection=insp)
    first = insp.recommendations.get(number="1")
    ifac.link(first, red, done)
    first.measures.add(add_measure(plan, values=[(2021, "40"), (2022, "35")], target="50"))
    return plan, insp, first, red


def assert_accessible_structure(html: str):
    """Server-side checks in place of a browser: one h1, no skipped heading levels, every table
    captioned, every input labelled."""
    assert len(re.findall(r"<h1[ >]", html)) == 1
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading level skipped: h{before} then h{after}"
    assert html.count("<table") == html.count("<caption")
    main = html.split('id="main-content"', 1)[1]
    for input_id in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', main):
        if f'for="{input_id}"' not in main:
            raise AssertionError(f"input {input_id} has no label")


def test_inspection_page_shows_deadlines_with_days_left_findings_and_progress(admin_client):
    plan, insp, first, red = scenario()
    response = admin_client.get(insp.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "15 July 2022" in html and "18 May 2022" in html  # 70 and 30 working days
    assert "working days late" in html
    assert "Progress on each finding of this inspection" in html
    assert "Recommendation 1" in html and "No action answers it" in html  # finding 2
    assert reverse("inspections:deadline_override", args=[insp.deadlines.first().pk]) in html
    assert_accessible_structure(html)


def pages_of(plan, insp, visit, first):
    return {
        "inspection": insp.get_absolute_url(),
        "visit": visit.get_absolute_url(),
        "finding": first.get_absolute_url(),
        "readiness": reverse("inspections:readiness", args=[plan.slug]),
        "list": reverse("inspections:list"),
    }


def page_counts(client, extra_findings: int) -> dict[str, int]:
    plan, insp, first, red = scenario()
    for n in range(3, 3 + extra_findings):
        rec = ifac.recommendation(insp, number=str(n))
        ifac.link(rec, *[factories.action(factories.priority(plan)) for _ in range(3)])
    visit = ifac.inspection(
        organisation=plan.organisation,
        kind=Inspection.Kind.MONITORING,
        follows=insp,
        on_site_start=date(2023, 5, 1),
        on_site_end=date(2023, 5, 2),
    )
    VisitFinding.objects.create(visit=visit, recommendation=first, said="Said")
    client.get(reverse("inspections:list"))  # the session's activity clock is written now
    counts = {}
    for name, url in pages_of(plan, insp, visit, first).items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


def test_inspection_pages_run_a_fixed_number_of_queries(admin_client):
    small = page_counts(admin_client, 0)
    large = page_counts(admin_client, 12)
    assert small == large
    for name, limit in PAGE_QUERIES.items():
        assert large[name] <= limit, (name, large[name])


def test_recommendation_page_lists_actions_measures_and_comparators(admin_client):
    plan, insp, first, red = scenario()
    html = admin_client.get(first.get_absolute_url()).content.decode()
    assert "Practice standards" in html and "Supervision policy" in html
    assert "Overdue" in html and "Off target" in html
    assert_accessible_structure(html)


def test_an_administrator_links_actions_to_a_finding(admin_client):
    plan, insp, first, red = scenario()
    second = insp.recommendations.get(number="2")
    url = reverse("inspections:recommendation_actions", args=[second.pk])
    html = admin_client.get(url).content.decode()
    assert "Practice standards" in html
    assert_accessible_structure(html)
    response = admin_client.post(url, {"actions": [red.pk]})
    assert response.status_code == 302
    assert list(second.actions.all()) == [red]
    assert second.action_links.get().created_by is not None


def test_an_officer_links_their_own_action_but_not_anothers(client):
    plan, insp, first, red = scenario()
    officer = factories.officer()
    red.lead = officer.person
    red.save()
    other = factories.action(factories.priority(plan))
    client.force_login(officer)
    url = reverse("inspections:action_recommendations", args=[red.pk])
    assert client.get(url).status_code == 200
    second = insp.recommendations.get(number="2")
    assert client.post(url, {"recommendations": [second.pk]}).status_code == 302
    assert set(red.recommendations.values_list("number", flat=True)) == {"2"}
    forbidden = reverse("inspections:action_recommendations", args=[other.pk])
    assert client.get(forbidden).status_code == 403


def test_override_a_deadline_needs_a_reason_shown_in_an_error_summary(admin_client):
    plan, insp, first, red = scenario()
    deadline = insp.deadlines.get(kind=Deadline.Kind.ACTION_PLAN)
    url = reverse("inspections:deadline_override", args=[deadline.pk])
    response = admin_client.post(url, {"due": "29/07/2022", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'href="#id_reason"' in html
    assert_accessible_structure(html)
    response = admin_client.post(url, {"due": "29/07/2022", "reason": "Extension agreed"})
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.due == date(2022, 7, 29)
    html = admin_client.get(insp.get_absolute_url()).content.decode()
    assert "Changed from 15 July 2022" in html and "Extension agreed" in html


def test_board_members_see_inspections_of_their_plans_only(client):
    plan, insp, first, red = scenario()
    other = ifac.inspection(findings=1)
    board = factories.board()
    board.plans.add(plan)
    member = factories.user(role=Role.BOARD_MEMBER)
    BoardMembership.objects.create(board=board, person=factories.person(user=member))
    client.force_login(member)
    listing = client.get(reverse("inspections:list")).content.decode()
    assert insp.get_absolute_url() in listing and other.get_absolute_url() not in listing
    assert client.get(insp.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 403
    assert client.get(other.recommendations.get().get_absolute_url()).status_code == 403
    assert client.get(reverse("inspections:evidence_pack", args=[insp.pk])).status_code == 403
    assert "Inspections" in client.get(reverse("plans:portfolio")).content.decode()


def test_readiness_lists_what_an_inspector_would_challenge_first(admin_client):
    plan, insp, first, red = scenario()
    html = admin_client.get(reverse("inspections:readiness", args=[plan.slug])).content.decode()
    assert "Practice standards" in html  # red and overdue
    assert "Supervision policy" in html  # complete without evidence
    assert "Recommendation 2" in html  # no action
    assert "Off target" in html
    assert_accessible_structure(html)


def test_a_monitoring_visit_shows_what_was_said_last_time_and_what_changed(admin_client):
    plan, insp, first, red = scenario()
    visit1 = ifac.inspection(
        organisation=plan.organisation,
        kind=Inspection.Kind.MONITORING,
        title="First monitoring visit",
        follows=insp,
        on_site_start=date(2023, 5, 10),
        on_site_end=date(2023, 5, 11),
        report_received=None,
    )
    VisitFinding.objects.create(
        visit=visit1, recommendation=first, progress="insufficient", said="Standards not embedded"
    )
    visit2 = ifac.inspection(
        organisation=plan.organisation,
        kind=Inspection.Kind.MONITORING,
        title="Second monitoring visit",
        follows=insp,
        on_site_start=date(2023, 8, 9),
        on_site_end=date(2023, 8, 10),
        report_received=None,
    )
    VisitFinding.objects.create(
        visit=visit2, recommendation=first, progress="some", said="Audits show progress"
    )
    html = admin_client.get(visit2.get_absolute_url()).content.decode()
    assert "What was said last time and what has changed since" in html
    assert "Standards not embedded" in html and "Audits show progress" in html
    assert "11 May 2023" in html  # changes counted since the previous visit
    # Both actions were first rated on 1 June 2023, after the first visit.
    assert 'Not started</span> to <span class="app-rag app-rag--red">Red' in html
    assert_accessible_structure(html)


def test_the_administrator_records_an_inspection_with_findings_in_the_admin(admin_client):
    org = factories.organisation()
    plan = factories.plan(organisation=org)
    data = {
        "organisation": org.pk,
        "kind": "focused",
        "title": "Focused visit: the front door",
        "inspectorate": "Ofsted",
        "plans": [plan.pk],
        "on_site_start": "2022-03-01",
        "on_site_end": "2022-03-02",
        "report_received": "2022-04-01",
        "published": "",
        "adviser": "",
        "report_url": "",
        "summary": "",
        "action_tag_prefix": "",
        "illustrative_note": "",
    }
    for prefix, rows in {
        "judgements": [],
        "recommendations": [
            {"kind": "priority_action", "number": "1", "order": "1", "text": "Strengthen X."},
            {"kind": "recommendation", "number": "1", "order": "2", "text": "Improve Y."},
        ],
        "deadlines": [],
        "visit_findings": [],
    }.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    response = admin_client.post(reverse("admin:inspections_inspection_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    insp = Inspection.objects.get(title="Focused visit: the front door")
    assert insp.recommendations.count() == 2
    due = {d.kind: d.due for d in insp.deadlines.all()}
    assert due == {"early_draft": date(2022, 5, 4), "action_plan": date(2022, 7, 15)}
    assert Recommendation.objects.filter(kind="priority_action").count() == 1


def test_self_evaluation_pages_and_pdf(admin_client, django_capture_on_commit_callbacks):
    from inspections.models import SelfEvaluation

    sef = SelfEvaluation.objects.create(
        organisation=factories.organisation(), year="2024/25", know="We know our front door."
    )
    sef.know = "We know our front door well."
    sef.save()
    html = admin_client.get(sef.get_absolute_url()).content.decode()
    assert "We know our front door well." in html and html.count("govuk-table__row") >= 3
    assert_accessible_structure(html)
    url = reverse("inspections:self_evaluation_pdf", args=[sef.pk])
    assert url in html
    offer = admin_client.get(url).content.decode()
    assert "Prepare the PDF" in offer and f'action="{url}"' in offer
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = admin_client.post(url)
    job = job_of(started)
    assert job.label == "Self-evaluation PDF"
    response = download(admin_client, job)
    assert response.status_code == 200 and response.body.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="self-evaluation-2024-25' in response["Content-Disposition"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.detail["self_evaluation"] == sef.pk and event.detail["job"] == job.pk


def test_an_override_in_the_admin_records_who_and_needs_a_reason(admin_client):
    plan, insp, first, red = scenario()
    deadline = insp.deadlines.get(kind=Deadline.Kind.ACTION_PLAN)
    url = reverse("admin:inspections_deadline_change", args=[deadline.pk])
    data = {
        "inspection": insp.pk,
        "kind": deadline.kind,
        "label": "",
        "basis": deadline.basis,
        "working_days": "70",
        "source": deadline.source,
        "override_due": "2022-07-29",
        "override_reason": "",
        "met_on": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    data["override_reason"] = "Extension agreed with Ofsted"
    assert admin_client.post(url, data).status_code == 302
    deadline.refresh_from_db()
    assert deadline.due == date(2022, 7, 29) and deadline.overridden_by is not None
    assert deadline.history.first().history_change_reason == "Extension agreed with Ofsted"
