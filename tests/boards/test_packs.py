"""Board packs: the position as at each meeting, changes since the previous one, exceptions,
issuing (freezing) a pack, corrections flagged in the next pack, the PDF and the spreadsheet."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import StatusUpdate
from boards.asat import end_of_day
from boards.models import IssuedPack, PackFile
from boards.packs.issuing import PackAlreadyIssued, pack_issue
from boards.packs.snapshot import build_pack
from core.models import AuditEvent
from core.roles import Role
from measures.services import measure_value_correct
from tests import factories
from tests.boards.downloads import body, fetch_pack, pack_bytes
from tests.factories.boards import add_measure, london, rate, recorded_at
from tests.scenarios.boards import EXPECTED, M1, M2, M3, build_board_plan, history_scenario

pytestmark = pytest.mark.django_db

# The same budget for a small and a large board, including 3 queries for the session's activity
# clock (written at most once a minute): the session, the user and their groups, the meeting (with
# its board, whether it was issued, the previous meeting, the last issued pack and the user's
# membership of the board), the plans and their legends, the actions, their updates as at both
# meetings (candidates, history) and timescales, the priorities, the measures with their links,
# and the measures' values as recorded then, targets and comparators, and what people wrote for
# the meeting: the summary and key messages, the questions and answers, and the decisions and
# actions arising still open (17 before those three).
PACK_QUERIES = 20
# A board member's pack once an earlier pack was issued, the session's clock already written: no
# person or membership query, and four more for the revisions since that pack (corrected updates,
# the measure values shown then (two) and those revised since).
# 18 before the inspections panel (boards.panels) added progress per inspection finding.
# 20 before the summary, questions and decisions (three queries).
REVISED_PACK_QUERIES = 23
# A draft pack's download reads the pack's data for its fingerprint, then: the stored file (1);
# when there is none, a job already making it (1), the new job (1) and its status again (1); when
# there is one, the audit event (1).
PREPARING_QUERIES = 4
SERVING_QUERIES = 2


def ratings_in(pack, scenario) -> dict:
    names = {a.pk: name for name, a in scenario["actions"].items()}
    (plan,) = pack["plans"]
    return {
        names[a["id"]]: (a["rating"], a["previous_rating"], a["overdue"])
        for p in plan["priorities"]
        for a in p["actions"]
    }


#: In a pack, each action's previous rating is its rating at the board's previous meeting (as
#: known then), not the update before its latest: the first meeting has none.
AT_PREVIOUS_MEETING = {
    M1: dict.fromkeys(("A1", "A2", "A3", "A4", "A5")),
    M2: {"A1": "amber", "A2": "amber", "A3": "not_started", "A4": "not_started", "A5": "green"},
    M3: {"A1": "red", "A2": "red", "A3": "green", "A4": "not_started", "A5": "green"},
}


@pytest.mark.parametrize("meeting_date", [M1, M2, M3])
def test_pack_shows_the_position_as_at_the_meeting(meeting_date):
    s = history_scenario()
    pack = build_pack(s["meetings"][meeting_date])
    assert pack["as_at"] == end_of_day(meeting_date).isoformat()
    expected = {
        name: (rating, AT_PREVIOUS_MEETING[meeting_date][name], overdue)
        for name, (rating, _, overdue) in EXPECTED[meeting_date].items()
    }
    assert ratings_in(pack, s) == expected


def test_packs_for_different_meetings_differ_as_the_history_says():
    s = history_scenario()
    packs = {d: build_pack(s["meetings"][d]) for d in (M1, M2, M3)}
    counts = {
        d: {c["rating"]: c["count"] for c in p["plans"][0]["overall"]["counts"]}
        for d, p in packs.items()
    }
    assert counts[M1] == {"red": 0, "amber": 2, "green": 1, "complete": 0, "not_started": 2}
    assert counts[M2] == {"red": 2, "amber": 0, "green": 2, "complete": 0, "not_started": 1}
    assert counts[M3] == {"red": 0, "amber": 1, "green": 2, "complete": 1, "not_started": 1}
    assert packs[M2]["plans"][0]["overall"]["worst"] == "red"


def test_pack_lists_changes_since_the_previous_meeting():
    s = history_scenario()
    first = build_pack(s["meetings"][M1])["plans"][0]
    assert first["changes"] is None  # nothing to compare with
    changes = build_pack(s["meetings"][M2])["plans"][0]["changes"]
    moved = {(m["description"], m["from"], m["rating"], m["change"]) for m in changes["moved"]}
    assert moved == {
        ("Recruit social workers", "amber", "red", "worsened"),
        ("Keep the front door safe", "amber", "red", "worsened"),
        ("Audit case files", "not_started", "green", "improved"),
    }
    assert [a["description"] for a in changes["newly_overdue"]] == ["Agree the practice model"]
    assert changes["newly_complete"] == []
    later = build_pack(s["meetings"][M3])["plans"][0]["changes"]
    assert [a["description"] for a in later["newly_complete"]] == ["Recruit social workers"]
    assert {m["description"]: m["change"] for m in later["moved"]} == {
        "Recruit social workers": "improved",  # red -> complete
        "Keep the front door safe": "improved",  # red -> amber (the red was deleted)
    }


def test_pack_exceptions_give_the_structured_reason_and_outside_control_flag():
    s = history_scenario()
    plan = build_pack(s["meetings"][M2])["plans"][0]
    (section,) = plan["exceptions"]
    rows = {a["description"]: a for a in section["actions"]}
    assert set(rows) == {
        "Recruit social workers",
        "Keep the front door safe",
        "Agree the practice model",
    }
    a1 = rows["Recruit social workers"]
    assert a1["reason_words"] == ["Red", "Escalated by the officer"]
    assert a1["issue"] == "Recruitment has stalled."
    assert a1["mitigation"] == "Agency staff cover the gap."
    assert a1["resolve_by_text"] == "30 September 2023"
    assert a1["outside_control"] is True
    assert rows["Agree the practice model"]["reason_words"] == ["Overdue"]
    assert [a["description"] for a in plan["unparsed"]] == ["Open a family hub"]


def test_meeting_page_shows_the_pack_as_at_the_meeting(client):
    s = history_scenario()
    client.force_login(factories.user(role="Viewers"))
    html = client.get(s["meetings"][M2].get_absolute_url()).content.decode()
    assert "as at 23:59 on 15 June 2023" in html
    assert "Two posts still vacant." in html and "(amber)" not in html
    assert "Recruitment has stalled." in html
    assert "Yes: outside our control" in html
    assert "Not issued yet" in html
    assert "What the ratings mean" in html
    assert 'class="app-rag app-rag--red">Red</span>' in html
    assert "Worsened" in html and "↓" in html
    assert "Issue this pack" not in html  # viewers cannot issue


def test_user_text_is_escaped_in_the_pack_and_the_issued_pack(client):
    s = history_scenario()
    a4 = s["actions"]["A4"]
    a4.description = "<script>alert(1)</script>"
    a4.save()
    rate(a4, "red", london(2023, 6, 2), commentary="<b>bold</b>")
    client.force_login(factories.admin_user())
    meeting = s["meetings"][M2]
    for _ in range(2):  # live, then issued
        html = client.get(meeting.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
        issue(client, meeting)
    assert IssuedPack.objects.filter(meeting=meeting).exists()


# --- issuing ----------------------------------------------------------------------------------


def issue(client, meeting):
    return client.post(reverse("plans:meeting_issue", kwargs={"pk": meeting.pk}))


def test_administrator_issues_a_pack_which_is_then_frozen(client):
    s = history_scenario()
    admin = factories.admin_user()
    client.force_login(admin)
    meeting = s["meetings"][M2]
    assert "Issue this pack" in client.get(meeting.get_absolute_url()).content.decode()
    with recorded_at(london(2023, 6, 14, 9)):  # a day before the meeting
        response = issue(client, meeting)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    pack = IssuedPack.objects.get(meeting=meeting)
    assert pack.issued_by == admin
    assert pack.as_at == london(2023, 6, 14, 9)  # before the meeting: the position when issued
    assert "Recruit social workers" in pack.html
    assert pack.snapshot["plans"][0]["title"] == "History plan"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PACK_ISSUED)
    assert event.user == admin and event.detail["pack"] == pack.pk

    # New updates after issuing change nothing in the issued pack.
    rate(s["actions"]["A4"], "red", london(2023, 6, 14, 12), commentary="Late news")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Issued 14 June 2023" in html
    assert "Late news" not in html
    assert "Issue this pack" not in html
    assert pack.html in html

    # Issuing twice changes nothing.
    response = issue(client, meeting)
    assert response.status_code == 302
    assert IssuedPack.objects.filter(meeting=meeting).count() == 1
    with pytest.raises(PackAlreadyIssued):
        pack_issue(meeting=meeting, issued_by=admin)

    # Nor can the admin delete it (it would be issued again with later figures).
    delete_url = reverse("admin:boards_issuedpack_delete", args=[pack.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [pack.pk], "post": "yes"}
    client.post(reverse("admin:boards_issuedpack_changelist"), bulk)
    assert IssuedPack.objects.filter(pk=pack.pk).exists()


@pytest.mark.parametrize("role", ["Officers", "Board members", "Viewers"])
def test_only_administrators_issue_packs(client, role):
    s = history_scenario()
    client.force_login(factories.user(role=role))
    assert issue(client, s["meetings"][M2]).status_code == 403
    assert not IssuedPack.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PACK_ISSUED).exists()


def test_corrections_after_an_issued_pack_are_revised_in_the_next_pack(client):
    s = history_scenario()
    measure = add_measure(s["plan"], priority=s["priority"], code="LAC", title="Looked after")
    with recorded_at(london(2023, 5, 1)):
        value = factories_value(measure)
    admin = factories.admin_user()
    with recorded_at(london(2023, 6, 16, 9)):  # issued the day after the M2 meeting
        issued = pack_issue(meeting=s["meetings"][M2], issued_by=admin)
    assert issued.as_at == end_of_day(M2)
    assert issued.snapshot["revisions"] is None  # no earlier pack was issued
    with recorded_at(london(2023, 7, 2, 10)):
        measure_value_correct(
            value=value,
            new_value=Decimal("45"),
            reason="Duplicate records removed",
            corrected_by=s["editor"],
        )

    revisions = build_pack(s["meetings"][M3])["revisions"]
    assert revisions["previous_meeting"] == "15 June 2023"
    items = {i["subject"]: i for i in revisions["items"]}
    a1 = next(i for k, i in items.items() if "Recruit social workers" in k)
    assert {f["field"]: (f["old"], f["new"]) for f in a1["fields"]} == {
        "Rating": ("Red", "Amber"),
        "Commentary": ("Two posts still vacant.", "Two posts still vacant (amber)."),
    }
    assert a1["edits"] == [
        {
            "by": "Eddie Tor",
            "why": "Typo: the rating was meant to be amber",
            "when": "14:00 on 20 June 2023",
        }
    ]
    deleted = next(i for k, i in items.items() if "Keep the front door safe" in k)
    assert deleted["fields"] == [{"field": "Record", "old": "As shown", "new": "Deleted"}]
    lac = next(i for k, i in items.items() if k.startswith("LAC"))
    assert lac["fields"] == [{"field": "Value", "old": "50", "new": "45"}]
    assert lac["edits"][0]["by"] == "Eddie Tor"
    assert lac["edits"][0]["why"] == "Duplicate records removed"

    client.force_login(factories.user(role="Viewers"))
    html = client.get(s["meetings"][M3].get_absolute_url()).content.decode()
    assert "Revised since the last meeting" in html
    assert "Typo: the rating was meant to be amber" in html
    assert "Duplicate records removed" in html
    # The issued pack still shows what the board was shown.
    html = client.get(s["meetings"][M2].get_absolute_url()).content.decode()
    assert "Two posts still vacant." in html and "(amber)" not in html


def factories_value(measure):
    from measures.models import MeasureValue

    return MeasureValue.objects.create(
        measure=measure,
        period_start=date(2022, 4, 1),
        period_end=date(2023, 3, 31),
        label="2022/23",
        value=Decimal("50"),
    )


def test_pack_measures_are_as_recorded_by_the_meeting():
    s = history_scenario()
    measure = add_measure(s["plan"], code="CIN", title="Children in need", target=60)
    from measures.models import MeasureValue

    with recorded_at(london(2023, 7, 10)):
        MeasureValue.objects.create(
            measure=measure,
            period_start=date(2023, 4, 1),
            period_end=date(2023, 6, 30),
            label="2023/24 Q1",
            value=Decimal("70"),
        )
    at_m2 = build_pack(s["meetings"][M2])["plans"][0]["measures"]
    at_m3 = build_pack(s["meetings"][M3])["plans"][0]["measures"]
    assert at_m2[0]["latest"] == "" and at_m2[0]["rag_word"] == "No value"
    assert at_m3[0]["latest"] == "70" and at_m3[0]["latest_label"] == "2023/24 Q1"


# --- PDF and spreadsheet --------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - a fixed poppler tool reading our own PDF
        [shutil.which("pdftotext"), "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def test_pack_pdf_holds_the_actions_the_legend_and_page_numbers(client):
    s = history_scenario()
    client.force_login(factories.user(role="Viewers"))
    response = fetch_pack(client, reverse("plans:meeting_pdf", kwargs={"pk": s["meetings"][M2].pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = body(response)
    text = pdf_text(content)
    for action in s["actions"].values():
        assert action.description in text
    assert "What the ratings mean" in text
    assert "Off track: significant problems" in text  # the legend's meanings, in words
    assert "Page 1 of" in text
    assert "15 June 2023" in text
    info = subprocess.run(  # noqa: S603 - a fixed poppler tool reading our own PDF
        [shutil.which("pdfinfo"), "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "Tagged:          yes" in info
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_issued_pack_pdf_is_the_frozen_pack(client):
    s = history_scenario()
    with recorded_at(london(2023, 6, 16)), TestCase.captureOnCommitCallbacks(execute=True):
        pack = pack_issue(meeting=s["meetings"][M2], issued_by=factories.admin_user())
    # Its three files were made once, at issue, and are what every download streams.
    stored = {f.format: f for f in PackFile.objects.filter(issued_pack=pack)}
    assert sorted(stored) == ["docx", "pdf", "xlsx"]
    assert {f.fingerprint for f in stored.values()} == {f"issued-{pack.pk}"}
    StatusUpdate.objects.filter(action=s["actions"]["A1"]).update(commentary="Rewritten later")
    client.force_login(factories.user(role="Viewers"))
    text = pdf_text(
        pack_bytes(client, reverse("plans:meeting_pdf", kwargs={"pk": s["meetings"][M2].pk}))
    )
    assert "Issued 16 June 2023" in text
    assert "Two posts still vacant." in text and "Rewritten later" not in text
    xlsx = pack_bytes(client, reverse("plans:meeting_xlsx", kwargs={"pk": s["meetings"][M2].pk}))
    wb = openpyxl.load_workbook(BytesIO(xlsx))
    cells = [c for row in wb["History plan"].iter_rows(values_only=True) for c in row]
    assert "Two posts still vacant." in cells and "Rewritten later" not in cells
    status = "Issued 00:00 on 16 June 2023: the record of what the board was shown"
    assert ("Status", status) in [r[:2] for r in wb["Pack"].iter_rows(values_only=True)]


def test_pack_spreadsheet_has_a_sheet_per_plan_exceptions_and_measures(client):
    s = history_scenario()
    s["actions"]["A3"].description = '=HYPERLINK("http://evil.example")'
    s["actions"]["A3"].save()
    with recorded_at(london(2023, 5, 2)):  # recorded before the meeting
        add_measure(
            s["plan"],
            priority=s["priority"],
            code="PCT",
            title="Assessments on time",
            values=[(2022, "40")],
            target="60",
            tolerance="5",
        )
    client.force_login(factories.user(role="Viewers"))
    response = fetch_pack(
        client, reverse("plans:meeting_xlsx", kwargs={"pk": s["meetings"][M2].pk})
    )
    assert response.status_code == 200
    wb = openpyxl.load_workbook(BytesIO(body(response)))
    assert wb.sheetnames == [
        "Pack", "History plan", "Questions", "Decisions and actions", "Exceptions", "Measures"
    ]  # fmt: skip
    sheet = wb["History plan"]
    header = [c.value for c in sheet[3]]
    rows = {
        r[2]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=4, values_only=True)
    }
    a1 = rows["Recruit social workers"]
    assert a1["RAG rating"] == "Red" and a1["Escalated"] == "Yes"
    assert a1["What the issue is"] == "Recruitment has stalled."
    red_cell = next(c for c in sheet["H"] if c.value == "Red")
    assert red_cell.fill.start_color.rgb.endswith("D4351C")  # coloured and worded
    assert rows["Agree the practice model"]["Overdue"] == "Overdue"
    assert rows["Open a family hub"]["Due"] == "Not understood"
    # User text can never run as a formula.
    evil = next(c for c in sheet["C"] if c.value and "HYPERLINK" in str(c.value))
    assert evil.value.startswith("'=") and evil.data_type == "s"

    exceptions = list(wb["Exceptions"].iter_rows(min_row=2, values_only=True))
    reasons = {(r[2], r[4]): r[5] for r in exceptions}
    assert reasons[("Action", "Recruit social workers")] == "Red; Escalated by the officer"
    assert reasons[("Measure", "Assessments on time")].startswith("Outside tolerance")
    measures = list(wb["Measures"].iter_rows(min_row=2, values_only=True))
    assert measures[0][1] == "PCT" and measures[0][5] == 40 and measures[0][8] == "Off target"
    cover = [r for r in wb["Pack"].iter_rows(values_only=True)]
    assert ("Position as at", "23:59 on 15 June 2023") in cover


# --- speed ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(4, 1), (90, 5)])
def test_meeting_pack_takes_a_fixed_number_of_queries(size, client, django_assert_max_num_queries):
    plan, board = build_board_plan(*size, n_measures=size[0] // 2)
    meeting = board.meetings.order_by("date")[1]
    client.force_login(factories.user(role="Viewers"))
    with django_assert_max_num_queries(PACK_QUERIES):
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') > size[0]
    # A download: the first request reads the pack's data (for its fingerprint), finds no file
    # and starts the job; once the job has run, the next streams the stored file.
    url = reverse("plans:meeting_xlsx", kwargs={"pk": meeting.pk})
    with (
        TestCase.captureOnCommitCallbacks(execute=False) as callbacks,
        django_assert_max_num_queries(PACK_QUERIES + PREPARING_QUERIES),
    ):
        preparing = client.get(url)
    assert "is being prepared" in preparing.content.decode()
    for callback in callbacks:
        callback()
    with django_assert_max_num_queries(PACK_QUERIES + SERVING_QUERIES):
        served = client.get(url)
    assert served.streaming and body(served)[:2] == b"PK"


def page_queries(client, url) -> int:
    """Queries to serve a page, once the session's activity clock (written at most once a
    minute) has been written by a first request."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_board_members_revised_pack_takes_the_same_queries_for_any_size(client):
    member = factories.user(role=Role.BOARD_MEMBER)
    factories.person(user=member)
    admin = factories.admin_user()
    counts = []
    for size in [(3, 1), (120, 6)]:
        plan, board = build_board_plan(*size, n_measures=size[0] // 3, board_member=member)
        first, second, _ = board.meetings.order_by("date")
        pack_issue(meeting=first, issued_by=admin)  # so the next pack lists revisions since
        client.force_login(member)
        counts.append(page_queries(client, second.get_absolute_url()))
        html = client.get(second.get_absolute_url()).content.decode()
        assert "Revised since the last meeting" in html
        assert html.count('class="govuk-table__row"') > size[0]
    assert counts[0] == counts[1] <= REVISED_PACK_QUERIES


def test_meeting_pages_are_refused_to_members_of_other_boards(client):
    _, board = build_board_plan(3, 1)
    _, other_board = build_board_plan(3, 1)
    meeting = board.meetings.order_by("date")[1]
    member, outsider, no_person = (factories.user(role=Role.BOARD_MEMBER) for _ in range(3))
    from boards.models import BoardMembership

    BoardMembership.objects.create(board=board, person=factories.person(user=member))
    BoardMembership.objects.create(board=other_board, person=factories.person(user=outsider))
    urls = [
        meeting.get_absolute_url(),
        reverse("plans:meeting_xlsx", kwargs={"pk": meeting.pk}),
    ]
    for user, status in [(member, 200), (outsider, 403), (no_person, 403)]:
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [status, status]
