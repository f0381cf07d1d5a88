"""Plans as boards read them: the plan list and document, dashboards, exception reports, the
portfolio, boards, meetings and their packs."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from actions.models import Action
from boards import presenters
from boards.models import Board, Meeting, PackFile
from boards.packs.context import meetings_for
from boards.packs.html import draft_pack_body
from boards.packs.issuing import PackAlreadyIssued, issued_pack_for, pack_issue
from boards.packs.stored import draft_fingerprint_of, issued_fingerprint
from boards.permissions import (
    boards_visible_to,
    can_ask_question,
    can_record_decisions,
    can_view_board,
    can_write_brief,
)
from boards.selectors import boards as board_selectors
from boards.selectors import dashboards as page_selectors
from boards.selectors import plans as plan_selectors
from core import audit, files
from core.budgets import budget, within
from core.freshness import cached_html, data_version, query_key
from core.models import AuditEvent, Job
from core.permissions import administers, require
from core.tasks import start_job
from plans.models import Plan
from plans.permissions import can_view_plan, plans_visible_to

logger = logging.getLogger("boards.packs")


def _actions_of(**outer) -> Subquery:
    """The number of actions, counted in the query that fetches the plan or meeting: the row
    budgets (core.budgets) cost no extra query."""
    actions = Action.objects.filter(**{k: OuterRef(v) for k, v in outer.items()})
    return Subquery(
        actions.order_by().values(next(iter(outer))).annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def too_large(request, *, plan=None, meeting=None, count: int, name: str):
    """The page shown instead of one over its budget: what it holds and where to read it."""
    explorer = reverse("explorer:actions") + (f"?plan={plan.pk}" if plan else "")
    return render(
        request,
        "plans/too_large.html",
        {
            "plan": plan,
            "meeting": meeting,
            "count": count,
            "limit": budget(name),
            "explorer_url": explorer,
        },
    )


class PortfolioView(LoginRequiredMixin, TemplateView):
    """Every plan the user may read at a glance."""

    template_name = "plans/portfolio.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portfolio = page_selectors.portfolio(self.request.user, page=self.request.GET.get("page"))
        context.update(presenters.portfolio_page(portfolio))
        return context


class PlanListView(LoginRequiredMixin, ListView):
    template_name = "plans/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return plan_selectors.plans_for_listing(
            Plan.objects.filter(pk__in=plans_visible_to(self.request.user))
        )


class VisiblePlanMixin(LoginRequiredMixin):
    """A plan by its slug, refused (403) to users who may not read it."""

    def get_plan(self):
        plan = get_object_or_404(
            Plan.objects.select_related("organisation", "owner").annotate(
                action_total=_actions_of(plan="pk")
            ),
            slug=self.kwargs["slug"],
        )
        require(can_view_plan(self.request.user, plan))
        return plan

    def get(self, request, *args, **kwargs):
        # Read before the plan: a page part cached under it must be built from data as new.
        self.data_version = data_version()
        plan = self.get_plan()
        if not within("PAGE_MAX_ACTIONS", plan.action_total):
            return too_large(request, plan=plan, count=plan.action_total, name="PAGE_MAX_ACTIONS")
        self.plan = plan
        return super().get(request, *args, **kwargs)


class PlanDetailView(LoginRequiredMixin, DetailView):
    """The plan document, in the layout councils print."""

    template_name = "plans/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return Plan.objects.select_related("organisation", "owner").annotate(
            action_total=_actions_of(plan="pk")
        )

    def get_object(self, queryset=None):
        plan = super().get_object(queryset)
        require(can_view_plan(self.request.user, plan))
        return plan

    def get(self, request, *args, **kwargs):
        # Read before the plan: a page part cached under it must be built from data as new.
        self.data_version = data_version()
        self.object = self.get_object()
        if not within("PAGE_MAX_ACTIONS", self.object.action_total):
            return too_large(
                request, plan=self.object, count=self.object.action_total, name="PAGE_MAX_ACTIONS"
            )
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        # The document is the same for everyone who may read the plan: rendered once for each
        # version of the data (and day: overdue is judged on a date).
        context["content"] = cached_html(
            f"plan-document:{plan.pk}:{timezone.localdate().isoformat()}",
            "plans/_plan_document.html",
            lambda: {"plan": plan, **plan_selectors.plan_page(plan)},
            version=self.data_version,
            timeout=settings.FRESH_LIVE_SECONDS,
        )
        return context


class PlanDashboardView(VisiblePlanMixin, TemplateView):
    template_name = "plans/plan_dashboard.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.plan
        context["plan"] = plan
        today = timezone.localdate()
        data = self.request.GET

        def content() -> dict:
            dashboard = page_selectors.plan_dashboard(plan, data, today=today)
            return {"plan": plan, **presenters.dashboard_page(dashboard)}

        # The same for everyone who may read the plan, for the same filters and day.
        context["content"] = cached_html(
            f"plan-dashboard:{plan.pk}:{today.isoformat()}:{query_key(data)}",
            "plans/_plan_dashboard.html",
            content,
            version=self.data_version,
            timeout=settings.FRESH_LIVE_SECONDS,
        )
        return context


class ExceptionReportView(VisiblePlanMixin, TemplateView):
    template_name = "plans/exception_report.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.plan
        context["plan"] = plan
        report = page_selectors.exception_report(plan)
        context.update(presenters.exception_report_page(report))
        return context


class BoardListView(LoginRequiredMixin, ListView):
    template_name = "plans/board_list.html"
    context_object_name = "boards"

    def get_queryset(self):
        return board_selectors.boards_for_listing().filter(
            pk__in=boards_visible_to(self.request.user)
        )


class BoardDetailView(LoginRequiredMixin, DetailView):
    template_name = "plans/board_detail.html"
    context_object_name = "board"
    queryset = Board.objects.select_related("organisation")

    def get_object(self, queryset=None):
        board = super().get_object(queryset)
        require(can_view_board(self.request.user, board))
        return board

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(board_selectors.board_detail(self.object))
        return context


class MeetingMixin(LoginRequiredMixin):
    """A meeting whose board the user may see."""

    #: Views that read the draft pack from the cache read the data version first.
    reads_draft_pack = False
    data_version: int | None = None

    def get_meeting(self) -> Meeting:
        """The meeting, its board, whether its pack has been issued, what its pack needs to
        know about earlier meetings, and whether the user sits on its board: one query."""
        user = self.request.user
        if self.reads_draft_pack:
            # Read before the meeting: a pack cached under it must be built from data as new.
            self.data_version = data_version()
        meetings = meetings_for(user).annotate(pack_actions=_actions_of(plan__boards="board_id"))
        meeting = get_object_or_404(meetings, pk=self.kwargs["pk"])
        # ``can_view_board`` with the membership read above (no query of its own).
        require(can_view_board(user, meeting.board, sits_on=bool(meeting.user_sits_on_board)))
        return meeting

    def over_budget(self, meeting, name: str):
        """The "too large" page when the pack is over a budget, else None. An issued pack is
        kept as it was issued and is never refused."""
        if meeting.issued_pack_id is None and not within(name, meeting.pack_actions):
            return too_large(self.request, meeting=meeting, count=meeting.pack_actions, name=name)
        return None

    def get_issued(self, meeting: Meeting):
        """The meeting's issued pack, if any (a query only when there is one)."""
        if meeting.issued_pack_id is None:
            return None
        return issued_pack_for(meeting)


class MeetingDetailView(MeetingMixin, TemplateView):
    """The board pack: the frozen one once issued, otherwise the position as at the meeting."""

    template_name = "plans/meeting_detail.html"
    reads_draft_pack = True
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        self.meeting = self.get_meeting()
        return self.over_budget(self.meeting, "PAGE_MAX_ACTIONS") or super().get(
            request, *args, **kwargs
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        issued = self.get_issued(meeting)
        context.update(
            {
                "meeting": meeting,
                "issued": issued,
                "can_issue": issued is None
                and administers(self.request.user, meeting.board.organisation_id),
                "can_write_brief": can_write_brief(
                    self.request.user, meeting, issued=issued is not None
                ),
                "can_ask": can_ask_question(self.request.user, meeting, issued=issued is not None),
                "can_record_decisions": can_record_decisions(self.request.user, meeting),
            }
        )
        if issued is not None:
            # Rendered by our own template (autoescaped) when the pack was issued.
            context["pack_html"] = mark_safe(issued.html)  # noqa: S308 # nosec B308 B703 - rendered by our autoescaped template at issue
            context["as_at_text"] = issued.snapshot.get("as_at_text", "")
        else:
            body, as_at_text = draft_pack_body(meeting, version=self.data_version)
            context["pack_html"] = body
            context["as_at_text"] = as_at_text
        return context


PREPARING_REFRESH_SECONDS = 5


def serve_pack_file(
    request, meeting: Meeting, fmt: str, issued, version: int | None
) -> HttpResponseBase:
    """A pack download, never rendered in the request: the stored file that shows what the pack
    shows now, streamed after checking its digest; else a job that makes it (or the one already
    making it) and a page saying it is being prepared. A stored file found missing or damaged is
    logged, forgotten and made again."""
    if issued is not None:
        fingerprint = issued_fingerprint(issued.pk)
    else:
        fingerprint = draft_fingerprint_of(meeting, version=version)
    stored = PackFile.objects.filter(meeting=meeting, format=fmt, fingerprint=fingerprint).first()
    problem = ""
    if stored is not None:
        try:
            return _stream(request, meeting, stored)
        except files.StoredFileMissing:
            problem = "missing"
        except files.StoredFileCorrupt:
            problem = "damaged"
        logger.error(
            "Pack file %s of meeting %s (%s) is %s in storage; making a new one",
            stored.pk,
            meeting.pk,
            stored.file.name,
            problem,
        )
        stored.delete()
    job = _latest_job(meeting, fmt, fingerprint)
    if job is not None and job.status == Job.Status.FAILED and request.GET.get("retry"):
        job = None  # the user asked to try again after a failure
    if job is None:
        job = start_job(
            Job.Kind.PACK_FILES,
            requester=request.user,
            meeting=meeting.pk,
            formats=[fmt],
            fingerprint=fingerprint,
        )
        # With a backend that runs tasks in-process (development, the browser suite) the job
        # has run by now: serve what it made.
        job.refresh_from_db(fields=["status", "progress", "outcome", "attempts"])
        if job.status == Job.Status.SUCCEEDED:
            made = PackFile.objects.filter(
                meeting=meeting, format=fmt, fingerprint=fingerprint
            ).first()
            if made is not None:
                return _stream(request, meeting, made)
    return _preparing(request, meeting, fmt, job, problem=problem, issued=issued is not None)


def _preparing(request, meeting: Meeting, fmt: str, job: Job, *, problem: str, issued: bool):
    """The page shown while the file is made (or after its job failed): GOV.UK markup, refreshed
    by a ``Refresh`` header while the job is not finished, no script."""
    response = render(
        request,
        "plans/pack_preparing.html",
        {
            "meeting": meeting,
            "format": PackFile.Format(fmt).label,
            "job": job,
            "own_job": job.requester_id == request.user.pk,
            "problem": problem,
            "issued": issued,
            "refresh_seconds": PREPARING_REFRESH_SECONDS,
        },
    )
    if not job.finished:
        response["Refresh"] = f"{PREPARING_REFRESH_SECONDS}; url={request.path}"
    response["Cache-Control"] = "no-store"
    return response


def _latest_job(meeting: Meeting, fmt: str, fingerprint: str) -> Job | None:
    """The latest pack files job for this meeting, format and fingerprint that is waiting,
    running or has failed (a failure is shown until the user asks to try again)."""
    latest = Job.objects.filter(
        kind=Job.Kind.PACK_FILES,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.RETRYING, Job.Status.FAILED],
        parameters__meeting=meeting.pk,
        parameters__fingerprint=fingerprint,
    ).order_by("-created_at", "-pk")[:20]
    return next((job for job in latest if fmt in job.parameters.get("formats", [])), None)


def _stream(request, meeting: Meeting, stored: PackFile) -> HttpResponseBase:
    response = files.verified_download(
        stored.file.name,
        stored.sha256,
        filename=stored.filename,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "no-store"
    audit.record(
        AuditEvent.Kind.EXPORT,
        request=request,
        summary=f"Board pack for {meeting} as {stored.get_format_display()}",
        meeting=meeting.pk,
        format=stored.format,
        pack_file=stored.pk,
    )
    return response


class MeetingPdfView(MeetingMixin, View):
    reads_draft_pack = True
    http_method_names = ["get", "head", "options"]
    # Only with a backend that runs jobs in-process (`make run`) is the PDF made in the request.
    long_request = True

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        refused = self.over_budget(meeting, "PDF_MAX_ACTIONS")
        if refused is not None:
            return refused
        return serve_pack_file(
            request, meeting, PackFile.Format.PDF, self.get_issued(meeting), self.data_version
        )


class MeetingXlsxView(MeetingMixin, View):
    reads_draft_pack = True
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        refused = self.over_budget(meeting, "EXPORT_MAX_ROWS")
        if refused is not None:
            return refused
        return serve_pack_file(
            request, meeting, PackFile.Format.XLSX, self.get_issued(meeting), self.data_version
        )


class MeetingDocxView(MeetingMixin, View):
    """The pack as a Word document: from the frozen snapshot once issued."""

    reads_draft_pack = True
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        return serve_pack_file(
            request, meeting, PackFile.Format.DOCX, self.get_issued(meeting), self.data_version
        )


class MeetingIssueView(MeetingMixin, View):
    """Issue (freeze) a meeting's pack: administrators only."""

    http_method_names = ["post", "options"]
    long_request = True

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        require(administers(request.user, meeting.board.organisation_id))
        refused = self.over_budget(meeting, "PAGE_MAX_ACTIONS")
        if refused is not None:
            return refused
        try:
            pack_issue(meeting=meeting, issued_by=request.user, request=request)
        except PackAlreadyIssued:
            messages.info(request, "This pack had already been issued; nothing was changed.")
        else:
            messages.success(
                request, "The pack has been issued. This is now the record of what the board saw."
            )
        return redirect(meeting.get_absolute_url())
