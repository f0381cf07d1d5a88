"""The board member's journey of issue 14, in headless Chromium against a live server holding
the demo data: the pack's summary and key messages are written, a board member asks the lead of
an action a question before the meeting, the lead answers, and the board member reads the pack
with its summary and the answer, then downloads it as a PDF (read back with pdftotext) and as a
Word document (read back with python-docx), each checked for its sections. The files are made by
a real worker process (issue 16): the download requests only queue them."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from actions.models import Action
from boards.models import Board, Meeting

from .conftest import ARTIFACTS, sign_in, tasks_run_by
from .steps import fill_date

pytestmark = pytest.mark.browser

SECTIONS = (
    "Contents",
    "Executive summary and key messages",
    "Questions from board members",
    "Decisions and actions arising",
)
SUMMARY = "Recruitment is ahead of plan; the front door remains the main risk."
QUESTION = "What will it take to fill the remaining social worker posts by the summer?"
ANSWER = "Two offers are out; agency cover continues until both start."
DECISION = "Report the caseload audit to the next meeting."


def _as(browser, live_demo, contexts, username):
    """A fresh browser, signed in as ``username``."""
    context = browser.new_context(base_url=live_demo.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    contexts.append(context)
    return sign_in(context.new_page(), username)


def _pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext not found (install Debian's poppler-utils)", pytrace=False)
    result = subprocess.run(  # noqa: S603 # nosec B603 - a fixed program on a file we wrote
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def _download(page, link_name: str, tmp_path: Path) -> Path:
    """Click a pack download: the request only queues the file, answering with the "being
    prepared" page, which the browser reloads until the worker has made it."""
    with page.expect_download(timeout=180_000) as download:  # a large pack takes a while
        with page.expect_navigation():
            page.get_by_role("link", name=link_name).click()
        assert "is being prepared" in page.title(), page.title()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / f"pack-journey{path.suffix}")
    return path


def test_a_board_member_asks_before_the_meeting_and_downloads_the_pack_with_its_sections(
    browser, live_demo, tmp_path, axe_check, queue_worker
):
    from docx import Document

    board = Board.objects.get(name="Good and Beyond Board")
    meeting = Meeting.objects.filter(board=board, issued_packs__isnull=True).latest("date")
    action = (
        Action.objects.filter(plan__boards=board, lead__user__username="jane.smith")
        .order_by("pk")
        .first()
    )
    assert action is not None, "the demo has an action led by jane.smith under this board"
    contexts: list = []
    try:
        # The administrator (standing in for the plan owner) writes the summary.
        admin = _as(browser, live_demo, contexts, "admin")
        admin.goto(meeting.get_absolute_url())
        admin.get_by_role("link", name="Write the executive summary and key messages").click()
        axe_check(admin)
        admin.get_by_role("textbox", name="Executive summary").fill(SUMMARY)
        admin.get_by_role("textbox", name="Key messages").fill(
            "- Caseloads are falling\n- Two posts remain"
        )
        admin.get_by_role("button", name="Save").click()
        admin.wait_for_url(f"**{meeting.get_absolute_url()}*")
        assert SUMMARY in admin.locator("main").inner_text()
        # Decisions and actions arising, recorded after a meeting (an error first: no owner).
        admin.goto(reverse("plans:meeting_decisions", args=[meeting.pk]))
        admin.get_by_role("textbox", name="What was decided or is to be done").fill(DECISION)
        admin.get_by_role("button", name="Record").click()
        summary = admin.locator(".govuk-error-summary").inner_text()
        assert "Choose who owns this action, or enter their name" in summary
        assert admin.get_by_role("textbox", name="What was decided").input_value() == DECISION
        # The owner is one of the council's people; the due date a GOV.UK date input.
        admin.get_by_role("combobox", name="Owner").select_option(label="Adele Moore")
        fill_date(admin, "Due by", "30", "6", "2031")
        admin.get_by_role("button", name="Record").click()
        admin.wait_for_url(f"**{reverse('plans:meeting_decisions', args=[meeting.pk])}")
        recorded = admin.locator("main").inner_text()
        assert DECISION in recorded and "Adele Moore" in recorded and "30 June 2031" in recorded
        axe_check(admin)

        # The councillor asks a question about the action before the meeting.
        member = _as(browser, live_demo, contexts, "councillor")
        member.goto(meeting.get_absolute_url())
        member.get_by_role("link", name="Ask a question about an action").click()
        axe_check(member)
        member.get_by_label("Which action is your question about?").select_option(str(action.pk))
        member.get_by_role("textbox", name="Your question").fill(QUESTION)
        member.get_by_role("button", name="Send the question").click()
        member.wait_for_url(f"**{reverse('plans:meeting_questions', args=[meeting.pk])}")
        asked = member.get_by_role("row").filter(has_text=QUESTION)
        assert "Not answered yet" in asked.inner_text()

        # The action's lead answers it.
        lead = _as(browser, live_demo, contexts, "jane.smith")
        lead.goto(reverse("plans:meeting_questions", args=[meeting.pk]))
        lead.get_by_role("link", name=f"Answer the question on action {action.number}").click()
        axe_check(lead)
        lead.get_by_label("Your answer").fill(ANSWER)
        lead.get_by_role("button", name="Save the answer").click()
        lead.wait_for_url(f"**{reverse('plans:meeting_questions', args=[meeting.pk])}")

        # The councillor reads the pack: its cover, the summary and the answer.
        member.goto(meeting.get_absolute_url())
        axe_check(member)
        pack = member.locator("main").inner_text()
        for section in SECTIONS:
            assert section in pack, section
        assert SUMMARY in pack and QUESTION in pack and ANSWER in pack
        assert "Caseloads are falling" in member.locator(".app-pack__summary li").first.inner_text()

        # The PDF: the cover's contents, the summary, the question and answer, every section.
        pdf = _download(member, "Download the pack as a PDF", tmp_path)
        assert pdf.read_bytes().startswith(b"%PDF")
        text = _pdf_text(pdf)
        for section in SECTIONS:
            assert section in text, section
        assert board.organisation.name in text and "Draft" in text
        for words in (SUMMARY, QUESTION, ANSWER):
            assert words[:50] in text, words

        # The Word document: the same sections as headings, the answer in its table.
        member.goto(meeting.get_absolute_url())  # from the "being prepared" page, back
        docx = _download(member, "Download the pack as a Word document (.docx)", tmp_path)
        document = Document(str(docx))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        for section in SECTIONS:
            assert section in headings, section
        assert any(p.text == SUMMARY for p in document.paragraphs)
        cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert QUESTION in cells and ANSWER in cells

        # Both files were made by the worker process, never in a request, for the councillor,
        # who sees the jobs, finished, on "Downloads and jobs"; downloading again reuses the
        # stored file.
        assert len(tasks_run_by(queue_worker)) == 2
        member.goto(reverse("jobs"))
        axe_check(member)
        jobs = member.get_by_role("row").filter(has_text="Board pack file").all_inner_texts()
        assert len(jobs) == 2 and all("Finished" in row and "100%" in row for row in jobs), jobs
        with member.expect_download() as download:
            member.get_by_role("link", name="the file from Board pack file job").first.click()
        again = tmp_path / "again"
        download.value.save_as(again)
        assert again.read_bytes() in (pdf.read_bytes(), docx.read_bytes())
    finally:
        for context in contexts:
            context.close()
