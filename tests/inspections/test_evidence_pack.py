"""The evidence pack: one zip per inspection as at a date, whose manifest verifies, with nothing
recorded after the date in it, and recorded in the audit log."""

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import StatusUpdate
from boards.models import IssuedPack, Meeting
from core.models import AuditEvent, Job
from inspections import evidence, services
from inspections.models import VisitFinding
from tests import factories
from tests.factories import inspections as ifac
from tests.factories.boards import add_measure, edit_update, london, rate, recorded_at
from tests.factories.jobs import download, job_of

pytestmark = pytest.mark.django_db


def sheet_text(content: bytes, member: str, sheet: str) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        wb = load_workbook(io.BytesIO(zf.read(member)), read_only=True)
        return "\n".join(
            " | ".join("" if v is None else str(v) for v in row)
            for row in wb[sheet].iter_rows(values_only=True)
        )


@pytest.fixture
def world():
    plan = factories.plan(title="Improvement plan")
    priority = factories.priority(plan)
    with recorded_at(london(2023, 1, 5, 9)):
        a = factories.action(priority, description="Practice standards", timescale_text="May 23")
        b = factories.action(priority, description="Reflective supervision")
    insp = ifac.inspection(plans=[plan], organisation=plan.organisation)
    rec = ifac.recommendation(insp, number="1", created_at=london(2023, 1, 1))
    ifac.recommendation(insp, number="2", created_at=london(2023, 1, 1))
    ifac.link(rec, a, at=london(2023, 1, 10))
    first = rate(a, "amber", london(2023, 2, 20, 10), commentary="Drafting the standards")
    rate(b, "green", london(2023, 2, 21, 10))
    with recorded_at(london(2023, 1, 2, 9)):
        measure = add_measure(plan, values=[(2020, "30"), (2021, "40"), (2022, "35")], target="50")
    rec.measures.add(measure)
    board = factories.board(organisation=plan.organisation)
    board.plans.add(plan)
    meeting = Meeting.objects.create(board=board, date=date(2023, 3, 16))
    admin = factories.admin_user()
    with recorded_at(london(2023, 3, 17, 9)):
        IssuedPack.objects.create(
            meeting=meeting,
            issued_by=admin,
            as_at=london(2023, 3, 16, 23),
            snapshot={"as_at_text": "16 March 2023"},
            html="<h2>Pack body as issued</h2>",
        )
    return {
        "plan": plan,
        "insp": insp,
        "rec": rec,
        "a": a,
        "b": b,
        "first": first,
        "admin": admin,
        "board": board,
    }


def test_the_pack_has_a_pdf_and_xlsx_per_finding_issued_packs_and_a_manifest_that_verifies(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["admin"])
    url = reverse("inspections:evidence_pack", args=[world["insp"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"as_at": "31/03/2023"})
    assert started.status_code == 302
    job = job_of(started)
    assert job.kind == Job.Kind.EVIDENCE_PACK and job.requester == world["admin"]
    response = download(client, job)
    assert response["Content-Type"] == "application/zip"
    content = response.body
    assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
    assert evidence.verify(content) == []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = set(zf.namelist())
        manifest_bytes = zf.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        for entry in manifest["files"]:
            assert hashlib.sha256(zf.read(entry["path"])).hexdigest() == entry["sha256"]
        assert zf.comment.decode().endswith(hashlib.sha256(manifest_bytes).hexdigest())
        pdfs = [n for n in names if n.endswith(".pdf")]
        assert all(zf.read(n).startswith(b"%PDF") for n in pdfs)
        pack_html = zf.read(next(n for n in names if n.startswith("board-packs/"))).decode()
    assert {
        "recommendation-1/recommendation-1.pdf",
        "recommendation-1/recommendation-1.xlsx",
        "recommendation-2/recommendation-2.pdf",
        "recommendation-2/recommendation-2.xlsx",
        "manifest.json",
    } <= names
    assert "Pack body as issued" in pack_html
    assert manifest["as_at"] == "2023-03-31"
    assert world["admin"].get_username() in manifest["generated_by"]
    assert set(names) == {f["path"] for f in manifest["files"]} | {"manifest.json"}
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT, detail__format="zip")
    assert event.detail["manifest_sha256"] == hashlib.sha256(manifest_bytes).hexdigest()
    assert event.user == world["admin"] and event.detail["job"] == job.pk
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.JOB_FINISHED, detail__job=job.pk)

    actions = sheet_text(content, "recommendation-1/recommendation-1.xlsx", "Actions")
    assert "Practice standards" in actions and "Reflective supervision" not in actions
    history = sheet_text(content, "recommendation-1/recommendation-1.xlsx", "RAG history")
    assert "Drafting the standards" in history and "Amber" in history
    measures = sheet_text(content, "recommendation-1/recommendation-1.xlsx", "Measures")
    assert "2022/23" in measures and "Off target" in measures


def test_a_tampered_file_fails_verification(world):
    pack = evidence.build_evidence_pack(world["insp"], as_at=date(2023, 3, 31), user=None)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack.content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith(".xlsx"):
                data += b"tampered"
            dst.writestr(item, data)
    assert any("does not match" in p for p in evidence.verify(out.getvalue()))


def test_later_edits_never_leak_into_a_pack_as_at_an_earlier_date(world):
    before = evidence.build_evidence_pack(world["insp"], as_at=date(2023, 3, 31), user=None)
    # After 31 March: the update is reworded, the action completed with evidence, its timescale
    # revised, another action linked, another pack issued.
    edit_update(world["first"], london(2023, 4, 3), commentary="Reworded later", reason="fix")
    rate(world["a"], "complete", london(2023, 4, 20, 10), evidence_of_impact="Audit shows change")
    with recorded_at(london(2023, 4, 21)):
        world["a"].timescale_text = "Sep 23"
        world["a"]._change_reason = "Agreed by the board"
        world["a"].save()
    ifac.link(world["rec"], world["b"], at=london(2023, 4, 22))
    visit = ifac.inspection(
        organisation=world["insp"].organisation,
        kind="monitoring",
        follows=world["insp"],
        title="Monitoring visit",
        on_site_start=date(2023, 3, 1),
        on_site_end=date(2023, 3, 2),
    )
    with recorded_at(london(2023, 4, 23)):  # written up after the as-at date
        VisitFinding.objects.create(
            visit=visit, recommendation=world["rec"], progress="some", said="Said later"
        )
    meeting = Meeting.objects.create(board=world["board"], date=date(2023, 4, 20))
    with recorded_at(london(2023, 4, 21, 9)):
        IssuedPack.objects.create(
            meeting=meeting,
            issued_by=world["admin"],
            as_at=london(2023, 4, 20, 23),
            snapshot={},
            html="<p>April pack</p>",
        )
    after = evidence.build_evidence_pack(world["insp"], as_at=date(2023, 3, 31), user=None)
    member = "recommendation-1/recommendation-1.xlsx"
    for sheet in ("Actions", "RAG history", "Measures", "Visits", "Board packs"):
        assert sheet_text(before.content, member, sheet) == sheet_text(after.content, member, sheet)
    text = sheet_text(after.content, member, "Actions") + sheet_text(
        after.content, member, "RAG history"
    )
    assert "Reworded later" not in text and "Audit shows change" not in text
    assert "Sep 23" not in text and "Reflective supervision" not in text
    assert [f["path"] for f in after.manifest["files"]] == [
        f["path"] for f in before.manifest["files"]
    ]

    now = evidence.build_evidence_pack(world["insp"], as_at=date(2023, 4, 30), user=None)
    text = sheet_text(now.content, member, "Actions") + sheet_text(
        now.content, member, "RAG history"
    )
    assert "Reworded later" in text and "Audit shows change" in text
    assert "Sep 23" in text and "Agreed by the board" in text
    assert "Said later" in sheet_text(now.content, member, "Visits")
    assert "Said later" not in sheet_text(after.content, member, "Visits")
    assert "Reflective supervision" in text
    assert sum(1 for f in now.manifest["files"] if f["path"].startswith("board-packs/")) == 2
    assert StatusUpdate.objects.filter(commentary="Reworded later").exists()


def test_the_as_at_date_must_be_valid_and_not_in_the_future(admin_client, world):
    url = reverse("inspections:evidence_pack", args=[world["insp"].pk])
    assert admin_client.get(url).status_code == 200
    html = admin_client.post(url, {"as_at": "31/02/2023"}).content.decode()
    assert "There is a problem" in html and "Enter a real date" in html
    html = admin_client.post(url, {"as_at": "01/01/2999"}).content.decode()
    assert "today or in the past" in html
    assert not Job.objects.exists()


def test_proposed_revised_timescales_and_their_reasons_are_in_the_pack(world):
    rate(
        world["a"],
        "amber",
        london(2023, 3, 20, 10),
        proposed_timescale="Jul 23",
        proposed_timescale_reason="Waiting for the new structure",
    )
    pack = evidence.build_evidence_pack(world["insp"], as_at=date(2023, 3, 31), user=None)
    actions = sheet_text(pack.content, "recommendation-1/recommendation-1.xlsx", "Actions")
    assert "proposed Jul 23 (Waiting for the new structure)" in actions
    assert services  # the services module builds links used above


def test_a_pack_over_its_pdf_budget_is_refused_with_a_form_error_before_any_pdf(
    client, world, settings, django_capture_on_commit_callbacks
):
    """Issue 18: a row budget on every render; the PDFs are the expensive part."""
    from unittest import mock

    client.force_login(world["admin"])
    url = reverse("inspections:evidence_pack", args=[world["insp"].pk])
    settings.PDF_MAX_ACTIONS = 0  # the fixture links one action
    with mock.patch("inspections.evidence._pdf", side_effect=AssertionError("built")):
        response = client.post(url, {"as_at": "31/03/2023"})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "would cover 1 actions, more than the 0" in html
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
    assert not Job.objects.exists()
    settings.PDF_MAX_ACTIONS = 1
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"as_at": "31/03/2023"})
    assert download(client, job_of(started))["Content-Type"] == "application/zip"


def test_a_self_evaluation_over_its_pdf_budget_is_refused_with_a_message(
    client, world, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    from inspections.models import SelfEvaluation

    sef = SelfEvaluation.objects.create(organisation=world["plan"].organisation, year="2024/25")
    sef.actions.add(world["a"], world["b"])
    client.force_login(world["admin"])
    settings.PDF_MAX_ACTIONS = 1
    url = reverse("inspections:self_evaluation_pdf", args=[sef.pk])
    with mock.patch("inspections.evidence._pdf", side_effect=AssertionError("built")):
        response = client.post(url, follow=True)
    assert "would cover 2 actions, more than the 1" in response.content.decode()
    assert not Job.objects.exists()
    settings.PDF_MAX_ACTIONS = 2
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    assert download(client, job_of(started)).body.startswith(b"%PDF")


def test_an_administrator_who_lost_the_role_before_the_pack_was_made_gets_no_pack(
    client, world, django_capture_on_commit_callbacks
):
    from accounts.models import Membership

    organisation_admin = factories.user(
        role="Administrators", organisation=world["insp"].organisation, is_staff=True
    )
    client.force_login(organisation_admin)
    url = reverse("inspections:evidence_pack", args=[world["insp"].pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(url, {"as_at": "31/03/2023"})
    Membership.objects.filter(user=organisation_admin).delete()
    organisation_admin.groups.clear()
    for callback in callbacks:
        callback()
    job = job_of(started)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert "may no longer make this inspection's evidence pack" in job.outcome
    assert not job.file
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
