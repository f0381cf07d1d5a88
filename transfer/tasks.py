"""Large exports and imports as background jobs (issue 16; docs/adr/0018-background-tasks.md):
the runners ``core.tasks`` calls for ``Job.Kind.PLAN_EXPORT``, ``IMPORT_PREVIEW`` and
``IMPORT_COMMIT``, registered when the app is ready (``transfer.apps``)."""

from django.db.models import Count
from django.template.defaultfilters import filesizeformat

from core.models import Job
from core.tasks import JobCannotFinish, JobRefused, Progress, attach_file, runner
from plans.models import Plan
from plans.permissions import can_view_plan
from transfer.exports import log_export, plan_csv_bytes, plan_xlsx_bytes
from transfer.imports.plan_changes import ImportBlocked
from transfer.imports.reading import ImportFileError
from transfer.imports.services import (
    AlreadyImported,
    import_summary,
    plan_import_commit,
    plan_import_read,
)
from transfer.models import PlanImport
from transfer.permissions import imports_visible_to

FORMATS = ("xlsx", "csv")


@runner(Job.Kind.PLAN_EXPORT)
def export_plan(job: Job, progress: Progress) -> str:
    """Make the plan's .xlsx or .csv for the requester and store it on the job. The requester's
    right to read the plan is checked again here, when the work is done: someone who has lost it
    since asking gets a refused job, not a file. Idempotent: a retry makes and stores the file
    afresh from the plan as it is then."""
    fmt = job.parameters.get("fmt")
    if fmt not in FORMATS:
        raise JobRefused(f"there is no {fmt!r} export.")
    plan = (
        Plan.objects.select_related("organisation")
        .annotate(action_total=Count("actions"))
        .filter(pk=job.parameters.get("plan"))
        .first()
    )
    if plan is None:
        raise JobRefused("the plan no longer exists.")
    user = job.requester
    if user is None or not user.is_active or not can_view_plan(user, plan):
        raise JobRefused("you may no longer see this plan.")
    progress(0, 2)
    if fmt == "xlsx":
        content = plan_xlsx_bytes(plan, exported_by=user.get_username())
    else:
        content = plan_csv_bytes(plan)
    progress(1, 2)
    attach_file(job, f"{plan.slug}.{fmt}", content)
    log_export(
        user=user,
        summary=f"Exported {plan.title} as .{fmt}",
        detail={"plan": plan.pk, "slug": plan.slug, "format": fmt, "job": job.pk},
    )
    return (
        f"{plan.title}: {plan.action_total:,} actions as .{fmt} ({filesizeformat(len(content))})."
    )


# Large imports (issue 16): reading the file for its preview, and committing it -------------
def _import_for(job: Job) -> PlanImport:
    """The upload the job is about, if its requester may still handle it (ADR 0012)."""
    user = job.requester
    if user is None or not user.is_active:
        raise JobRefused("the account that asked for it is no longer active.")
    plan_import = imports_visible_to(user).filter(pk=job.parameters.get("upload")).first()
    if plan_import is None:
        raise JobRefused("you may no longer see this import.")
    return plan_import


@runner(Job.Kind.IMPORT_PREVIEW)
def read_import(job: Job, progress: Progress) -> str:
    """Read a large upload and record its preview. Idempotent: an upload already read is left
    as it is. A file that cannot be read fails the job at once (reading it again would fail the
    same way), and the preview page says why."""
    plan_import = _import_for(job)
    progress(0, 1)
    try:
        plan_import = plan_import_read(plan_import=plan_import)
    except ImportFileError as exc:
        raise JobCannotFinish(f"the file could not be read: {exc}") from exc
    read = plan_import.result.get("file") or {}
    problems = len(plan_import.result.get("errors") or [])
    return (
        f"{plan_import.filename} read: {read.get('rows', 0)} rows, "
        f"{problems} problem{'s' if problems != 1 else ''} to put right."
        if problems
        else f"{plan_import.filename} read: {read.get('rows', 0)} rows, ready to import."
    )


@runner(Job.Kind.IMPORT_COMMIT)
def commit_import(job: Job, progress: Progress) -> str:
    """Commit an upload, all or nothing, as the import page's button does in the request
    (``plan_import_commit``). Idempotent: an upload committed already is not committed again."""
    plan_import = _import_for(job)
    if plan_import.status == PlanImport.Status.READING:
        raise JobCannotFinish("the file has not been read yet.")
    progress(0, 1)
    try:
        plan_import = plan_import_commit(plan_import=plan_import, user=job.requester)
    except AlreadyImported:
        return f"{plan_import.filename} had already been imported; nothing more was done."
    except ImportBlocked as blocked:
        raise JobCannotFinish(
            f"nothing was imported: {len(blocked.issues)} problem(s) need putting right first."
        ) from blocked
    return import_summary(plan_import)[:500]
