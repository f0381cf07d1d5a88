"""Board pack files made by the queue and stored once (issue 16): downloads never render in the
request; a draft is served again until its data changes; an issued pack's files are made at
issue; damaged or missing files are made again; the runner is idempotent; long PDFs come in
volumes."""

import io
import logging
import shutil
import subprocess
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from boards.models import BoardMembership, Meeting, PackFile
from boards.packs import pdf as pack_pdf_module
from boards.packs.issuing import pack_issue
from boards.packs.pdf import plan_volumes, render_pdf_volumes
from boards.packs.snapshot import build_pack
from boards.packs.stored import (
    draft_fingerprint,
    meeting_for_rendering,
    prune_superseded_drafts,
    render_and_store,
)
from core import files
from core.models import AuditEvent, Job
from core.roles import Role
from tests import factories
from tests.boards.downloads import body
from tests.scenarios.boards import build_board_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    _, board = build_board_plan(4, 1, n_measures=1)
    return board.meetings.order_by("date")[1]


@pytest.fixture
def viewer(client):
    user = factories.user(role="Viewers")
    client.force_login(user)
    return user


def url(name: str, meeting: Meeting) -> str:
    return reverse(f"plans:{name}", kwargs={"pk": meeting.pk})


def ask(client, address):
    """One request, with the jobs it queues held back (as a worker would pick them up later);
    returns the response and the held-back callbacks."""
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.get(address)
    return response, callbacks


def run(callbacks) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        for callback in callbacks:
            callback()


def pack_jobs():
    return Job.objects.filter(kind=Job.Kind.PACK_FILES)


def test_a_draft_download_queues_a_job_and_never_renders_in_the_request(client, viewer, meeting):
    with (
        mock.patch("boards.packs.stored.pack_docx", side_effect=AssertionError("rendered")),
        mock.patch("boards.packs.stored.pack_xlsx", side_effect=AssertionError("rendered")),
        mock.patch.object(pack_pdf_module, "pack_pdf", side_effect=AssertionError("rendered")),
    ):
        response, callbacks = ask(client, url("meeting_docx", meeting))
    assert response.status_code == 200 and not response.streaming
    html = response.content.decode()
    assert "The board pack Word document (.docx) is being prepared" in html
    assert response["Refresh"] == f"5; url={url('meeting_docx', meeting)}"
    job = pack_jobs().get()
    assert (job.requester, job.status) == (viewer, Job.Status.QUEUED)
    assert job.parameters["formats"] == ["docx"] and job.parameters["meeting"] == meeting.pk
    assert f"#{job.pk}" in html and reverse("jobs") in html and "Queued" in html
    assert len(callbacks) == 1
    # The requester follows it on "Downloads and jobs".
    assert f"#{job.pk}" in client.get(reverse("jobs")).content.decode()


def test_the_file_is_made_once_and_served_until_the_data_changes(client, viewer, meeting):
    address = url("meeting_xlsx", meeting)
    _, callbacks = ask(client, address)
    run(callbacks)
    job = pack_jobs().get()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert "Board pack files made: xlsx" in job.outcome
    stored = PackFile.objects.get()
    assert stored.fingerprint == draft_fingerprint(build_pack(meeting_for_rendering(meeting.pk)))
    # The job's file is the stored one: downloadable from "Downloads and jobs" too.
    assert (job.file.name, job.sha256, job.size) == (stored.file.name, stored.sha256, stored.size)
    assert client.get(reverse("job_download", args=[job.pk])).streaming
    served = client.get(address)
    assert served.streaming and served["X-Content-SHA256"] == stored.sha256
    data = body(served)
    assert data[:2] == b"PK" and files.digest(data) == stored.sha256
    assert served["Content-Disposition"].endswith('.xlsx"')
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, detail__format="xlsx").exists()
    # Served again with no new job while nothing it shows has changed...
    assert client.get(address).streaming and pack_jobs().count() == 1
    # ...and made again once an action's words change.
    Action.objects.filter(plan__boards=meeting.board).update(description="Reworded since")
    response, callbacks = ask(client, address)
    assert "is being prepared" in response.content.decode() and pack_jobs().count() == 2
    run(callbacks)
    assert PackFile.objects.count() == 2
    assert client.get(address).streaming


def test_a_second_user_joins_the_job_already_queued(client, viewer, meeting):
    _, callbacks = ask(client, url("meeting_docx", meeting))
    other = factories.user(role="Viewers")
    client.force_login(other)
    response, more = ask(client, url("meeting_docx", meeting))
    assert pack_jobs().count() == 1 and more == []
    assert "Someone else asked for this file first" in response.content.decode()
    run(callbacks)
    assert client.get(url("meeting_docx", meeting)).streaming


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_a_damaged_or_missing_file_is_logged_and_made_again(
    client, viewer, meeting, damage, caplog
):
    address = url("meeting_docx", meeting)
    _, callbacks = ask(client, address)
    run(callbacks)
    stored = PackFile.objects.get()
    if damage == "corrupt":
        with default_storage.open(stored.file.name, "wb") as handle:
            handle.write(b"not the pack")
    else:
        default_storage.delete(stored.file.name)
    with caplog.at_level(logging.ERROR, logger="boards.packs"):
        response, callbacks = ask(client, address)
    word = "damaged" if damage == "corrupt" else "missing"
    assert f"The stored copy of this file was {word}" in response.content.decode()
    assert f"is {word} in storage" in caplog.text
    assert not PackFile.objects.filter(pk=stored.pk).exists() and pack_jobs().count() == 2
    run(callbacks)
    remade = PackFile.objects.get()
    assert files.verify(remade.file.name, remade.sha256) == remade.size
    assert client.get(address).streaming


def test_the_runner_is_idempotent(meeting):
    first = render_and_store(meeting.pk, ["xlsx", "docx"])
    assert first.made == ["xlsx", "docx"] and first.kept == []
    again = render_and_store(meeting.pk, ["xlsx", "docx"])
    assert again.made == [] and again.kept == ["xlsx", "docx"]
    assert [p.file.name for p in again.pack_files] == [p.file.name for p in first.pack_files]
    assert PackFile.objects.count() == 2
    # A damaged file is replaced; the intact one is kept.
    with default_storage.open(first.pack_files[0].file.name, "wb") as handle:
        handle.write(b"damaged")
    third = render_and_store(meeting.pk, ["xlsx", "docx"])
    assert third.made == ["xlsx"] and third.kept == ["docx"] and PackFile.objects.count() == 2


def test_a_failed_job_says_so_until_the_user_tries_again(client, viewer, meeting, settings):
    settings.TASK_MAX_ATTEMPTS = 1
    address = url("meeting_docx", meeting)
    with mock.patch("boards.packs.stored.pack_docx", side_effect=RuntimeError("out of memory")):
        run(ask(client, address)[1])
    assert pack_jobs().get().status == Job.Status.FAILED
    html = client.get(address).content.decode()
    assert "could not be made" in html and "out of memory" in html
    assert f'href="{address}?retry=1"' in html and pack_jobs().count() == 1
    _, callbacks = ask(client, address + "?retry=1")  # a new attempt
    assert pack_jobs().count() == 2
    run(callbacks)
    assert client.get(address).streaming


def test_issuing_makes_the_three_files_once(client, meeting):
    admin = factories.admin_user()
    with TestCase.captureOnCommitCallbacks(execute=True):
        pack = pack_issue(meeting=meeting, issued_by=admin)
    job = pack_jobs().get()
    assert job.requester == admin and job.status == Job.Status.SUCCEEDED
    stored = PackFile.objects.filter(issued_pack=pack)
    assert sorted(stored.values_list("format", flat=True)) == ["docx", "pdf", "xlsx"]
    member = factories.user(role=Role.BOARD_MEMBER)
    BoardMembership.objects.create(board=meeting.board, person=factories.person(user=member))
    client.force_login(member)
    for name in ("meeting_pdf", "meeting_xlsx", "meeting_docx"):
        assert client.get(url(name, meeting)).streaming, name
    assert pack_jobs().count() == 1  # nothing rendered again
    # Later changes never reach the issued files.
    Action.objects.filter(plan__boards=meeting.board).update(description="Reworded since")
    assert client.get(url("meeting_xlsx", meeting)).streaming and pack_jobs().count() == 1


def test_downloads_are_refused_to_other_boards_without_a_job(client, meeting):
    outsider = factories.user(role=Role.BOARD_MEMBER)
    _, other_board = build_board_plan(2, 1)
    BoardMembership.objects.create(board=other_board, person=factories.person(user=outsider))
    client.force_login(outsider)
    for name in ("meeting_pdf", "meeting_xlsx", "meeting_docx"):
        assert client.get(url(name, meeting)).status_code == 403
    assert not pack_jobs().exists()


@pytest.mark.parametrize("stage", ["preparing", "serving"])
def test_download_queries_do_not_grow_with_the_pack(
    client, viewer, stage, django_assert_max_num_queries
):
    counts = []
    for size in [(3, 1), (60, 3)]:
        _, board = build_board_plan(*size, n_measures=2)
        meeting = board.meetings.order_by("date")[1]
        address = url("meeting_docx", meeting)
        client.get(reverse("jobs"))  # the session's activity clock, written once a minute
        if stage == "serving":
            run(ask(client, address)[1])
        with (
            TestCase.captureOnCommitCallbacks(execute=False),
            django_assert_max_num_queries(30) as captured,
        ):
            response = client.get(address)
        assert response.streaming == (stage == "serving")
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_long_pack_is_split_into_volumes(settings, meeting):
    def sizes(*counts):
        plans = [{"priorities": [{"actions": [1] * n}]} for n in counts]
        return [len(volume) for volume in plan_volumes(plans, 5)]

    assert sizes(3, 2, 4, 1) == [2, 2] and sizes(6, 1, 1) == [1, 2] and sizes(5) == [1]
    _, board = build_board_plan(3, 1, n_measures=0)
    board.plans.add(*meeting.board.plans.all())  # two plans: 3 and 4 actions
    meeting = board.meetings.order_by("date")[1]
    settings.PDF_VOLUME_ACTIONS = 4
    volumes = render_pdf_volumes(meeting_for_rendering(meeting.pk))
    assert [name.rsplit("-", 4)[1:] for name, _ in volumes] == [
        ["volume", "1", "of", "2.pdf"],
        ["volume", "2", "of", "2.pdf"],
    ]
    texts = [pdf_text(data) for _, data in volumes]
    assert "Volume 1 of 2" in texts[0] and "Volume 2 of 2" in texts[1]
    titles = [p.title for p in board.plans.order_by("title", "pk")]
    assert titles[0] in texts[0] and titles[1] in texts[1]
    result = render_and_store(meeting.pk, ["pdf"])
    stored = result.pack_files[0]
    assert stored.volumes == 2 and stored.content_type == "application/zip"
    with default_storage.open(stored.file.name, "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert names == [name for name, _ in volumes]


def pdf_text(content: bytes) -> str:
    return subprocess.run(  # noqa: S603 - a fixed poppler tool reading our own PDF
        [shutil.which("pdftotext"), "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_superseded_drafts_are_deleted_a_day_later_issued_files_never(meeting):
    """Each change to a draft's data makes a new file when someone downloads it: the older ones
    go (row and stored file) once they are a day old and a newer version is stored; a younger
    superseded file stays for a download already started; an issued pack's files stay."""
    words = iter(f"Reworded {n}" for n in range(10))

    def change_the_data():
        Action.objects.filter(plan__boards=meeting.board).update(description=next(words))

    old = render_and_store(meeting.pk, ["xlsx", "docx"]).pack_files
    PackFile.objects.filter(pk__in=[p.pk for p in old]).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    change_the_data()
    with TestCase.captureOnCommitCallbacks() as callbacks:
        recent = render_and_store(meeting.pk, ["xlsx"]).pack_files[0]
    old_xlsx, old_docx = old
    # The day-old .xlsx goes with the new version; its stored file once that is committed.
    assert not PackFile.objects.filter(pk=old_xlsx.pk).exists()
    assert default_storage.exists(old_xlsx.file.name)
    run(callbacks)
    assert not default_storage.exists(old_xlsx.file.name)
    PackFile.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(hours=23))
    change_the_data()
    with TestCase.captureOnCommitCallbacks(execute=True):
        newest = render_and_store(meeting.pk, ["xlsx"]).pack_files[0]
    # The 23-hour-old one and the newest stay; the .docx, not made again, is not touched.
    assert set(PackFile.objects.filter(format="xlsx")) == {recent, newest}
    assert default_storage.exists(recent.file.name) and default_storage.exists(newest.file.name)
    assert PackFile.objects.filter(pk=old_docx.pk).exists()
    # Once issued, the pack's own files are made and the drafts they replace go in time.
    admin = factories.admin_user()
    with TestCase.captureOnCommitCallbacks(execute=True):
        pack = pack_issue(meeting=meeting, issued_by=admin)
    issued = set(PackFile.objects.filter(issued_pack=pack).values_list("format", flat=True))
    assert issued == {"pdf", "xlsx", "docx"}
    assert not PackFile.objects.filter(pk=old_docx.pk).exists()  # a day old: replaced at issue
    assert PackFile.objects.filter(pk=newest.pk).exists()  # too young yet
    PackFile.objects.update(created_at=timezone.now() - timedelta(days=30))
    with TestCase.captureOnCommitCallbacks(execute=True):
        render_and_store(meeting.pk, ["pdf", "xlsx", "docx"])  # kept, nothing made
        for fmt in ("pdf", "xlsx", "docx"):
            prune_superseded_drafts(meeting, fmt, keep=f"issued-{pack.pk}")
    remaining = PackFile.objects.all()
    assert {p.issued_pack_id for p in remaining} == {pack.pk} and remaining.count() == 3
    assert all(files.verify(p.file.name, p.sha256) == p.size for p in remaining)


def test_administrators_see_the_stored_pack_files_read_only(client, meeting):
    render_and_store(meeting.pk, ["xlsx"])
    stored = PackFile.objects.get()
    admin = factories.admin_user()
    client.force_login(admin)
    changelist = reverse("admin:boards_packfile_changelist")
    html = client.get(changelist).content.decode()
    assert stored.filename in html and "Spreadsheet (.xlsx)" in html
    assert client.get(reverse("admin:boards_packfile_add")).status_code == 403
    change = client.get(reverse("admin:boards_packfile_change", args=[stored.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    delete = client.get(reverse("admin:boards_packfile_delete", args=[stored.pk]))
    assert delete.status_code == 403
    client.force_login(factories.officer())
    assert client.get(changelist).status_code == 302
