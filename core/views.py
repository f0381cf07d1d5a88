"""Pages that belong to no plan: the start page, the council's theme colour, the accessibility
statement, and the user's downloads and background jobs."""

import logging
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from core import files
from core.models import Job
from core.permissions import is_administrator, is_officer, reads_all_plans
from core.tasks import start_job

logger = logging.getLogger("core.views")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    """Officers start at "My actions" (when that page exists); board members, administrators
    and viewers at the portfolio."""
    if is_officer(request.user) and not is_administrator(request.user):
        try:
            return redirect(reverse("actions:mine"))
        except NoReverseMatch:
            pass
    return redirect("plans:portfolio")


@require_GET
@cache_control(max_age=300)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The council's brand colour, from settings, as a stylesheet (no inline styles: CSP)."""
    colour = settings.COUNCIL_COLOUR
    if not (
        colour.startswith("#")
        and len(colour) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        colour = "#1d70b8"
    return HttpResponse(f":root {{ --app-brand-colour: {colour}; }}\n", content_type="text/css")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


# Downloads and jobs (issue 16) ----------------------------------------------------------------
JOBS_SHOWN = 100


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own background jobs, newest first: status, progress, outcome and the
    file a job made. One query for the jobs, whatever their number (tests pin the page at 6 with
    the session and the user)."""
    own = list(
        Job.objects.filter(requester_id=request.user.pk).order_by("-created_at", "-pk")[:JOBS_SHOWN]
    )
    return render(
        request,
        "core/jobs.html",
        {
            "jobs": own,
            "shown": JOBS_SHOWN,
            "running": any(not job.finished for job in own),
            "may_send_reminders": reads_all_plans(request.user),
        },
    )


JOB_REFRESH_SECONDS = 5


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the user's own jobs (404 for anyone else's): "being prepared" with its progress
    and a refresh link until it finishes, then its file to download or what went wrong. Works
    without JavaScript. One query for the job."""
    job = get_object_or_404(Job.objects.filter(requester_id=request.user.pk), pk=pk)
    back = job.parameters.get("back_url") or ""
    if not (isinstance(back, str) and back.startswith("/") and not back.startswith("//")):
        back = ""
    response = render(
        request,
        "core/job.html",
        {"job": job, "back_url": back, "back_label": job.parameters.get("back_label") or ""},
    )
    if job.status not in (Job.Status.SUCCEEDED, Job.Status.FAILED):
        # Browsers reload the page until the job finishes; no script needed.
        response["Refresh"] = str(JOB_REFRESH_SECONDS)
    return response


@login_required
@require_POST
def start_reminders(request: HttpRequest) -> HttpResponse:
    """The installation's superusers: send the update reminders due today now rather than waiting
    for the scheduled run. Reminders go to every organisation's officers, so an organisation's
    own administrator may not start them (ADR 0012). Idempotent: reminders already sent for the
    period are not sent again."""
    if not reads_all_plans(request.user):
        raise PermissionDenied("Only the installation's administrators can send reminders now.")
    job = start_job(
        Job.Kind.REMINDERS, requester=request.user, today=timezone.localdate().isoformat()
    )
    messages.success(request, f"Job {job.pk} started: {job.get_kind_display()}.")
    return redirect("jobs")


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file one of the user's own jobs made (404 for anyone else's, or none)."""
    job = get_object_or_404(
        Job.objects.filter(requester_id=request.user.pk, status=Job.Status.SUCCEEDED).exclude(
            file=""
        ),
        pk=pk,
    )
    filename = job.file.name.rsplit("/", 1)[-1]
    if not job.sha256:  # made before digests were recorded
        try:
            handle = job.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("The file is no longer available.") from missing
        return FileResponse(handle, as_attachment=True, filename=filename)
    try:
        return files.verified_download(
            job.file.name,
            job.sha256,
            filename=filename,
            content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
    except files.StoredFileMissing as missing:
        raise Http404("The file is no longer available.") from missing
    except files.StoredFileCorrupt:
        logger.error("Job %s: stored file %s does not match its SHA-256", job.pk, job.file.name)
        return HttpResponse(
            "This file has been damaged in storage. Start the job again to make a new copy.",
            status=500,
            content_type="text/plain; charset=utf-8",
        )
