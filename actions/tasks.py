"""Reminders and large downloads of the actions explorer as background jobs (issue 16): the
runners core.tasks calls for ``Job.Kind.REMINDERS`` and ``EXPLORER_EXPORT``. Registered when
the app is ready (actions.apps)."""

from datetime import date

from django.conf import settings
from django.http import HttpRequest, QueryDict

from actions.explorer import EXPORT_FORMATS, audit_export, explorer_file, filtered
from actions.reminders import send_reminders
from core.budgets import within
from core.models import Job
from core.tasks import JobRefused, Progress, attach_file, runner


@runner(Job.Kind.REMINDERS)
def send_reminders_job(job: Job, progress: Progress) -> str:
    """Send the reminders due on the day the job was asked for. Idempotent: a reminder already
    sent for its period is never sent again, so a retried or repeated job sends nothing more."""
    today = date.fromisoformat(job.parameters["today"]) if job.parameters.get("today") else None
    messages = send_reminders(today=today)
    progress(1, 1)
    if not messages:
        return "No reminders were due."
    digests = sum(1 for m in messages if m.kind == "digest")
    return (
        f"{len(messages)} reminder e-mail{'s' if len(messages) != 1 else ''} queued: "
        f"{digests} to officers, {len(messages) - digests} to plan owners."
    )


@runner(Job.Kind.EXPLORER_EXPORT)
def export_explorer(job: Job, progress: Progress) -> str:
    """Make the explorer's download as its requester asked for it (the filters and sort of the
    page), from the actions they may see when the job runs: someone who has lost access to a plan
    since asking does not get its actions. Idempotent: a retry makes the file afresh."""
    fmt = job.parameters.get("fmt")
    if fmt not in EXPORT_FORMATS:
        raise JobRefused(f"there is no {fmt!r} download.")
    user = job.requester
    if user is None or not user.is_active:
        raise JobRefused("the account that asked for it is no longer active.")
    request = HttpRequest()  # what the explorer reads of a request: the user and the query
    request.user = user
    request.GET = QueryDict(job.parameters.get("query", ""))
    filterset, table = filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        raise JobRefused("the filters are no longer valid: choose them again on the explorer.")
    count = filterset.qs.count()
    if not within("EXPORT_MAX_ROWS", count):
        raise JobRefused(f"{count:,} actions are more than one download may hold.")
    progress(0, 2)
    made = explorer_file(filterset, table, fmt, settings.SITE_URL.rstrip("/"))
    progress(1, 2)
    attach_file(job, made.filename, made.content)
    audit_export(made, filterset, fmt, user=user, job=job.pk)
    return f"{made.rows:,} action{'' if made.rows == 1 else 's'} as .{fmt}."
