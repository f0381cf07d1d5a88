"""Issuing a board pack: freezing its data and its HTML, once per meeting, so that later
corrections never change what the board was shown (the next pack lists them instead)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.models import IssuedPack, Meeting
from boards.packs.html import render_pack_html
from boards.packs.snapshot import build_pack, pack_moment
from boards.packs.stored import FORMATS, issued_fingerprint
from core import audit
from core.formatting import moment_text
from core.models import AuditEvent, Job
from core.tasks import start_job


class PackAlreadyIssued(Exception):
    """A meeting's pack can be issued once only."""


@transaction.atomic
def pack_issue(*, meeting: Meeting, issued_by, request=None) -> IssuedPack:
    """Freeze the pack of a meeting: its data and its HTML, as at the end of the meeting day (or
    now, before the meeting). Once only per meeting; logged in the audit log. Its files (PDF,
    .xlsx, .docx) are made by a job queued when the transaction commits."""
    if IssuedPack.objects.filter(meeting=meeting).exists():
        raise PackAlreadyIssued(meeting)
    as_at = pack_moment(meeting)
    snapshot = build_pack(meeting, as_at=as_at)
    name = (issued_by.get_full_name() or issued_by.get_username()) if issued_by else ""
    snapshot["status"] = {
        "issued": True,
        "text": f"Issued {moment_text(timezone.now())}" + (f" by {name}" if name else ""),
    }
    try:
        with transaction.atomic():
            pack = IssuedPack.objects.create(
                meeting=meeting,
                issued_by=issued_by,
                as_at=as_at,
                snapshot=snapshot,
                html=render_pack_html(snapshot),
            )
    except IntegrityError as exc:  # issued by someone else at the same moment
        raise PackAlreadyIssued(meeting) from exc
    audit.record(
        AuditEvent.Kind.PACK_ISSUED,
        request=request,
        user=issued_by,
        summary=f"Issued the board pack for {meeting}",
        meeting=meeting.pk,
        pack=pack.pk,
        as_at=as_at.isoformat(),
    )
    # Its PDF, spreadsheet and Word document are made once, off the request path, and stored.
    start_job(
        Job.Kind.PACK_FILES,
        requester=issued_by,
        meeting=meeting.pk,
        formats=[f.value for f in FORMATS],
        fingerprint=issued_fingerprint(pack.pk),
    )
    return pack


def issued_pack_for(meeting: Meeting) -> IssuedPack | None:
    """The meeting's issued pack, with who issued it (None until it is issued)."""
    return IssuedPack.objects.filter(meeting=meeting).select_related("issued_by").first()
