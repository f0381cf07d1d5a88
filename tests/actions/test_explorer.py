"""The actions explorer: actions across the plans a user may see, filtered, sorted and paged in a
GOV.UK table, downloaded as .csv or .xlsx (the filtered rows, formulas neutralised, every
download in the audit log), in a fixed number of queries."""

import csv
import io
import re
from datetime import date, timedelta
from html import escape
from urllib.parse import urlencode

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.models import Action, Tag
from actions.services import status_update_record
from boards.models import BoardMembership
from core.models import AuditEvent, Job
from core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("explorer:actions")


def rate(action, rating):
    lifecycle = {"complete": "complete", "not_started": "not_started"}.get(rating, "in_progress")
    confidence = rating if lifecycle == "in_progress" else ""
    status_update_record(action=action, lifecycle=lifecycle, confidence=confidence)


@pytest.fixture
def viewer_user():
    return factories.user(role="Viewers")


@pytest.fixture
def viewer(client, viewer_user):
    client.force_login(viewer_user)
    return client


@pytest.fixture
def world(viewer_user):
    """Two plans of two organisations the viewer belongs to, with actions of every kind the
    filters tell apart."""
    today = timezone.localdate()
    stockton = factories.organisation(name="Stockton")
    factories.member(viewer_user, stockton)
    police = factories.organisation(name="Cleveland Police")
    plan_a = factories.plan(title="Improvement Plan", organisation=stockton)
    plan_b = factories.plan(title="Other Strategy")
    people = factories.priority(plan_a, number="1", title="Our People")
    practice = factories.priority(plan_a, number="2", title="Our Practice")
    other_priority = factories.priority(plan_b, number="1", title="Elsewhere")
    jane = factories.person(name="Jane Smith")
    ofsted = Tag.objects.create(name="Ofsted Improvement Action 3")
    a = {
        "overdue_red": factories.action(
            people,
            description="Recruit permanent social workers",
            lead=jane,
            timescale_text=f"{(today - timedelta(days=40)):%d/%m/%Y}",
        ),
        "future_green": factories.action(
            people,
            description="Review supervision",
            success_criteria="Audits show monthly supervision",
            timescale_text=f"{(today + timedelta(days=60)):%d/%m/%Y}",
        ),
        "ongoing": factories.action(
            practice, description="Embed practice model", timescale_text="Ongoing"
        ),
        "unread": factories.action(
            practice,
            description="Partnership work",
            timescale_text="when funding allows",
            lead_text="DCS and key partner agencies",
        ),
        "complete_past": factories.action(
            practice,
            description="Publish the plan",
            timescale_text=f"{(today - timedelta(days=90)):%d/%m/%Y}",
        ),
        "other_plan": factories.action(other_priority, description="Elsewhere work"),
    }
    rate(a["overdue_red"], "red")
    rate(a["future_green"], "green")
    rate(a["ongoing"], "amber")
    rate(a["complete_past"], "complete")
    a["overdue_red"].tags.add(ofsted)
    a["unread"].partners.add(police)
    for action in a.values():
        action.refresh_from_db()
    return {
        "actions": a,
        "plan_a": plan_a,
        "plan_b": plan_b,
        "practice": practice,
        "jane": jane,
        "tag": ofsted,
        "stockton": stockton,
        "police": police,
        "today": today,
    }


def shown(response) -> set[str]:
    """The descriptions of the actions listed on the page."""
    html = response.content.decode()
    body = html[html.index('<tbody class="govuk-table__body">') : html.index("</tbody>")]
    return {
        d
        for d in Action.objects.values_list("description", flat=True)
        if re.search(rf'<td class="govuk-table__cell"[^>]*>{re.escape(d)}', body)
    }


def names(world, *keys):
    return {world["actions"][k].description for k in keys}


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, {"overdue_red", "future_green", "ongoing", "unread", "complete_past", "other_plan"}),
        ({"plan": "plan_a"}, {"overdue_red", "future_green", "ongoing", "unread", "complete_past"}),
        ({"priority": "practice"}, {"ongoing", "unread", "complete_past"}),
        ({"lead": "jane"}, {"overdue_red"}),
        ({"organisation": "police"}, {"unread"}),  # a partner on the action
        (
            {"organisation": "stockton"},
            {"overdue_red", "future_green", "ongoing", "unread", "complete_past"},
        ),
        ({"rating": ["red", "amber"]}, {"overdue_red", "ongoing"}),
        ({"rating": "complete"}, {"complete_past"}),
        ({"overdue": "yes"}, {"overdue_red"}),  # never ongoing, unread or complete
        ({"overdue": "no"}, {"future_green", "ongoing", "unread", "complete_past", "other_plan"}),
        ({"overdue": "unread"}, {"unread"}),
        ({"tag": "tag"}, {"overdue_red"}),
        ({"q": "supervision monthly"}, {"future_green"}),  # description and success criteria
        ({"q": "jane"}, {"overdue_red"}),  # the lead's name
        ({"q": "partner agencies"}, {"unread"}),  # the lead as written
    ],
)
def test_filters(viewer, world, params, expected):
    query = {}
    for key, value in params.items():
        if key in ("plan", "priority", "lead", "organisation", "tag"):
            query[key] = world[value].pk
        else:
            query[key] = value
    response = viewer.get(URL, query)
    assert response.status_code == 200
    assert shown(response) == names(world, *expected)


def test_filter_by_number_search(viewer, world):
    action = world["actions"]["future_green"]
    response = viewer.get(URL, {"q": action.number, "plan": world["plan_a"].pk})
    assert action.description in shown(response)


def test_filter_due_between_dates(viewer, world):
    today = world["today"]
    response = viewer.get(
        URL,
        {
            "due_from": f"{today - timedelta(days=50):%d/%m/%Y}",
            "due_to": f"{today:%d/%m/%Y}",
        },
    )
    assert shown(response) == names(world, "overdue_red")


def test_bad_dates_are_explained_and_the_typed_text_kept(viewer, world):
    response = viewer.get(URL, {"due_from": "31/2/2024", "due_to": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Enter a real date, for example 31/3/2024." in html
    assert 'value="31/2/2024"' in html
    response = viewer.get(URL, {"due_from": "1/5/2024", "due_to": "1/4/2024"})
    assert "The second date must be the same as or after the first." in response.content.decode()


def test_board_member_sees_only_the_plans_of_their_boards(client, world):
    member = factories.user(role=Role.BOARD_MEMBER)
    person = factories.person(user=member)
    board = factories.board()
    board.plans.add(world["plan_a"])
    BoardMembership.objects.create(board=board, person=person)
    client.force_login(member)
    response = client.get(URL)
    assert shown(response) == names(
        world, "overdue_red", "future_green", "ongoing", "unread", "complete_past"
    )
    html = response.content.decode()
    assert "Other Strategy" not in html  # not even in the plan filter's choices
    # Asking for the other plan's id is refused as a filter, not answered.
    response = client.get(URL, {"plan": world["plan_b"].pk})
    assert "Choose a plan from the list." in response.content.decode()
    csv_rows = list(csv.reader(io.StringIO(client.get(URL, {"_export": "csv"}).content.decode())))
    assert "Elsewhere work" not in {r[6] for r in csv_rows}


def test_table_is_govuk_with_caption_scoped_headers_and_rag_words(viewer, world):
    html = viewer.get(URL).content.decode()
    assert '<caption class="govuk-table__caption govuk-table__caption--m">6 actions' in html
    assert html.count('<th scope="col" class="govuk-table__header') == 8
    assert '<th scope="row" class="govuk-table__header"' in html  # the number heads its row
    assert 'class="app-rag app-rag--red">Red</span>' in html
    assert '<strong class="app-flag">Overdue</strong>' in html
    assert "Timescale not understood" in html  # never shown as on time
    assert "What the ratings mean" in html


def test_sorting_by_rating_puts_reds_first_and_marks_the_sorted_column(viewer, world):
    html = viewer.get(URL, {"sort": "rating"}).content.decode()
    order = [m for m in re.findall(r"app-rag--(\w+)", html[html.index("<tbody") :])]
    assert order[0] == "red" and order[1] == "amber" and order[-1] == "complete"
    header = re.search(r'<th scope="col" [^>]*aria-sort="ascending"[^>]*>\s*<a[^>]*>RAG', html)
    assert header, "the sorted column carries aria-sort"
    assert 'aria-sort="none"' in html  # other sortable columns
    assert "sort=-rating" in html  # the link to sort the other way
    descending = viewer.get(URL, {"sort": "-rating"}).content.decode()
    order = re.findall(r"app-rag--(\w+)", descending[descending.index("<tbody") :])
    assert order[0] == "complete" and 'aria-sort="descending"' in descending


@pytest.mark.parametrize(
    "sort", ["number", "plan", "priority", "lead", "-lead", "timescale", "-timescale"]
)
def test_every_sortable_column_sorts(viewer, world, sort):
    response = viewer.get(URL, {"sort": sort})
    assert response.status_code == 200 and len(shown(response)) == 6


def test_sorting_by_timescale_puts_undated_last(viewer, world):
    html = viewer.get(URL, {"sort": "timescale"}).content.decode()
    body = html[html.index("<tbody") :]
    first_overdue = body.index(world["actions"]["overdue_red"].description)
    ongoing = body.index(world["actions"]["ongoing"].description)
    assert first_overdue < ongoing


def build_actions(n: int):
    plan = factories.plan()
    priorities = [factories.priority(plan) for _ in range(3)]
    lead = factories.person()
    tag = Tag.objects.create(name=f"Tag {plan.pk}")
    for i in range(n):
        a = factories.action(priorities[i % 3], lead=lead, timescale_text="May 23")
        a.tags.add(tag)
        rate(a, ["red", "amber", "green", "complete"][i % 4])
    return plan


def test_pagination_uses_the_govuk_component_and_keeps_filters(viewer):
    plan = build_actions(60)
    html = viewer.get(URL, {"plan": plan.pk, "sort": "rating", "page": 2}).content.decode()
    assert '<nav class="govuk-pagination"' in html
    assert 'govuk-pagination__item--current"><a class="govuk-link govuk-pagination__link" ' in html
    assert 'aria-current="page">2</a>' in html
    assert "Showing 26 to 50 of 60" in html
    assert f"plan={plan.pk}" in html and 'rel="next"' in html and 'rel="prev"' in html
    # sorting starts again at page 1
    header_links = re.findall(r'class="govuk-link app-sort-link" href="([^"]+)"', html)
    assert header_links and all("page=" not in link for link in header_links)


@pytest.mark.parametrize("n", [4, 120])
def test_explorer_runs_a_fixed_number_of_queries(n, viewer, django_assert_max_num_queries):
    build_actions(n)
    viewer.get(URL)  # warm up: the session is written once
    with django_assert_max_num_queries(13):
        assert viewer.get(URL, {"sort": "rating", "q": "Action"}).status_code == 200
    with django_assert_max_num_queries(8):
        response = viewer.get(URL, {"_export": "csv"})
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == n + 1
    with django_assert_max_num_queries(8):
        assert viewer.get(URL, {"_export": "xlsx"}).status_code == 200


# Downloads ------------------------------------------------------------------------------------


def test_csv_download_has_the_filtered_rows_neutralised_and_is_audited(client, world):
    user = factories.user(role="Viewers", organisation=world["stockton"])
    client.force_login(user)
    danger = world["actions"]["future_green"]
    danger.description = '=HYPERLINK("http://evil.example","click")'
    danger.save()
    response = client.get(URL, {"plan": world["plan_a"].pk, "rating": "green", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="actions-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Plan", "Organisation", "Priority"]
    assert len(rows) == 2  # only the filtered row
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Action"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["RAG rating"] == "Green" and row["Plan"] == "Improvement Plan"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.user == user and event.detail["format"] == "csv" and event.detail["rows"] == 1
    assert event.detail["filters"] == {"plan": str(world["plan_a"].pk), "rating": ["green"]}


def test_xlsx_download_keeps_text_as_text_with_the_rag_word_and_is_audited(client, world):
    client.force_login(factories.user(role="Viewers", organisation=world["stockton"]))
    danger = world["actions"]["overdue_red"]
    danger.description = "=1+2"
    danger.save()
    response = client.get(URL, {"overdue": "yes", "_export": "xlsx"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Actions"]
    header = [c.value for c in ws[1]]
    values = [c for c in ws[2]]
    row = dict(zip(header, values, strict=True))
    assert ws.max_row == 2
    assert row["Action"].value == "'=1+2" and row["Action"].data_type == "s"
    assert row["RAG rating"].value == "Red" and row["Overdue"].value == "Overdue"
    assert row["Due date"].value.date() < date.today()
    assert row["Tags"].value == "Ofsted Improvement Action 3"
    assert "What the ratings mean" in wb.sheetnames
    key = [[c.value for c in r] for r in wb["What the ratings mean"].iter_rows(min_row=2)]
    assert ["Stockton", "Red", key[0][2]] == key[0] and key[0][2]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.detail == {"filters": {"overdue": "yes"}, "format": "xlsx", "rows": 1}


def test_download_with_bad_filters_goes_back_to_the_page_to_show_the_errors(viewer, world):
    response = viewer.get(URL, {"due_from": "not a date", "_export": "csv"})
    assert response.status_code == 302 and "_export" not in response["Location"]
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_download_links_keep_the_filters(viewer, world):
    html = viewer.get(URL, {"rating": "red", "sort": "rating", "page": 1}).content.decode()
    assert "?rating=red&amp;sort=rating&amp;_export=csv" in html
    assert "?rating=red&amp;sort=rating&amp;_export=xlsx" in html


def test_user_text_in_the_explorer_is_escaped(viewer, world):
    action = world["actions"]["ongoing"]
    action.description = "<script>alert(1)</script>"
    action.save()
    html = viewer.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# Large downloads, prepared in the background (issue 16) -------------------------------------


def test_a_large_download_is_prepared_by_a_job_with_the_filters_and_sort_shown(
    client, world, settings
):
    user = factories.user(role="Viewers", organisation=world["stockton"])
    client.force_login(user)
    query = {"plan": world["plan_a"].pk, "sort": "-number", "_export": "csv"}
    inline = client.get(URL, query)  # five rows: within the default budget, made at once
    assert inline["Content-Type"].startswith("text/csv")
    settings.INLINE_EXPORT_MAX_ACTIONS = 4
    offer = client.get(URL, query)
    html = offer.content.decode()
    assert offer.status_code == 200 and "Download 5 actions as CSV" in html
    address = f"{URL}?{urlencode(query)}"
    assert f'action="{escape(address)}"' in html and 'method="post"' in html
    exports = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT)
    assert not Job.objects.exists() and exports.count() == 1  # the file made at once, above
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(address)
    job = Job.objects.get(kind=Job.Kind.EXPLORER_EXPORT)
    assert response.status_code == 302 and response["Location"] == reverse(
        "job_detail", args=[job.pk]
    )
    assert job.status == Job.Status.SUCCEEDED and job.outcome.endswith("5 actions as .csv.")
    assert job.parameters["query"] == f"plan={world['plan_a'].pk}&sort=-number"
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert f'href="{escape(URL + "?" + job.parameters["query"])}"' in page
    made = b"".join(client.get(reverse("job_download", args=[job.pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(made.decode("utf-8-sig"))))
    expected = list(csv.reader(io.StringIO(inline.content.decode("utf-8-sig"))))
    link = rows[0].index("Link")
    assert [r[:link] for r in rows] == [r[:link] for r in expected] and len(rows) == 6
    assert all(r[link].startswith(settings.SITE_URL.rstrip("/") + "/") for r in rows[1:])
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).latest("pk")
    assert event.user == user and event.detail["job"] == job.pk and event.detail["rows"] == 5


def test_a_second_ask_joins_the_job_and_lost_access_refuses_it(client, world, settings):
    settings.INLINE_EXPORT_MAX_ACTIONS = 2
    user = factories.user(role="Viewers", organisation=world["stockton"])
    client.force_login(user)
    address = f"{URL}?{urlencode({'plan': world['plan_a'].pk, '_export': 'xlsx'})}"
    with TestCase.captureOnCommitCallbacks() as callbacks:
        client.post(address)
        again = client.post(address, follow=True)
    assert Job.objects.count() == 1 and "already asked for this file" in again.content.decode()
    user.memberships.all().delete()  # no longer one of Stockton's
    with TestCase.captureOnCommitCallbacks(execute=True):
        for callback in callbacks:
            callback()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and not job.file
    assert "filters are no longer valid" in job.outcome
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_a_download_over_the_row_budget_is_refused_before_any_job(client, world, settings):
    settings.INLINE_EXPORT_MAX_ACTIONS = 2
    settings.EXPORT_MAX_ROWS = 4
    client.force_login(factories.user(role="Viewers", organisation=world["stockton"]))
    address = f"{URL}?{urlencode({'plan': world['plan_a'].pk, '_export': 'csv'})}"
    for response in (client.get(address), client.post(address)):
        assert response.status_code == 302
        assert response["Location"] == f"{URL}?plan={world['plan_a'].pk}"
    assert not Job.objects.exists()
