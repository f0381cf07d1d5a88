"""Steps shared by the journeys and the accessibility scan (functions of a Playwright page)."""

from pathlib import Path

from django.urls import reverse

REALISTIC_WORKBOOK = (
    Path(__file__).resolve().parent.parent / "data" / ("improvement_plan_realistic.xlsx")
)
STOCKTON = "Stockton-on-Tees Borough Council"


def upload_realistic_workbook(page, title: str):
    """As an administrator: upload the realistic workbook as a new Stockton plan called
    ``title``, and land on its preview (returns the preview's response)."""
    page.goto(reverse("imports:plan_upload"))
    page.get_by_label("Spreadsheet", exact=True).set_input_files(str(REALISTIC_WORKBOOK))
    page.get_by_role("radio", name="Create a new plan").check()
    page.get_by_label("Organisation that owns the plan").select_option(label=STOCKTON)
    page.get_by_label("Title of the plan").fill(title)
    page.get_by_label("Version (optional)").fill("Draft April 2023")
    page.get_by_label("Period start").fill("1/4/2023")
    page.get_by_label("Period end").fill("31/3/2024")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Upload and preview").click()
    return navigation.value


def fill_date(page, legend: str, day: str, month: str, year: str):
    """Fill a GOV.UK date input (the group named by its legend) box by box."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)
