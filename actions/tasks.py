"""Reminders as a background job (issue 16): the runner core.tasks calls for
``Job.Kind.REMINDERS``. Registered when the app is ready (actions.apps)."""

from datetime import date

from actions.reminders import send_reminders
from core.models import Job
from core.tasks import Progress, runner


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
