"""Issue 16 in the browser, without JavaScript doing the work: an administrator prepares an
inspection's evidence pack, lands on the job's page and downloads the pack, which verifies; a
large upload is read and committed by jobs and the administrator still goes from the preview to
the plan. The evidence pack is made by a real worker process while the job's page reloads
itself; the import's jobs run in-process (the task backend of the test settings)."""

import zipfile

import pytest
from django.urls import reverse

from core.models import Job
from inspections import evidence
from inspections.models import Inspection
from plans.models import Plan

from .conftest import tasks_run_by
from .steps import upload_realistic_workbook
from .test_accessibility import IMPROVEMENT_PLAN

pytestmark = pytest.mark.browser


def test_an_administrator_prepares_an_evidence_pack_and_downloads_it_from_the_jobs_page(
    signed_in_page, tmp_path, queue_worker
):
    page = signed_in_page("admin")
    inspection = Inspection.objects.get(follows__isnull=True, plans__slug=IMPROVEMENT_PLAN)
    page.goto(reverse("inspections:evidence_pack", args=[inspection.pk]))
    with page.expect_navigation():  # the request only queues the job
        page.get_by_role("button", name="Prepare the evidence pack").click()
    job = Job.objects.filter(kind=Job.Kind.EVIDENCE_PACK).latest("pk")
    assert page.url.endswith(reverse("job_detail", args=[job.pk]))
    # The worker process lays out the PDFs; the job's page reloads itself until they are done.
    page.get_by_role("heading", level=1, name="Evidence pack ready").wait_for(timeout=180_000)
    assert len(tasks_run_by(queue_worker)) == 1
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
