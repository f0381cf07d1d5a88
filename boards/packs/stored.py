"""Board pack files rendered once, off the request path, and served from storage (issue 16).

A download of a pack never renders it in the request. It looks for the stored file that shows
what the pack shows now (``fingerprint``): an issued pack's files are made once when it is
issued (``issued-<pk>``); a draft's are keyed by the SHA-256 of its data, so a draft is served
again until the data it shows changes. When there is no such file, the request starts a
``PACK_FILES`` job (or joins the one already waiting for the same meeting, format and
fingerprint) and the user is shown a page saying it is being prepared.

The job's runner (``boards.tasks``) calls ``render_and_store``, which is idempotent: a file
already stored with the same fingerprint that still has its digest is kept, not rendered again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.models import IssuedPack, Meeting, PackFile
from boards.packs.context import with_pack_context
from boards.packs.pdf import render_pdf_volumes
from boards.packs.snapshot import build_pack, draft_key, draft_pack
from boards.packs.word import pack_docx
from boards.packs.xlsx import pack_xlsx
from core import files
from core.freshness import cached
from core.spreadsheets import XLSX_CONTENT_TYPE

logger = logging.getLogger("boards.packs")

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_TYPE = "application/zip"
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE, "docx": DOCX_TYPE}
FORMATS = [PackFile.Format.PDF, PackFile.Format.XLSX, PackFile.Format.DOCX]

#: Raised when the renderers or their templates change in a way that changes the files, so
#: drafts stored before are rendered again (issued packs keep the file made at issue).
RENDER_VERSION = 1

#: How long a draft's file is kept once a newer version of the same pack and format is stored
#: (its data changed, or the pack was issued): long enough for a download already started, or a
#: link on someone's "Downloads and jobs" page, to be used; after that it is deleted with its
#: stored file when the next version is stored, so drafts do not pile up in storage.
SUPERSEDED_DRAFT_KEPT_FOR = timedelta(days=1)

#: Parts of a draft's data that change with the clock alone (a meeting still to come is shown
#: "as at now"): the rest decides whether a stored draft still shows what the pack shows.
_CLOCK_ONLY = ("as_at", "as_at_text")


def pack_file_stem(meeting: Meeting) -> str:
    """``<board>-pack-<date>``: the board's name in lower case, runs of other characters as one
    hyphen."""
    board = "".join(c if c.isalnum() else "-" for c in meeting.board.name.lower()).strip("-")
    while "--" in board:
        board = board.replace("--", "-")
    return f"{board}-pack-{meeting.date.isoformat()}"


def draft_fingerprint(snapshot: dict) -> str:
    """The SHA-256 of what a draft pack shows (its data without the moment it was read)."""
    data = {key: value for key, value in snapshot.items() if key not in _CLOCK_ONLY}
    text = json.dumps([RENDER_VERSION, data], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def draft_fingerprint_of(meeting: Meeting, *, version: int | None) -> str:
    """The fingerprint of the meeting's draft pack as it stands, cached with the pack itself
    until the data changes (hashing a large pack takes longer than reading it from the
    cache)."""
    where = draft_key(meeting)
    return cached(
        f"{where.key}:fingerprint:{RENDER_VERSION}",
        lambda: draft_fingerprint(draft_pack(meeting, version=version)),
        version=version,
        timeout=where.timeout,
    )


def issued_fingerprint(issued_pack_id: int) -> str:
    return f"issued-{issued_pack_id}"


@dataclass(frozen=True)
class Rendered:
    filename: str
    content_type: str
    data: bytes
    volumes: int = 1


def render_format(
    meeting: Meeting, fmt: str, snapshot: dict, issued: IssuedPack | None
) -> Rendered:
    """One format of the pack, rendered from ``snapshot`` (the issued pack's own when issued).
    A PDF too long for one volume is several, in a .zip."""
    stem = pack_file_stem(meeting)
    if fmt == PackFile.Format.PDF:
        volumes = render_pdf_volumes(meeting, snapshot=snapshot, issued=issued)
        if len(volumes) == 1:
            return Rendered(f"{stem}.pdf", CONTENT_TYPES["pdf"], volumes[0][1])
        return Rendered(f"{stem}-volumes.zip", ZIP_TYPE, zipped(volumes), volumes=len(volumes))
    if fmt == PackFile.Format.XLSX:
        return Rendered(f"{stem}.xlsx", CONTENT_TYPES["xlsx"], pack_xlsx(snapshot, issued=issued))
    if fmt == PackFile.Format.DOCX:
        return Rendered(f"{stem}.docx", CONTENT_TYPES["docx"], pack_docx(snapshot))
    raise ValueError(f"Unknown pack format {fmt!r}.")


def zipped(named: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in named:
            archive.writestr(name, data)
    return buffer.getvalue()


def intact(pack_file: PackFile) -> bool:
    """Whether the stored file is there and still has its digest."""
    try:
        files.verify(pack_file.file.name, pack_file.sha256)
    except (files.StoredFileMissing, files.StoredFileCorrupt):
        return False
    return True


def meeting_for_rendering(meeting_id: int) -> Meeting:
    """The meeting with its board and what its pack needs of earlier meetings (one query)."""
    return with_pack_context(Meeting.objects.select_related("board", "board__organisation")).get(
        pk=meeting_id
    )


@dataclass
class StoreResult:
    pack_files: list[PackFile]
    made: list[str]
    kept: list[str]


def render_and_store(meeting_id: int, formats: list[str], progress=None) -> StoreResult:
    """Render the meeting's pack in ``formats`` and store each file with its SHA-256: the issued
    pack when there is one, else the draft as it is now. Idempotent: a file already stored for
    the same fingerprint whose digest still matches is kept as it is."""
    meeting = meeting_for_rendering(meeting_id)
    issued = IssuedPack.objects.filter(meeting=meeting).select_related("issued_by").first()
    if issued is not None:
        snapshot, fingerprint = issued.snapshot, issued_fingerprint(issued.pk)
    else:
        snapshot = build_pack(meeting)
        fingerprint = draft_fingerprint(snapshot)
    result = StoreResult(pack_files=[], made=[], kept=[])
    for done, fmt in enumerate(formats, start=1):
        existing = PackFile.objects.filter(
            meeting=meeting, format=fmt, fingerprint=fingerprint
        ).first()
        if existing is not None and intact(existing):
            result.pack_files.append(existing)
            result.kept.append(fmt)
        else:
            if existing is not None:
                logger.error(
                    "Pack file %s (%s) is missing or damaged in storage; rendering it again",
                    existing.pk,
                    existing.file.name,
                )
            rendered = render_format(meeting, fmt, snapshot, issued)
            result.pack_files.append(_store(meeting, issued, fmt, fingerprint, rendered))
            result.made.append(fmt)
        if progress is not None:
            progress(done, len(formats))
    return result


def _store(
    meeting: Meeting, issued: IssuedPack | None, fmt: str, fingerprint: str, rendered: Rendered
) -> PackFile:
    stored = files.save(
        PackFile.file.field.generate_filename(None, rendered.filename), rendered.data
    )
    values = {
        "issued_pack": issued,
        "file": stored.name,
        "filename": rendered.filename,
        "content_type": rendered.content_type,
        "sha256": stored.sha256,
        "size": stored.size,
        "volumes": rendered.volumes,
    }
    try:
        with transaction.atomic():
            pack_file, _ = PackFile.objects.update_or_create(
                meeting=meeting, format=fmt, fingerprint=fingerprint, defaults=values
            )
    except IntegrityError:  # stored at the same moment by another worker: theirs stands
        pack_file = PackFile.objects.get(meeting=meeting, format=fmt, fingerprint=fingerprint)
    prune_superseded_drafts(meeting, fmt, keep=fingerprint)
    return pack_file


def prune_superseded_drafts(meeting: Meeting, fmt: str, *, keep: str) -> list[str]:
    """Delete the meeting's draft files in ``fmt`` that a newer version (``keep``) supersedes and
    that were stored more than ``SUPERSEDED_DRAFT_KEPT_FOR`` ago, with their stored files (once
    the deletion is committed). Issued packs' files are never deleted. Returns the names of the
    stored files deleted."""
    stale = PackFile.objects.filter(
        meeting=meeting,
        format=fmt,
        issued_pack__isnull=True,
        created_at__lt=timezone.now() - SUPERSEDED_DRAFT_KEPT_FOR,
    ).exclude(fingerprint=keep)
    names = list(stale.values_list("file", flat=True))
    if names:
        stale.delete()
        transaction.on_commit(lambda: _delete_stored(names))
        logger.info(
            "Deleted %s superseded draft %s file(s) of meeting %s", len(names), fmt, meeting.pk
        )
    return names


def _delete_stored(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # already gone, or the storage refused: the row is gone either way
            logger.warning("Could not delete the superseded pack file %s from storage", name)
