"""Writes around an import: keep the uploaded file with its preview, change its column mapping,
and commit it (all or nothing), leaving an audit record. Views and the management commands call
these."""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEvent
from plans.models import Plan
from transfer.imports.measure_rows import MeasureValuesImporter
from transfer.imports.plan_changes import ImportBlocked, PlanImporter
from transfer.imports.plan_rows import Issue
from transfer.imports.reading import (
    ImportFileError,
    read_source,
    source_from_json,
    source_to_json,
    table_from_json,
    table_to_json,
)
from transfer.imports.statistics_sheets import statistics_table
from transfer.models import PlanImport

logger = logging.getLogger(__name__)

IMPORTERS = {
    PlanImport.Kind.PLAN: PlanImporter,
    PlanImport.Kind.MEASURE_VALUES: MeasureValuesImporter,
}


class AlreadyImported(Exception):
    """The upload has been committed already (a second click on the button, say)."""


def importer_for(
    *, kind: str, filename: str, content: bytes, options: dict, table=None, source=None
):
    """A prepared importer for a file; ``ImportFileError`` when the file cannot be read. For a
    measure import, a ``table`` already read from the file is used instead of reading it again;
    a plan import uses the whole file as read already (``source``: every sheet, with fills and
    merges) in the same way."""
    if kind == PlanImport.Kind.PLAN:
        if source is None:
            source = read_source(filename=filename, content=content)
        importer = PlanImporter(source=source, options=options)
        importer.prepare()
        return importer
    if table is None:
        table = statistics_table(read_source(filename=filename, content=content), sheet_of(options))
    importer = IMPORTERS[kind](table=table, options=options)
    importer.prepare()
    return importer


def source_of(plan_import: PlanImport):
    """A plan upload's whole file: as read at upload when kept for exactly this file, else read
    from the file again."""
    content = bytes(plan_import.content)
    kept = source_from_json(plan_import.table, content=content)
    if kept is not None:
        return kept
    return read_source(filename=plan_import.filename, content=content)


def read_again(plan_import: PlanImport, options: dict | None = None) -> dict:
    """What ``importer_for`` needs of an upload's file without parsing it again (with the
    ``options`` about to be used: a measure import's sheet may have been chosen)."""
    if plan_import.kind == PlanImport.Kind.PLAN:
        return {"source": source_of(plan_import)}
    return {"table": table_of(plan_import, options)}


def table_of(plan_import: PlanImport, options: dict | None = None):
    """The rows of an upload: as read at upload when kept for exactly this file (the file is
    read, within its budget, once), else read from the file again."""
    content = bytes(plan_import.content)
    kept = table_from_json(plan_import.table, content=content)
    sheet = sheet_of(plan_import.options if options is None else options)
    if kept is not None and (not sheet or kept.sheet == sheet):
        return kept
    source = read_source(filename=plan_import.filename, content=content)
    return statistics_table(source, sheet)


def sheet_of(options: dict) -> str:
    """The sheet a measure import reads, when chosen (in the preview or with --sheet)."""
    return str(options.get("sheet") or "")


def plan_import_upload(
    *, user, kind: str, filename: str, content: bytes, options: dict, table=None
) -> PlanImport:
    """Read an uploaded file (unless its ``table`` has been read already) and keep it with its
    preview and, for a measure import, the rows read from it. Raises ``ImportFileError`` (nothing
    is kept) when the file cannot be read at all; problems in its rows are in the preview."""
    options = {**options, "sha256": hashlib.sha256(content).hexdigest()}
    if kind == PlanImport.Kind.PLAN:
        source = read_source(filename=filename, content=content)
        importer = importer_for(
            kind=kind, filename=filename, content=content, options=options, source=source
        )
        kept = source_to_json(source, content=content)
    else:
        if table is None:
            source = read_source(filename=filename, content=content)
            table = statistics_table(source, sheet_of(options))
        importer = importer_for(
            kind=kind, filename=filename, content=content, options=options, table=table
        )
        kept = table_to_json(table, content=content)
    return PlanImport.objects.create(
        kind=kind,
        uploaded_by=user,
        filename=filename[:255],
        content=content,
        options=options,
        result=importer.result,
        table=kept,
        plan_id=options.get("plan") if options.get("mode") == "update" else None,
    )


def plan_import_keep(
    *, user, kind: str, filename: str, content: bytes, options: dict
) -> PlanImport:
    """Keep a large upload unread (status READING), for a background job to read with
    ``plan_import_read`` (issue 16)."""
    options = {**options, "sha256": hashlib.sha256(content).hexdigest(), "in_background": True}
    return PlanImport.objects.create(
        kind=kind,
        uploaded_by=user,
        filename=filename[:255],
        content=content,
        options=options,
        status=PlanImport.Status.READING,
        plan_id=options.get("plan") if options.get("mode") == "update" else None,
    )


def plan_import_read(*, plan_import: PlanImport) -> PlanImport:
    """Read an upload kept by ``plan_import_keep`` and record its preview, as
    ``plan_import_upload`` does in the request. Idempotent: an upload already read is left as it
    is. A file that cannot be read is marked failed with the reason (``result["file_error"]``)
    and ``ImportFileError`` raised."""
    if plan_import.status != PlanImport.Status.READING:
        return plan_import
    content = bytes(plan_import.content)
    options = plan_import.options
    try:
        if plan_import.kind == PlanImport.Kind.PLAN:
            source = read_source(filename=plan_import.filename, content=content)
            importer = importer_for(
                kind=plan_import.kind,
                filename=plan_import.filename,
                content=content,
                options=options,
                source=source,
            )
            kept = source_to_json(source, content=content)
        else:
            source = read_source(filename=plan_import.filename, content=content)
            table = statistics_table(source, sheet_of(options))
            importer = importer_for(
                kind=plan_import.kind,
                filename=plan_import.filename,
                content=content,
                options=options,
                table=table,
            )
            kept = table_to_json(table, content=content)
    except ImportFileError as exc:
        PlanImport.objects.filter(pk=plan_import.pk, status=PlanImport.Status.READING).update(
            status=PlanImport.Status.FAILED,
            result={"file_error": str(exc), "can_commit": False},
        )
        raise
    PlanImport.objects.filter(pk=plan_import.pk, status=PlanImport.Status.READING).update(
        status=PlanImport.Status.PREVIEWED, result=importer.result, table=kept
    )
    plan_import.refresh_from_db()
    return plan_import


def plan_import_remap(*, plan_import: PlanImport, mapping: dict[str, str]) -> PlanImport:
    """Record what the administrator says unrecognised columns hold, and preview again."""
    options = dict(plan_import.options)
    options["mapping"] = {**options.get("mapping", {}), **mapping}
    importer = importer_for(
        kind=plan_import.kind,
        filename=plan_import.filename,
        content=bytes(plan_import.content),
        options=options,
        **read_again(plan_import),
    )
    plan_import.options = options
    plan_import.result = importer.result
    plan_import.save(update_fields=["options", "result"])
    return plan_import


def plan_import_reconsider(*, plan_import: PlanImport, changes: dict) -> PlanImport:
    """Record the preview's choices (sheets, section rows, rating words, legend, or updating the
    plan the file was imported into before) and preview again."""
    if plan_import.status == PlanImport.Status.COMMITTED:
        raise AlreadyImported
    options = {**plan_import.options, **changes}
    importer = importer_for(
        kind=plan_import.kind,
        filename=plan_import.filename,
        content=bytes(plan_import.content),
        options=options,
        **read_again(plan_import, options),
    )
    plan_import.options = options
    plan_import.result = importer.result
    if options.get("mode") == "update":
        plan_import.plan_id = options.get("plan")
    plan_import.save(update_fields=["options", "result", "plan"])
    return plan_import


def plan_import_commit(*, plan_import: PlanImport, user) -> PlanImport:
    """Commit an upload in one transaction. On any problem nothing is written, the upload is
    marked failed with the reasons, and ``ImportBlocked`` is raised."""
    if plan_import.status == PlanImport.Status.COMMITTED:
        raise AlreadyImported
    try:
        _commit(plan_import, user)
    except ImportBlocked as blocked:
        plan_import.refresh_from_db()
        plan_import.status = PlanImport.Status.FAILED
        plan_import.result = {
            **plan_import.result,
            "errors": [i.as_dict() for i in blocked.issues],
            "can_commit": False,
        }
        plan_import.save(update_fields=["status", "result"])
        raise
    plan_import.refresh_from_db()
    return plan_import


def _commit(plan_import: PlanImport, user) -> None:
    try:
        with transaction.atomic():
            # Claim the upload first, so two clicks cannot import it twice.
            claimed = PlanImport.objects.filter(
                pk=plan_import.pk,
                status__in=[PlanImport.Status.PREVIEWED, PlanImport.Status.FAILED],
            ).update(status=PlanImport.Status.COMMITTED, committed_at=timezone.now())
            if not claimed:
                raise AlreadyImported
            if plan_import.kind == PlanImport.Kind.PLAN:
                importer = PlanImporter(source=source_of(plan_import), options=plan_import.options)
            else:
                importer = IMPORTERS[plan_import.kind](
                    table=table_of(plan_import), options=plan_import.options
                )
            outcome = importer.commit(user=user)
            plan = outcome if isinstance(outcome, Plan) else None
            plan_import.refresh_from_db()
            plan_import.result = importer.result
            plan_import.plan = plan or plan_import.plan
            plan_import.save(update_fields=["result", "plan"])
            audit.record(
                AuditEvent.Kind.IMPORT,
                user=user,
                summary=import_summary(plan_import),
                **({} if user is not None else {"username": "manage.py"}),
                upload=plan_import.pk,
                file=plan_import.filename,
                what=plan_import.kind,
                plan=plan.pk if plan else None,
                written=importer.result.get("committed", {}),
            )
    except (DatabaseError, ValidationError, ImportFileError, ValueError, KeyError) as exc:
        # Anything the preview did not foresee: the transaction is rolled back, nothing is kept.
        logger.exception("Import %s failed while writing", plan_import.pk)
        raise ImportBlocked(
            [Issue(None, f"The import could not be written, so nothing was imported: {exc}")]
        ) from exc


def import_summary(plan_import: PlanImport) -> str:
    written = plan_import.result.get("committed", {})
    if plan_import.kind == PlanImport.Kind.PLAN:
        created = written.get("created", {})
        changed = written.get("changed", {})
        return (
            f"Imported {plan_import.filename} into "
            f"{plan_import.plan.title if plan_import.plan else 'a plan'}: "
            f"{created.get('actions', 0)} actions created, {changed.get('actions', 0)} changed"
        )
    if "neighbours" in written:
        return (
            f"Imported the statistical-neighbour list from {plan_import.filename}: "
            f"{written['neighbours']} neighbours (replacing {written.get('replaced', 0)})"
        )
    return (
        f"Imported measure values from {plan_import.filename}: {written.get('created', 0)} "
        f"created, {written.get('changed', 0)} changed"
        + (f", {written['measures']} new measures" if written.get("measures") else "")
    )
