"""What people write into a board pack: the plan owner's executive summary and key messages,
board members' questions with the leads' answers, decisions and actions arising carried into
later packs until closed; who may write each; all frozen when the pack is issued; and the pack
as a Word document and a spreadsheet with real dates and filters."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse
from docx import Document

from boards.models import BoardDecision, BoardMembership, BoardQuestion, Meeting, PackBrief
from boards.packs.issuing import pack_issue
from boards.packs.snapshot import build_pack
from core.roles import Role
from tests import factories
from tests.boards.downloads import body, fetch_pack, pack_bytes
from tests.factories.boards import board_for, london, rate

pytestmark = pytest.mark.django_db

M1, M2, M3 = date(2024, 1, 18), date(2024, 3, 21), date(2024, 5, 16)


@pytest.fixture
def world():
    """A plan owned by Olive (an officer), led in part by Leo, overseen by a board of which
    Bea is a member, meeting on M1, M2 and M3."""
    owner = factories.user(username="olive", role=Role.OFFICER, first_name="Olive")
    lead = factories.user(username="leo", role=Role.OFFICER, first_name="Leo")
    member = factories.user(username="bea", role=Role.BOARD_MEMBER, first_name="Bea")
    outsider = factories.user(username="otto", role=Role.BOARD_MEMBER)
    plan = factories.plan(title="Improvement Plan", owner=factories.person(user=owner))
    priority = factories.priority(plan)
    action = factories.action(priority, description="Recruit social workers",
                              lead=factories.person(user=lead, name="Leo Lead"))  # fmt: skip
    rate(action, "amber", london(2024, 1, 10, 9))
    board = board_for(plan, [M1, M2, M3], name="Good and Beyond Board")
    BoardMembership.objects.create(
        board=board, person=factories.person(user=member, name="Bea Member")
    )
    factories.person(user=outsider)
    meetings = {m.date: m for m in board.meetings.all()}
    return {"owner": owner, "lead": lead, "member": member, "outsider": outsider,
            "admin": factories.admin_user(), "plan": plan, "action": action, "board": board,
            "meetings": meetings}  # fmt: skip


def url(name, *args):
    return reverse(f"plans:{name}", args=args)


# --- the executive summary and key messages ---------------------------------------------------


def test_the_plan_owner_writes_the_summary_and_it_opens_the_pack(client, world):
    meeting = world["meetings"][M2]
    client.force_login(world["owner"])
    assert client.get(url("meeting_brief", meeting.pk)).status_code == 200
    response = client.post(
        url("meeting_brief", meeting.pk),
        {"summary": "Good progress on recruitment.\n\nTwo risks remain.",
         "key_messages": "- Caseloads are falling\n- The front door is <safe>", "version": 0},
    )  # fmt: skip
    assert response.status_code == 302
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert '<p class="govuk-body-s">Good progress on recruitment.</p>' in html
    assert (
        "<li>Caseloads are falling</li>" in html
        and "<li>The front door is &lt;safe&gt;</li>" in html
    )
    assert html.index("Executive summary and key messages") < html.index("Improvement Plan</h2>")


@pytest.mark.parametrize("who", ["member", "lead"])
def test_only_plan_owners_and_administrators_write_the_summary(client, world, who):
    meeting = world["meetings"][M2]
    client.force_login(world[who])
    assert client.get(url("meeting_brief", meeting.pk)).status_code == 403
    post = client.post(url("meeting_brief", meeting.pk), {"summary": "x", "version": 0})
    assert post.status_code == 403
    assert not PackBrief.objects.exists()


def test_a_summary_saved_meanwhile_is_never_overwritten(client, world):
    meeting = world["meetings"][M2]
    client.force_login(world["owner"])
    client.post(url("meeting_brief", meeting.pk), {"summary": "First words", "version": 0})
    stale = client.post(url("meeting_brief", meeting.pk), {"summary": "My words", "version": 0})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "My words" in page and "First words" in page and "There is a problem" in page
    assert PackBrief.objects.get().summary == "First words"
    # Saving again from the page goes on from the newer version.
    assert 'name="version" value="1"' in page


# --- questions and answers --------------------------------------------------------------------


def test_a_member_asks_the_lead_answers_and_both_are_in_the_pack(client, world):
    meeting, action = world["meetings"][M3], world["action"]
    client.force_login(world["member"])
    question_text = "When will the posts be filled?"
    asked = client.post(
        url("meeting_questions", meeting.pk), {"action": action.pk, "question": question_text}
    )
    assert asked.status_code == 302
    question = BoardQuestion.objects.get()
    assert question.asked_by == world["member"]
    client.force_login(world["lead"])
    answer_url = url("question_answer", meeting.pk, question.pk)
    assert "Answer" in client.get(url("meeting_questions", meeting.pk)).content.decode()
    assert client.post(answer_url, {"answer": "By June.", "version": 0}).status_code == 302
    pack = build_pack(meeting)
    (q,) = pack["questions"]
    assert (q["question"], q["answer"], q["asked_by"], q["answered_by"]) == (
        "When will the posts be filled?", "By June.", "Bea Member", "Leo Lead")  # fmt: skip
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "When will the posts be filled?" in html and "By June." in html


def test_who_may_ask_and_answer(client, world):
    meeting, action = world["meetings"][M3], world["action"]
    client.force_login(world["outsider"])  # sits on no board: cannot even see the meeting
    assert client.post(url("meeting_questions", meeting.pk),
                       {"action": action.pk, "question": "?"}).status_code == 403  # fmt: skip
    client.force_login(world["lead"])  # an officer, not a member of the board
    assert client.post(url("meeting_questions", meeting.pk),
                       {"action": action.pk, "question": "?"}).status_code == 403  # fmt: skip
    question = BoardQuestion.objects.create(meeting=meeting, action=action, question="Why?",
                                            asked_by=world["member"])  # fmt: skip
    for who in ("member", "owner"):  # neither leads the action
        client.force_login(world[who])
        answer = client.post(url("question_answer", meeting.pk, question.pk),
                             {"answer": "x", "version": 0})  # fmt: skip
        assert answer.status_code == 403
    assert BoardQuestion.objects.get().answer == ""


def test_a_question_needs_an_action_and_words(client, world):
    meeting = world["meetings"][M3]
    client.force_login(world["member"])
    response = client.post(url("meeting_questions", meeting.pk), {"question": "Only words"})
    page = response.content.decode()
    assert response.status_code == 200 and "Choose the action your question is about" in page
    assert "Only words" in page and not BoardQuestion.objects.exists()


# --- decisions and actions arising --------------------------------------------------------------


def test_actions_arising_are_carried_forward_until_closed(client, world):
    m1, m2, m3 = (world["meetings"][d] for d in (M1, M2, M3))
    client.force_login(world["owner"])
    no_owner = {"kind": "action", "text": "Report on caseloads", "due": "31/3/2024"}
    missing = client.post(url("meeting_decisions", m1.pk), no_owner)
    assert "Choose who owns this action, or enter their name" in missing.content.decode()
    assert "Report on caseloads" in missing.content.decode()
    client.post(url("meeting_decisions", m1.pk),
                {"kind": "action", "text": "Report on caseloads", "owner": "Head of Service",
                 "due": "31/3/2024"})  # fmt: skip
    (arising,) = build_pack(m2)["decisions"]
    assert (arising["text"], arising["owner"], arising["due_text"], arising["status"]) == (
        "Report on caseloads",
        "Head of Service",
        "31 March 2024",
        "Open",
    )
    assert build_pack(m1)["decisions"] == []  # raised at that meeting, for the next one
    decision = BoardDecision.objects.get()
    client.post(url("decision_close", m2.pk, decision.pk), {"note": "Report received"})
    BoardDecision.objects.filter(pk=decision.pk).update(closed_on=date(2024, 4, 2))
    (closed,) = build_pack(m3)["decisions"]  # closed since the previous meeting: shown once
    assert closed["status"] == "Closed 2 April 2024" and closed["closing_note"] == "Report received"
    m4 = Meeting.objects.create(board=world["board"], date=date(2024, 7, 18))
    assert build_pack(m4)["decisions"] == []  # closed before M3: no longer carried


def test_a_decision_owner_is_chosen_from_the_councils_people_or_typed(client, world):
    """The owner is a person of the plan's organisation when there is one (shown by name, kept
    even if they change job), or a name typed for someone outside the system."""
    m1, m2 = world["meetings"][M1], world["meetings"][M2]
    plan = world["plan"]
    ours = factories.person(name="Hana Head of Service", organisation=plan.organisation)
    theirs = factories.person(name="Zed Elsewhere", organisation=factories.organisation())
    client.force_login(world["owner"])
    page = client.get(url("meeting_decisions", m1.pk)).content.decode()
    assert "Hana Head of Service" in page and "Zed Elsewhere" not in page
    refused = client.post(
        url("meeting_decisions", m1.pk),
        {"kind": "action", "text": "Audit", "owner_person": theirs.pk},
    )
    assert refused.status_code == 200 and not BoardDecision.objects.exists()
    assert "Select a valid choice" in refused.content.decode()

    client.post(url("meeting_decisions", m1.pk),
                {"kind": "action", "text": "Audit caseloads", "owner_person": ours.pk,
                 "owner": "ignored when a person is chosen", "due-day": "30",
                 "due-month": "4", "due-year": "2024"})  # fmt: skip
    client.post(
        url("meeting_decisions", m1.pk),
        {"kind": "action", "text": "Police data", "owner": "DCI Partner (Police)"},
    )
    chosen, typed = BoardDecision.objects.order_by("pk")
    assert (chosen.owner_person, chosen.owner, chosen.due) == (ours, "", date(2024, 4, 30))
    assert (typed.owner_person, typed.owner) == (None, "DCI Partner (Police)")
    owners = [d["owner"] for d in build_pack(m2)["decisions"]]
    assert owners == ["Hana Head of Service", "DCI Partner (Police)"]
    page = client.get(url("meeting_decisions", m1.pk)).content.decode()
    assert "Hana Head of Service</td>" in page and "DCI Partner (Police)</td>" in page


def test_the_due_date_is_a_govuk_date_input_with_errors_and_values_kept(client, world):
    m1 = world["meetings"][M1]
    client.force_login(world["owner"])
    page = client.get(url("meeting_decisions", m1.pk)).content.decode()
    for box in ("due-day", "due-month", "due-year"):
        assert f'name="{box}"' in page
    bad = {"kind": "decision", "text": "Keep the text", "due-day": "31", "due-month": "2",
           "due-year": "2024"}  # fmt: skip
    response = client.post(url("meeting_decisions", m1.pk), bad)
    page = response.content.decode()
    assert response.status_code == 200 and not BoardDecision.objects.exists()
    assert "There is a problem" in page
    assert 'href="#id_due">The due date must be a real date' in page
    assert 'value="31"' in page and 'value="2"' in page and 'value="2024"' in page
    assert "Keep the text" in page
    part = client.post(
        url("meeting_decisions", m1.pk), {"kind": "decision", "text": "x", "due-day": "3"}
    ).content.decode()
    assert "The due date must include a day, month and year" in part


def test_only_plan_owners_and_administrators_record_decisions(client, world):
    client.force_login(world["member"])
    response = client.post(url("meeting_decisions", world["meetings"][M1].pk),
                           {"kind": "decision", "text": "Agreed"})  # fmt: skip
    assert response.status_code == 403 and not BoardDecision.objects.exists()


# --- frozen at issue ----------------------------------------------------------------------------


def test_summary_questions_and_decisions_are_frozen_into_the_issued_pack(client, world):
    m1, m2 = world["meetings"][M1], world["meetings"][M2]
    PackBrief.objects.create(meeting=m2, summary="As issued.", version=1)
    BoardQuestion.objects.create(meeting=m2, action=world["action"], question="Asked then?",
                                 asked_by=world["member"])  # fmt: skip
    BoardDecision.objects.create(meeting=m1, kind="decision", text="Agreed the plan",
                                 recorded_by=world["admin"])  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):  # its files are made at issue
        issued = pack_issue(meeting=m2, issued_by=world["admin"])
    assert issued.snapshot["status"]["issued"] is True
    PackBrief.objects.filter(meeting=m2).update(summary="Rewritten later.")
    BoardQuestion.objects.update(answer="Answered later.")
    client.force_login(world["owner"])
    assert client.get(url("meeting_brief", m2.pk)).status_code == 403  # issued: closed
    html = client.get(m2.get_absolute_url()).content.decode()
    assert "As issued." in html and "Rewritten later." not in html
    assert "Asked then?" in html and "Answered later." not in html
    assert "Agreed the plan" in html
    docx = client.get(url("meeting_docx", m2.pk))
    assert docx.streaming  # the file stored at issue
    text = "\n".join(p.text for p in Document(BytesIO(body(docx))).paragraphs)
    assert "As issued." in text and "Rewritten later." not in text
    client.force_login(world["member"])
    late = {"action": world["action"].pk, "question": "Too late?"}
    assert client.post(url("meeting_questions", m2.pk), late).status_code == 403


# --- the Word document and the spreadsheet ------------------------------------------------------


def docx_of(client, meeting):
    response = fetch_pack(client, url("meeting_docx", meeting.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    return Document(BytesIO(body(response)))


def test_the_pack_as_a_word_document_has_the_cover_and_every_section(client, world):
    meeting = world["meetings"][M2]
    PackBrief.objects.create(meeting=meeting, summary="Summary words.", key_messages="- One\n- Two")
    client.force_login(world["member"])
    doc = docx_of(client, meeting)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for section in ("Good and Beyond Board: board pack", "Contents",
                    "Executive summary and key messages", "Key messages",
                    "Questions from board members", "Decisions and actions arising",
                    "Improvement Plan", "Exceptions", "Changes since the previous meeting",
                    "Outcome measures"):  # fmt: skip
        assert section in headings, section
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["One", "Two"]
    cover = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert (
        "Draft. Not issued yet: it may change until it is issued" in cover
        and "Position as at" in cover
    )
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert any("Recruit social workers" in r and "Amber" in "".join(r) for r in rows)


def test_the_spreadsheet_has_real_dates_filters_and_the_pages_wording(client, world):
    meeting = world["meetings"][M2]
    client.force_login(world["member"])
    workbook = openpyxl.load_workbook(BytesIO(pack_bytes(client, url("meeting_xlsx", meeting.pk))))
    cover = {row[0]: row[1] for row in workbook["Pack"].iter_rows(values_only=True) if row[0]}
    assert cover["Status"].startswith("Draft, not issued: the position reconstructed as at")
    assert "live position" not in str(cover)
    sheet = workbook["Improvement Plan"]
    headings = [c.value for c in sheet[3]]
    updated = sheet.cell(row=4, column=headings.index("Last update") + 1)
    assert updated.is_date and updated.value.date() == date(2024, 1, 10)
    assert updated.number_format == "dd/mm/yyyy"
    assert sheet.auto_filter.ref.startswith("A3:")
    assert workbook["Measures"].freeze_panes == "A2"


def test_the_cover_has_the_councils_colour_and_never_a_colour_that_is_not_one(world):
    board, meeting = world["board"], world["meetings"][M2]
    board.colour = "#00703c"
    board.save()
    assert build_pack(meeting)["board"]["colour"] == "#00703c"
    type(board).objects.filter(pk=board.pk).update(colour='"><svg>')  # not through a form
    assert build_pack(Meeting.objects.get(pk=meeting.pk))["board"]["colour"] == "#1d70b8"
