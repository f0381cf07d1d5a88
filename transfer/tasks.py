"""Exports as background jobs (issue 16; docs/adr/0018-background-tasks.md): the runner
``core.tasks`` calls for ``Job.Kind.PLAN_EXPORT``, registered when the app is ready
(``transfer.apps``)."""

from django.db.models import Count
from django.template.defaultfilters import filesizeformat

from core.models import Job
from core.tasks import JobRefused, Progress, attach_file, runner
from plans.models import Plan
from plans.permissions import can_view_plan
from transfer.exports import log_export, plan_csv_bytes, plan_xlsx_bytes

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
