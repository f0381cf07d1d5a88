"""Evidence packs and self-evaluation PDFs as background jobs (issue 16;
docs/adr/0018-background-tasks.md): the runner ``core.tasks`` calls for
``Job.Kind.EVIDENCE_PACK``, registered when the app is ready (``inspections.apps``).

A job of that kind makes one of two files, by its parameters: an inspection's evidence pack as
at a day (``inspection``, ``as_at``), or a self-evaluation's PDF (``self_evaluation``). Both lay
out PDFs with WeasyPrint, which is why they never run inside a request."""

from datetime import date

from django.db.models import Prefetch
from django.template.defaultfilters import filesizeformat

from actions.models import Action
from core import audit
from core.budgets import within
from core.models import AuditEvent, Job
from core.tasks import JobRefused, Progress, attach_file, runner
from inspections import evidence, permissions
from inspections.models import Inspection, RecommendationAction


@runner(Job.Kind.EVIDENCE_PACK)
def make_evidence_file(job: Job, progress: Progress) -> str:
    """Check again that the requester may have the file (someone who has lost the right since
    asking gets a refused job, not a file), make it and store it on the job. Idempotent: a retry
    makes and stores the file afresh."""
    user = job.requester
    if user is None or not user.is_active:
        raise JobRefused("the account that asked for it is no longer active.")
    if job.parameters.get("self_evaluation"):
        return _self_evaluation_pdf(job, user, progress)
    return _evidence_pack(job, user, progress)


def _evidence_pack(job: Job, user, progress: Progress) -> str:
    inspection = (
        Inspection.objects.select_related("organisation")
        .filter(pk=job.parameters.get("inspection"))
        .first()
    )
    if inspection is None:
        raise JobRefused("the inspection no longer exists.")
    if not permissions.can_generate_evidence_pack(user, inspection):
        raise JobRefused("you may no longer make this inspection's evidence pack.")
    linked = RecommendationAction.objects.filter(recommendation__inspection=inspection).count()
    if not within("PDF_MAX_ACTIONS", linked):
        raise JobRefused(f"the pack would cover {linked:,} actions, more than a PDF can hold.")
    as_at = date.fromisoformat(job.parameters["as_at"])
    progress(0, 2)
    pack = evidence.build_evidence_pack(inspection, as_at=as_at, user=user)
    progress(1, 2)
    attach_file(job, pack.filename, pack.content)
    audit.record(
        AuditEvent.Kind.EXPORT,
        user=user,
        summary=f"Evidence pack for {inspection.title} as at {pack.as_at_text}"[:500],
        inspection=inspection.pk,
        format="zip",
        as_at=as_at.isoformat(),
        manifest_sha256=pack.manifest_sha256,
        files=len(pack.files),
        job=job.pk,
    )
    return (
        f"{inspection.title} as at {pack.as_at_text}: {len(pack.files)} files "
        f"({filesizeformat(len(pack.content))}), manifest SHA-256 {pack.manifest_sha256[:12]}…"
    )


def _self_evaluation_pdf(job: Job, user, progress: Progress) -> str:
    sef = (
        permissions.self_evaluations_visible_to(user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("plan")),
            "measures",
            "evidence",
        )
        .filter(pk=job.parameters["self_evaluation"])
        .first()
    )
    if sef is None or not permissions.can_view_self_evaluations(user):
        raise JobRefused("you may no longer see this self-evaluation.")
    count = len(sef.actions.all())
    if not within("PDF_MAX_ACTIONS", count):
        raise JobRefused(f"it would cover {count:,} actions, more than a PDF can hold.")
    progress(0, 1)
    content = evidence.self_evaluation_pdf(sef)
    year = "".join(c if c.isalnum() else "-" for c in sef.year)
    attach_file(job, f"self-evaluation-{year}.pdf", content)
    audit.record(
        AuditEvent.Kind.EXPORT,
        user=user,
        summary=f"Self-evaluation {sef.organisation} {sef.year} as PDF"[:500],
        self_evaluation=sef.pk,
        format="pdf",
        job=job.pk,
    )
    return f"Self-evaluation {sef.year} as PDF ({filesizeformat(len(content))})."
