"""The six end-to-end journeys of issue 6, in headless Chromium against a live server holding the
demo data (loaded once for this module: the journeys share it, so each one works on its own
action or plan and none depends on another having run).

1. An officer rates an action Amber from "My actions" and sees it on the dashboard and history.
2. Two officers open the same update form; the second save is refused, theirs kept.
3. A board member reads a dashboard, a measure chart and a meeting pack, and downloads the pack
   as PDF (read back with pdftotext) and as .xlsx (read back with openpyxl).
4. An administrator builds a plan, priority and action in the Django admin; the lead officer
   then sees the action on "My actions".
5. An administrator imports the realistic workbook through upload, preview and commit.
6. Journey 1 with the keyboard alone, the focus visible at every step.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from actions.models import Action
from boards.models import Board, Meeting
from core.models import Person
from core.presentation import legend_for
from plans.models import Plan

from .conftest import ARTIFACTS, sign_in, tasks_run_by
from .steps import fill_date, upload_realistic_workbook

pytestmark = pytest.mark.browser

IMPROVEMENT_PLAN = "stockton-improvement-plan-2023"


def _action(number: str) -> Action:
    return Action.objects.select_related("plan").get(plan__slug=IMPROVEMENT_PLAN, number=number)


def _give_update_link(page, action: Action):
    """The "Give update" link of one action on "My actions" (its hidden text names the action)."""
    label = action.plan.action_label.lower()
    return page.get_by_role("link", name=f"Give update for {label} {action.number}", exact=True)


def _my_actions_row(page, action: Action):
    return page.get_by_role("row").filter(has=_give_update_link(page, action))


def _history_first_row(page):
    table = page.get_by_role("table", name="History of ratings, newest first")
    return table.locator("tbody tr").first


def _dashboard_exception_row(page, action: Action):
    """The action's row in the dashboard's exception tables (its number is the row header),
    with every area's group opened (they are collapsible details, closed at first)."""
    page.locator("details.app-exceptions__area").evaluate_all(
        "groups => groups.forEach(group => { group.open = true })"
    )
    return (
        page.locator("table")
        .filter(has=page.get_by_role("columnheader", name="Why reported"))
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=action.number, exact=True))
    )


def _by_jane(text: str) -> bool:
    """Updates are signed with the user's full name, or their user name when the account has no
    name (as the demo accounts do)."""
    return "Jane Smith" in text or "jane.smith" in text


# --- 1. An officer gives a RAG update ------------------------------------------------------------

J1_COMMENTARY = "Recruitment of two team managers has slipped to January; interviews rebooked."
J1_ISSUE = "Both preferred candidates withdrew after the offer stage."
J1_MITIGATION = "Interim cover agreed with the agency; the posts are re-advertised this week."


def test_an_officer_rates_an_action_amber_and_sees_it_on_the_dashboard_and_in_its_history(
    signed_in_page, console_errors
):
    action = _action("1.2.2")
    assert action.rating == "green"  # the demo's starting point: the journey changes it
    page = signed_in_page("jane.smith")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions").click()
    page.wait_for_url("**" + reverse("actions:mine"))
    assert page.get_by_role("heading", level=1).inner_text() == "My actions"
    row = _my_actions_row(page, action)
    assert "Update due" in row.inner_text() and "Green" in row.inner_text()

    _give_update_link(page, action).click()
    page.wait_for_url(f"**{reverse('actions:update', kwargs={'pk': action.pk})}**")
    assert page.get_by_role("heading", level=1).inner_text() == f"Update action {action.number}"
    page.get_by_role("radio", name="Amber").check()
    page.get_by_label("Commentary").fill(J1_COMMENTARY)
    page.get_by_label("What is the issue?").fill(J1_ISSUE)
    page.get_by_label("What is being done about it?").fill(J1_MITIGATION)
    fill_date(page, "By when?", "31", "1", "2027")
    with page.expect_navigation():
        page.get_by_role("button", name="Save update").click()

    # On to the next action needing an update, told the new rating; on "My actions" the
    # action is up to date.
    banner = page.locator(".govuk-notification-banner--success")
    assert f"{action.number} is now rated Amber" in banner.inner_text()
    page.goto(reverse("actions:mine"))
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=action.description, exact=True)
    )
    assert "Up to date" in row.inner_text() and "Amber" in row.inner_text()

    # The plan dashboard reports it by exception, with the reason given.
    page.goto(reverse("plans:dashboard", kwargs={"slug": IMPROVEMENT_PLAN}))
    ex_row = _dashboard_exception_row(page, action)
    assert ex_row.count() == 1
    text = ex_row.inner_text()
    assert "Amber" in text and J1_ISSUE in text and J1_MITIGATION in text
    assert "31 January 2027" in text or "31 Jan 2027" in text or "31/01/2027" in text
    assert ex_row.locator(".app-rag--amber").count() == 1  # the colour goes with the word

    # The action's history starts with this update, by Jane Smith.
    page.goto(action.get_absolute_url())
    assert "Amber" in page.locator("p", has_text="Current rating").inner_text()
    first = _history_first_row(page).inner_text()
    assert "Amber" in first and J1_COMMENTARY in first and J1_ISSUE in first
    assert _by_jane(first) and "Worsened" in first
    assert console_errors(page) == []


# --- 2. Two officers, one action -----------------------------------------------------------------


def test_the_second_of_two_officers_saving_the_same_action_is_refused_and_keeps_their_text(
    browser, live_demo, request
):
    action = _action("1.1.3")
    adele = Person.objects.get(user__username="adele.moore")
    action.delegates.add(adele)
    contexts = []
    pages = {}
    try:
        for who in ("jane.smith", "adele.moore"):
            context = browser.new_context(base_url=live_demo.url)
            context.set_default_timeout(15_000)
            contexts.append(context)
            pages[who] = sign_in(context.new_page(), who)
            pages[who].goto(reverse("actions:update", kwargs={"pk": action.pk}))
            assert pages[who].get_by_role("button", name="Save update").is_visible(), who
        jane, adele_page = pages["jane.smith"], pages["adele.moore"]

        # Both fill in the form; Jane saves first.
        jane.get_by_role("radio", name="Red").check()
        jane.get_by_label("Commentary").fill("Jane: the audit found the plan off track.")
        jane.get_by_label("What is the issue?").fill("Jane's issue")
        jane.get_by_label("What is being done about it?").fill("Jane's mitigation")
        fill_date(jane, "By when?", "28", "2", "2027")
        adele_text = "Adele: caseloads fell to 18 in October; the pilot is on track."
        adele_page.get_by_role("radio", name="Green").check()
        adele_page.get_by_label("Commentary").fill(adele_text)
        with jane.expect_navigation():
            jane.get_by_role("button", name="Save update").click()
        assert "is now rated Red" in jane.locator(".govuk-notification-banner").inner_text()

        # Adele's save is refused: Jane's update is shown, Adele's text is kept.
        with adele_page.expect_navigation() as navigation:
            adele_page.get_by_role("button", name="Save update").click()
        assert navigation.value.status == 409
        assert adele_page.title().startswith("Error: ")
        summary = adele_page.locator(".govuk-error-summary")
        assert "Someone else has updated this action" in summary.inner_text()
        newer = adele_page.locator("#newer-update").inner_text()
        assert _by_jane(newer) and "Red" in newer
        assert "Jane: the audit found the plan off track." in newer
        assert adele_page.get_by_label("Commentary").input_value() == adele_text
        assert adele_page.get_by_role("radio", name="Green").is_checked()

        # Nothing of Adele's was saved: the history holds Jane's update only.
        adele_page.goto(action.get_absolute_url())
        history = adele_page.get_by_role("table", name="History of ratings, newest first")
        assert "Jane: the audit found" in _history_first_row(adele_page).inner_text()
        assert adele_text not in history.inner_text()
    except Exception:
        from .conftest import save_artifacts

        for who, p in pages.items():
            save_artifacts(p, f"{request.node.nodeid}-{who}")
        raise
    finally:
        for context in contexts:
            context.close()
        action.delegates.remove(adele)


# --- 3. A board member reads and downloads ------------------------------------------------------


def _pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext not found (install Debian's poppler-utils)", pytrace=False)
    result = subprocess.run(  # noqa: S603 # nosec B603 - a fixed program on a file we wrote
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_a_board_member_reads_a_dashboard_a_measure_and_a_meeting_pack_and_downloads_it(
    signed_in_page, console_errors, tmp_path, queue_worker
):
    import openpyxl

    plan = Plan.objects.get(slug=IMPROVEMENT_PLAN)
    board = Board.objects.get(name="Good and Beyond Board")
    meeting = Meeting.objects.filter(board=board).order_by("-date").first()
    page = signed_in_page("councillor")

    # The plan dashboard: ratings by priority as a chart and as a table, with the legend.
    page.goto(reverse("plans:dashboard", kwargs={"slug": plan.slug}))
    assert page.get_by_role("heading", level=1).inner_text() == f"Dashboard: {plan.title}"
    assert page.get_by_role("heading", name="What the ratings mean").count() >= 1
    assert page.get_by_role("table", name="Actions by RAG rating").count() == 1
    assert page.locator("svg[role=img]").count() >= 1

    # The Good and Beyond Board and its meeting pack.
    page.goto(reverse("plans:boards"))
    page.get_by_role("link", name=board.name).first.click()
    page.wait_for_url(f"**{board.get_absolute_url()}")
    page.goto(meeting.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text().startswith("Board pack")
    pack_text = page.locator("main").inner_text()
    first_action = plan.actions.order_by("pk").first()
    assert first_action.description[:40] in pack_text
    assert "What the ratings mean" in pack_text

    # The PDF: its text has the plan's actions and the legend's words and meanings.
    # The request only queues it; the "being prepared" page reloads until the worker made it.
    with page.expect_download(timeout=180_000) as pdf_download:
        with page.expect_navigation():
            page.get_by_role("link", name="Download the pack as a PDF").click()
        assert "is being prepared" in page.title(), page.title()
    pdf_path = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf_path)
    assert pdf_path.suffix == ".pdf" and pdf_path.read_bytes().startswith(b"%PDF")
    shutil.copy(pdf_path, _artifact("journey3-pack.pdf"))
    text = " ".join(_pdf_text(pdf_path).split())
    assert plan.title in text
    for number in ("1.1.1", "2.3.1"):
        description = plan.actions.get(number=number).description
        assert " ".join(description.split())[:30] in text, number
    # The legend: every rating's word with the organisation's meaning of it.
    assert "What the ratings mean" in text
    for entry in legend_for(plan.organisation):
        assert f"{entry.label} {' '.join(entry.meaning.split())}" in text, entry.label

    # The spreadsheet opens and holds the same actions.
    page.goto(meeting.get_absolute_url())
    with page.expect_download(timeout=180_000) as xlsx_download:
        page.get_by_role("link", name="Download the pack as a spreadsheet (.xlsx)").click()
    xlsx_path = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx_path)
    assert xlsx_path.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(xlsx_path, read_only=True)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    workbook.close()
    assert any(first_action.description[:40] in cell for cell in cells)
    assert any(cell in ("Amber", "Red", "Green") for cell in cells)
    assert len(tasks_run_by(queue_worker)) == 2  # both files made by the worker process

    # A measure's page: the chart and its table, with February 2018's 141.1 per 10,000. The
    # MBRO-LAC measure is Middlesbrough's, so Middlesbrough's officer reads it (ADR 0012).
    page.context.clear_cookies()
    signed_in_page("middlesbrough.officer")
    page.goto(reverse("measures:detail", kwargs={"code": "MBRO-LAC"}))
    # Drawn wide and narrow; a desktop window shows the wide one only.
    chart = page.locator("figure.app-chart .app-chart__wide svg[role=img]")
    assert chart.count() == 1 and chart.is_visible()
    assert page.locator("figure.app-chart .app-chart__narrow svg[role=img]").is_hidden()
    assert chart.get_attribute("aria-labelledby")
    figures = page.get_by_role("table", name="The figures in the chart")
    assert "141.1" in figures.inner_text()
    assert console_errors(page) == []


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


# --- 6. Journey 1 by keyboard alone --------------------------------------------------------------

FOCUS_VISIBLE_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {ok: false, what: 'nothing focused'};
    const seen = (style) => !!style && (
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
         && style.outlineColor !== 'rgba(0, 0, 0, 0)' && style.outlineColor !== 'transparent')
        || (style.boxShadow && style.boxShadow !== 'none'));
    const styles = [getComputedStyle(el)];
    // GOV.UK radios and checkboxes hide the input and draw the focus ring on the label.
    if (el.labels && el.labels.length && ['radio', 'checkbox'].includes(el.type)) {
        styles.push(getComputedStyle(el.labels[0], '::before'));
        styles.push(getComputedStyle(el.labels[0], '::after'));
    }
    return {ok: styles.some(seen),
            what: el.tagName + (el.id ? '#' + el.id : '') + ' ' +
                  (el.innerText || el.value || '').trim().slice(0, 60)};
}"""


def _focused(page) -> dict:
    return page.evaluate(FOCUS_VISIBLE_JS)


def _press(page, key: str, seen: list[dict]) -> dict:
    page.keyboard.press(key)
    focus = _focused(page)
    seen.append(focus)
    return focus


def _tab_to(page, predicate_js: str, seen: list[dict], limit: int = 200) -> dict:
    """Tab forward until the focused element matches (a JS function of the element)."""
    for _ in range(limit):
        focus = _press(page, "Tab", seen)
        if page.evaluate(f"() => ({predicate_js})(document.activeElement)"):
            return focus
    raise AssertionError(f"never reached {predicate_js} with Tab; last focus {seen[-3:]}")


def test_the_rag_update_can_be_given_with_the_keyboard_alone_and_focus_is_always_visible(
    signed_in_page,
):
    action = _action("2.4.6")
    assert action.rating == "green"
    page = signed_in_page("jane.smith")
    page.goto(reverse("actions:mine"))
    seen: list[dict] = []

    # The skip link first, then into the main content and on to this action's link.
    focus = _press(page, "Tab", seen)
    assert "Skip to main content" in focus["what"]
    page.keyboard.press("Enter")
    label = f"Give update for {action.plan.action_label.lower()} {action.number}"
    _tab_to(page, f"el => el.textContent.trim() === {label!r}", seen)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/actions/{action.pk}/update/" in page.url

    # The rating: Tab to the radios (the current rating, Green, holds the focus), arrow to Amber.
    _tab_to(page, "el => el.name === 'rating'", seen)
    assert page.evaluate("document.activeElement.value") == "green"
    _press(page, "ArrowUp", seen)
    assert page.evaluate("document.activeElement.value") == "amber"
    assert page.get_by_role("radio", name="Amber").is_checked()

    # Type the commentary and the amber reason, moving with Tab (Shift+Tab to check going back).
    _tab_to(page, "el => el.id === 'id_commentary'", seen)
    page.keyboard.type("Keyboard only: the audit slipped by a month.")
    _press(page, "Shift+Tab", seen)
    assert page.evaluate("document.activeElement.name") == "rating"
    _tab_to(page, "el => el.id === 'id_commentary'", seen)
    _tab_to(page, "el => el.id === 'id_issue'", seen)
    page.keyboard.type("The auditor was off sick.")
    _tab_to(page, "el => el.id === 'id_mitigation'", seen)
    page.keyboard.type("A second auditor is booked.")
    _tab_to(page, "el => el.id === 'id_resolve_by'", seen)
    page.keyboard.type("15")
    _press(page, "Tab", seen)
    page.keyboard.type("1")
    _press(page, "Tab", seen)
    page.keyboard.type("2027")
    _tab_to(page, "el => el.type === 'submit' && el.textContent.trim() === 'Save update'", seen)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    banner = page.locator(".govuk-notification-banner--success").inner_text()
    assert f"{action.number} is now rated Amber" in banner
    invisible = [f["what"] for f in seen if not f["ok"]]
    assert invisible == [], f"focus not visible on: {invisible}"
    assert len(seen) > 10  # the walk really went through the page
    action.refresh_from_db()
    assert action.rating == "amber"


# --- 4. An administrator builds a plan in the admin ---------------------------------------------

J4_PLAN = "Journey Four Improvement Plan"
J4_PRIORITY = "Journey four: our workforce"
J4_ACTION = "Journey four: appoint a principal social worker for the new locality team"


def _autocomplete(page, field_id: str, search: str, option: str):
    """Choose ``option`` in one of the admin's autocomplete (select2) widgets."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()
    assert option in page.locator(f"#{field_id} + .select2").inner_text()


def _admin_save(page):
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def test_an_administrator_builds_a_plan_in_the_admin_and_the_lead_officer_sees_the_action(
    browser, live_demo, request
):
    jane = Person.objects.get(user__username="jane.smith")
    admin_context = browser.new_context(base_url=live_demo.url)
    officer_context = browser.new_context(base_url=live_demo.url)
    pages = []
    try:
        for context in (admin_context, officer_context):
            context.set_default_timeout(15_000)
        page = sign_in(admin_context.new_page(), "admin")
        pages.append(page)

        # The plan, with its first priority added through the inline.
        page.goto("/admin/plans/plan/add/")
        page.locator("#id_title").fill(J4_PLAN)
        page.locator("#id_slug").fill("journey-four-plan")
        page.locator("#id_kind").select_option("improvement_plan")
        _autocomplete(page, "id_organisation", "Stockton", "Stockton-on-Tees Borough Council")
        page.locator("#id_start").fill("2026-04-01")
        page.locator("#id_end").fill("2027-03-31")
        page.locator("#id_status").select_option("active")
        page.get_by_role("button", name="Add another Priority").click()
        inline = page.locator("#priorities-0")
        inline.locator("input[name$=number]").fill("1")
        inline.locator("input[name$=title]").fill(J4_PRIORITY)
        _admin_save(page)
        assert "was added successfully" in page.locator(".messagelist").inner_text()
        plan = Plan.objects.get(title=J4_PLAN)
        priority = plan.priorities.get()
        assert priority.title == J4_PRIORITY

        # The action, led by the Person linked to jane.smith.
        page.goto("/admin/actions/action/add/")
        _autocomplete(page, "id_plan", "Journey Four", J4_PLAN)
        _autocomplete(page, "id_priority", "Journey four", J4_PRIORITY)
        page.locator("#id_number").fill("1.1")
        page.locator("#id_description").fill(J4_ACTION)
        page.locator("#id_success_criteria").fill("In post by March 2027.")
        _autocomplete(page, "id_lead", "Jane", jane.name)
        page.locator("#id_timescale_text").fill("Mar 27")
        _admin_save(page)
        action = Action.objects.get(description=J4_ACTION)
        assert (action.plan, action.priority, action.lead) == (plan, priority, jane)

        # Jane sees it on "My actions", due an update, under the new plan.
        officer = sign_in(officer_context.new_page(), "jane.smith")
        pages.append(officer)
        officer.goto(reverse("actions:mine"))
        section = officer.locator("section").filter(
            has=officer.get_by_role("heading", name=J4_PLAN)
        )
        assert section.count() == 1
        row = section.get_by_role("row").filter(
            has=officer.get_by_role("link", name=J4_ACTION, exact=True)
        )
        assert row.count() == 1
        assert "Update due" in row.inner_text() and "Mar 27" in row.inner_text()
    except Exception:
        from .conftest import save_artifacts

        for i, p in enumerate(pages):
            save_artifacts(p, f"{request.node.nodeid}-{i}")
        raise
    finally:
        admin_context.close()
        officer_context.close()


# --- 5. An administrator imports the realistic workbook -----------------------------------------

J5_PLAN = "Improvement Plan (imported in the browser)"


def test_an_administrator_imports_the_realistic_workbook_through_the_preview_and_sees_the_plan(
    signed_in_page, console_errors
):
    page = signed_in_page("admin")
    page.goto(reverse("imports:index"))
    page.get_by_role("link", name="Import a plan").first.click()
    page.wait_for_url("**" + reverse("imports:plan_upload"))
    response = upload_realistic_workbook(page, J5_PLAN)

    # The preview says what will happen, and nothing is saved yet.
    assert response.status == 200
    assert page.title().startswith("Check the import of improvement_plan_realistic.xlsx")
    counts = page.get_by_role("table", name="What will happen").inner_text()
    assert "38" in counts and "4" in counts
    assert page.locator(".govuk-error-summary").count() == 0
    assert not Plan.objects.filter(title=J5_PLAN).exists()

    with page.expect_navigation():
        page.get_by_role("button", name="Import the plan").click()
    plan = Plan.objects.get(title=J5_PLAN)
    assert page.url.endswith(plan.get_absolute_url())
    assert (
        "Imported improvement_plan_realistic.xlsx"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert page.get_by_role("heading", level=1).inner_text() == J5_PLAN
    assert plan.actions.count() == 38
    main = page.locator("main").inner_text()
    for number in ("1.1.1", "2.4.5", "4.5"):
        assert plan.actions.get(number=number).description[:40] in " ".join(main.split())
    # It is listed with the other plans.
    page.goto(reverse("plans:list"))
    assert page.get_by_role("link", name=J5_PLAN, exact=True).count() == 1
    assert console_errors(page) == []


def test_the_focus_check_fails_when_the_focus_is_not_visible(signed_in_page):
    """The keyboard journey's focus check is not vacuous: a link whose focus style is removed
    (outline and box-shadow) is reported as not visible."""
    page = signed_in_page("jane.smith")
    page.goto(reverse("actions:mine"))
    page.keyboard.press("Tab")
    assert _focused(page)["ok"] is True
    page.evaluate(
        "() => { const el = document.activeElement;"
        " el.style.setProperty('outline', 'none', 'important');"
        " el.style.setProperty('box-shadow', 'none', 'important'); }"
    )
    assert _focused(page)["ok"] is False
