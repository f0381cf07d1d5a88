"""Issue 16 in the browser, without JavaScript doing the work: an administrator prepares an
inspection's evidence pack, lands on the job's page and downloads the pack, which verifies; a
large upload is read and committed by jobs and the administrator still goes from the preview to
the plan. (In the browser suite the in-process task backend runs each job as it is started.)"""

import zipfile

import pytest
from django.urls import reverse

from core.models import Job
from inspections import evidence
from inspections.models import Inspection
from plans.models import Plan

from .steps import upload_realistic_workbook
from .test_accessibility import IMPROVEMENT_PLAN

pytestmark = pytest.mark.browser


def test_an_administrator_prepares_an_evidence_pack_and_downloads_it_from_the_jobs_page(
    signed_in_page, tmp_path
):
    page = signed_in_page("admin")
    inspection = Inspection.objects.get(follows__isnull=True, plans__slug=IMPROVEMENT_PLAN)
    page.goto(reverse("inspections:evidence_pack", args=[inspection.pk]))
    with page.expect_navigation(timeout=180_000):  # the in-process backend lays out the PDFs
        page.get_by_role("button", name="Prepare the evidence pack").click(timeout=180_000)
    job = Job.objects.filter(kind=Job.Kind.EVIDENCE_PACK).latest("pk")
    assert page.url.endswith(reverse("job_detail", args=[job.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == "Evidence pack ready"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".zip" and zipfile.is_zipfile(path)
    assert evidence.verify(path.read_bytes()) == []
    page.goto(reverse("jobs"))
    row = page.get_by_role("row").filter(has_text=f"#{job.pk}")
    assert "Finished" in row.inner_text() and "files" in row.inner_text()


def test_a_large_upload_is_read_and_committed_by_jobs_and_ends_on_the_plan(
    signed_in_page, settings
):
    settings.INLINE_IMPORT_MAX_BYTES = 1_000  # the realistic workbook is about 11 KB
    title = "Improvement Plan (imported by background jobs)"
    page = signed_in_page("admin")
    upload_realistic_workbook(page, title)
    assert page.title().startswith("Check the import of improvement_plan_realistic.xlsx")
    assert Job.objects.filter(kind=Job.Kind.IMPORT_PREVIEW, status=Job.Status.SUCCEEDED)
    assert not Plan.objects.filter(title=title).exists()
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="Import the plan").click(timeout=120_000)
    plan = Plan.objects.get(title=title)
    assert page.url.endswith(plan.get_absolute_url())
    assert (
        "Imported improvement_plan_realistic.xlsx"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert plan.actions.count() == 38
    assert Job.objects.get(kind=Job.Kind.IMPORT_COMMIT).status == Job.Status.SUCCEEDED
