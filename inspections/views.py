"""Pages about inspections: the list, an inspection (deadlines, findings with progress, what
visits said), a finding, linking actions to findings, overriding a deadline, the evidence pack,
a plan's readiness, self-evaluations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from actions.models import Action
from boards.asat import end_of_day
from core.budgets import budget, within
from core.formatting import day_text
from core.models import Job
from core.permissions import administers, is_administrator, require
from core.presentation import legend_for
from core.tasks import start_or_join_job
from inspections import permissions, selectors, services
from inspections.forms import (
    AsAtForm,
    ChooseActionsForm,
    ChooseRecommendationsForm,
    DeadlineOverrideForm,
)
from inspections.models import (
    Deadline,
    Inspection,
    Recommendation,
    RecommendationAction,
    SelfEvaluation,
    VisitFinding,
)
from inspections.presentation import days_left_text, progress_row
from plans.models import Plan
from plans.permissions import can_view_plan

READ_ONLY = ["get", "head", "options"]


class InspectionListView(LoginRequiredMixin, TemplateView):
    template_name = "inspections/inspection_list.html"
    http_method_names = READ_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        require(permissions.can_see_inspections_nav(user))
        inspections = list(
            selectors.inspections_for_listing(permissions.inspections_visible_to(user))
        )
        today = timezone.localdate()
        for inspection in inspections:
            open_rows = [
                r
                for r in selectors.deadline_rows(inspection.deadlines.all(), today)
                if not r["met"] and r["due"] is not None
            ]
            inspection.next_deadline = min(open_rows, key=lambda r: r["due"], default=None)
            if inspection.next_deadline:
                inspection.next_deadline["left_text"] = days_left_text(
                    inspection.next_deadline["working_days_left"],
                    inspection.next_deadline["calendar_days_left"],
                )
        context.update(
            {
                "inspections": inspections,
                "can_record": permissions.can_record_inspections(user),
                "can_see_self_evaluations": permissions.can_view_self_evaluations(user),
            }
        )
        return context


class VisibleInspectionMixin(LoginRequiredMixin):
    def get_inspection(self, pk) -> Inspection:
        inspection = get_object_or_404(
            Inspection.objects.select_related("organisation", "follows"), pk=pk
        )
        require(permissions.can_view_inspection(self.request.user, inspection))
        return inspection


class InspectionDetailView(VisibleInspectionMixin, TemplateView):
    template_name = "inspections/inspection_detail.html"
    http_method_names = READ_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        inspection = self.get_inspection(self.kwargs["pk"])
        today = timezone.localdate()
        deadlines = list(inspection.deadlines.select_related("overridden_by"))
        for d in deadlines:
            d.inspection = inspection  # no query per deadline for its dates
        rows = selectors.deadline_rows(deadlines, today)
        for row in rows:
            row["left_text"] = days_left_text(row["working_days_left"], row["calendar_days_left"])
        progress = selectors.inspection_progress(inspection, today=today)
        context.update(
            {
                "inspection": inspection,
                "plans": list(inspection.plans.all()),
                "judgements": list(inspection.judgements.all()),
                "deadlines": rows,
                "recommendation_progress": [progress_row(r) for r in progress],
                "legend": legend_for(inspection.organisation),
                "follow_ups": list(inspection.follow_ups.order_by("on_site_start", "pk")),
                "can_override": permissions.can_override_deadline(user, inspection),
                "can_link": permissions.can_link_recommendation_actions(user, inspection),
                "can_generate": permissions.can_generate_evidence_pack(user, inspection),
                "is_administrator": administers(user, inspection.organisation_id),
            }
        )
        context.update(visit_context(inspection))
        return context


def visit_context(visit: Inspection) -> dict:
    """For a visit that follows an inspection: what it said about each finding, what the visit
    before it said, and which actions' ratings changed since that earlier visit."""
    if visit.follows_id is None:
        return {}
    said = list(
        VisitFinding.objects.filter(visit=visit)
        .select_related("recommendation")
        .order_by("recommendation__order", "recommendation__pk")
    )
    earlier = selectors.visit_history(visit.follows.recommendations.all(), before=visit)
    progress = selectors.inspection_progress(visit.follows)
    changes = {}
    previous_visits = sorted(
        {h.last.visit for h in earlier.values() if h.last is not None},
        key=lambda v: v.date or timezone.localdate(),
    )
    since = previous_visits[-1] if previous_visits else visit.follows
    if since.date is not None:
        changes = selectors.rating_changes_since(progress, end_of_day(since.date))
    rows = []
    for row in progress:
        rec = row.recommendation
        history = earlier.get(rec.pk)
        rows.append(
            {
                "recommendation": rec,
                "progress": row,
                "last": history.last if history else None,
                "said_now": next((s for s in said if s.recommendation_id == rec.pk), None),
                "changes": changes.get(rec.pk, []),
            }
        )
    return {
        "visit_findings": said,
        "since_visit": since,
        "since_text": day_text(since.date),
        "visit_rows": rows,
    }


class RecommendationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "inspections/recommendation_detail.html"
    http_method_names = READ_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rec = get_object_or_404(
            Recommendation.objects.select_related("inspection", "inspection__organisation"),
            pk=self.kwargs["pk"],
        )
        user = self.request.user
        require(permissions.can_view_inspection(user, rec.inspection))
        progress = selectors.finding_progress(rec)
        history = selectors.visit_history([rec])[rec.pk]
        context.update(
            {
                "recommendation": rec,
                "inspection": rec.inspection,
                "progress": progress,
                "visit_history": history.said,
                "legend": legend_for(rec.inspection.organisation),
                "can_link": permissions.can_link_recommendation_actions(user, rec.inspection),
            }
        )
        return context


def _responding_actions(inspection: Inspection, current_ids):
    """Actions of the plans responding to the inspection, and any already linked."""
    return (
        Action.objects.filter(Q(plan__inspections=inspection) | Q(pk__in=list(current_ids)))
        .distinct()
        .select_related("plan")
        .order_by("plan__title", "priority__order", "priority__pk", "sequence", "pk")
    )


class RecommendationActionsView(LoginRequiredMixin, View):
    """Choose the actions answering a finding: administrators."""

    template_name = "inspections/recommendation_actions.html"

    def setup_objects(self, request, pk):
        rec = get_object_or_404(
            Recommendation.objects.select_related("inspection", "inspection__organisation"), pk=pk
        )
        require(permissions.can_link_recommendation_actions(request.user, rec.inspection))
        current = set(rec.action_links.values_list("action_id", flat=True))
        return rec, current

    def render_form(self, request, rec, form):
        return render(
            request, self.template_name, {"recommendation": rec, "form": form}, status=200
        )

    def get(self, request, pk):
        rec, current = self.setup_objects(request, pk)
        form = ChooseActionsForm(
            actions_queryset=_responding_actions(rec.inspection, current),
            initial={"actions": list(current)},
        )
        return self.render_form(request, rec, form)

    def post(self, request, pk):
        rec, current = self.setup_objects(request, pk)
        form = ChooseActionsForm(
            request.POST, actions_queryset=_responding_actions(rec.inspection, current)
        )
        if not form.is_valid():
            return self.render_form(request, rec, form)
        added, removed = services.recommendation_set_actions(
            recommendation=rec, actions=form.cleaned_data["actions"], user=request.user
        )
        messages.success(request, f"Actions saved: {added} added, {removed} removed.")
        return redirect(rec.get_absolute_url())


def _answerable(action: Action, current_ids):
    """Findings an action may answer: those of the inspections its plan responds to, of
    inspections of its plan's organisation, and any it already answers."""
    return (
        Recommendation.objects.filter(
            Q(inspection__plans=action.plan_id)
            | Q(inspection__organisation=action.plan.organisation_id)
            | Q(pk__in=list(current_ids))
        )
        .distinct()
        .select_related("inspection")
        .order_by("inspection__on_site_start", "inspection_id", "order", "kind", "number")
    )


class ActionRecommendationsView(LoginRequiredMixin, View):
    """Choose the findings an action answers: administrators, and officers for the actions they
    may update."""

    template_name = "inspections/action_recommendations.html"

    def setup_objects(self, request, pk):
        action = get_object_or_404(Action.objects.select_related("plan"), pk=pk)
        require(can_view_plan(request.user, action.plan))
        require(permissions.can_link_action(request.user, action))
        current = set(action.recommendation_links.values_list("recommendation_id", flat=True))
        return action, current

    def render_form(self, request, action, form):
        return render(request, self.template_name, {"action": action, "form": form})

    def get(self, request, pk):
        action, current = self.setup_objects(request, pk)
        form = ChooseRecommendationsForm(
            recommendations_queryset=_answerable(action, current),
            initial={"recommendations": list(current)},
        )
        return self.render_form(request, action, form)

    def post(self, request, pk):
        action, current = self.setup_objects(request, pk)
        form = ChooseRecommendationsForm(
            request.POST, recommendations_queryset=_answerable(action, current)
        )
        if not form.is_valid():
            return self.render_form(request, action, form)
        added, removed = services.action_set_recommendations(
            action=action, recommendations=form.cleaned_data["recommendations"], user=request.user
        )
        messages.success(request, f"Findings saved: {added} added, {removed} removed.")
        return redirect(action.get_absolute_url())


class DeadlineOverrideView(LoginRequiredMixin, View):
    """Replace a computed deadline with another date, with the reason: administrators."""

    template_name = "inspections/deadline_override.html"

    def setup_objects(self, request, pk):
        deadline = get_object_or_404(
            Deadline.objects.select_related("inspection", "inspection__organisation"), pk=pk
        )
        require(permissions.can_override_deadline(request.user, deadline.inspection))
        return deadline

    def render_form(self, request, deadline, form):
        return render(
            request,
            self.template_name,
            {
                "deadline": deadline,
                "inspection": deadline.inspection,
                "form": form,
                "computed_text": day_text(deadline.computed_due),
                "basis_text": day_text(deadline.basis_date),
            },
        )

    def get(self, request, pk):
        deadline = self.setup_objects(request, pk)
        form = DeadlineOverrideForm(
            initial={"due": deadline.override_due, "reason": deadline.override_reason}
        )
        return self.render_form(request, deadline, form)

    def post(self, request, pk):
        deadline = self.setup_objects(request, pk)
        form = DeadlineOverrideForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, deadline, form)
        services.deadline_override(
            deadline=deadline,
            due=form.cleaned_data["due"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        messages.success(request, f"{deadline.name}: now due {day_text(deadline.due)}.")
        return redirect(deadline.inspection.get_absolute_url())


def _too_many_for_pdf(what: str, count: int) -> str:
    return (
        f"This {what} would cover {count:,} actions, more than the "
        f"{budget('PDF_MAX_ACTIONS'):,} that can be laid out as a PDF at once. Read the actions "
        "in the actions explorer, or ask the service's support team for it."
    )


class EvidencePackView(VisibleInspectionMixin, View):
    """Choose a date, then have the inspection's evidence pack as at that date (a zip)
    prepared in the background (``inspections.tasks``): administrators. The POST starts the job
    and sends the user to its page, from which they download the pack; the job records the
    export in the audit log."""

    template_name = "inspections/evidence_pack.html"
    http_method_names = ["get", "post", "head", "options"]
    # With the in-process task backend (``make run``, the browser tests) the job runs inside
    # this request: it may then take up to LONG_REQUEST_TIMEOUT, as before issue 16.
    long_request = True

    def get(self, request, pk):
        inspection = self.get_inspection(pk)
        require(permissions.can_generate_evidence_pack(request.user, inspection))
        form = AsAtForm(initial={"as_at": timezone.localdate().strftime("%d/%m/%Y")})
        return render(request, self.template_name, {"inspection": inspection, "form": form})

    def post(self, request, pk):
        inspection = self.get_inspection(pk)
        require(permissions.can_generate_evidence_pack(request.user, inspection))
        form = AsAtForm(request.POST)
        if form.is_valid():
            count = RecommendationAction.objects.filter(
                recommendation__inspection=inspection
            ).count()
            if not within("PDF_MAX_ACTIONS", count):  # row budget (core.budgets)
                form.add_error(None, _too_many_for_pdf("evidence pack", count))
        if not form.is_valid():
            return render(request, self.template_name, {"inspection": inspection, "form": form})
        job, new = start_or_join_job(
            Job.Kind.EVIDENCE_PACK,
            requester=request.user,
            inspection=inspection.pk,
            as_at=form.cleaned_data["as_at"].isoformat(),
            back_url=inspection.get_absolute_url(),
            back_label=inspection.title,
        )
        if not new:
            messages.info(request, "You have already asked for this pack; it is on its way.")
        return redirect("job_detail", pk=job.pk)


class ReadinessView(LoginRequiredMixin, TemplateView):
    """What an inspector would challenge first in a plan."""

    template_name = "inspections/readiness.html"
    http_method_names = READ_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = get_object_or_404(
            Plan.objects.select_related("organisation", "owner"), slug=self.kwargs["slug"]
        )
        require(can_view_plan(self.request.user, plan))
        readiness = selectors.readiness(plan)
        context.update(
            {
                "plan": plan,
                "readiness": readiness,
                "progress_rows": [progress_row(r) for r in readiness.progress],
                "legend": legend_for(plan.organisation),
                "today": timezone.localdate(),
            }
        )
        return context


class SelfEvaluationListView(LoginRequiredMixin, TemplateView):
    template_name = "inspections/self_evaluation_list.html"
    http_method_names = READ_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        require(permissions.can_view_self_evaluations(self.request.user))
        context["self_evaluations"] = list(
            permissions.self_evaluations_visible_to(self.request.user)
            .select_related("organisation")
            .order_by("organisation__name", "-year")
        )
        context["is_administrator"] = is_administrator(self.request.user)
        return context


def self_evaluation_for(request, pk) -> SelfEvaluation:
    require(permissions.can_view_self_evaluations(request.user))
    return get_object_or_404(
        permissions.self_evaluations_visible_to(request.user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("plan")),
            "measures",
            "evidence",
        ),
        pk=pk,
    )


class SelfEvaluationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "inspections/self_evaluation_detail.html"
    http_method_names = READ_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sef = self_evaluation_for(self.request, self.kwargs["pk"])
        versions = list(
            sef.history.select_related("history_user").order_by("-history_date", "-history_id")
        )
        context.update(
            {
                "sef": sef,
                "versions": versions,
                "is_administrator": administers(self.request.user, sef.organisation_id),
                "admin_url": reverse("admin:inspections_selfevaluation_change", args=[sef.pk]),
            }
        )
        return context


class SelfEvaluationExportView(LoginRequiredMixin, View):
    """The self-evaluation as a PDF, always prepared in the background (``inspections.tasks``):
    the GET offers to prepare it, the POST starts the job and sends the user to its page. The
    job records the export in the audit log."""

    http_method_names = ["get", "post", "head", "options"]
    long_request = True  # the in-process task backend runs the job in the request

    def get(self, request, pk):
        sef = self_evaluation_for(request, pk)
        return render(
            request,
            "core/prepare_file.html",
            {
                "caption": f"Self-evaluation {sef.year}",
                "heading": "Download the self-evaluation as a PDF",
                "intro": f"A PDF of {sef.organisation}'s self-evaluation for {sef.year}, as it "
                "is now, with its linked actions, measures and evidence.",
                "action_url": request.path,
                "button": "Prepare the PDF",
                "back_url": sef.get_absolute_url(),
                "back_label": f"the self-evaluation {sef.year}",
            },
        )

    def post(self, request, pk):
        sef = self_evaluation_for(request, pk)
        count = len(sef.actions.all())  # prefetched
        if not within("PDF_MAX_ACTIONS", count):  # row budget (core.budgets)
            messages.error(request, _too_many_for_pdf("self-evaluation", count))
            return redirect("inspections:self_evaluation", pk=sef.pk)
        job, new = start_or_join_job(
            Job.Kind.EVIDENCE_PACK,
            requester=request.user,
            self_evaluation=sef.pk,
            label="Self-evaluation PDF",
            back_url=sef.get_absolute_url(),
            back_label=f"the self-evaluation {sef.year}",
        )
        if not new:
            messages.info(request, "You have already asked for this PDF; it is on its way.")
        return redirect("job_detail", pk=job.pk)
