from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView

from actions.forms import StatusUpdateForm
from actions.models import Action, ActionLink, StatusUpdate, SubAction
from actions.my_actions import my_actions, tables_for
from actions.periods import current_windows, period_for_update
from actions.permissions import can_update_action
from actions.services import (
    Reason,
    StaleUpdateError,
    UpdateDetails,
    status_update_record,
    status_update_revise,
)
from core.budgets import budget
from core.permissions import require
from core.presentation import legend_for, rating_direction
from plans.permissions import can_view_plan


class ActionDetailView(LoginRequiredMixin, DetailView):
    template_name = "actions/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return Action.objects.select_related(
            "plan", "plan__organisation", "priority", "outcome", "objective", "lead"
        ).prefetch_related(
            "tags",
            "supporting_officers",
            "partners",
            "delegates",
            Prefetch("links", queryset=ActionLink.objects.order_by("order", "pk")),
            Prefetch("sub_actions", queryset=SubAction.objects.order_by("order", "pk")),
        )

    def get_object(self, queryset=None):
        action = super().get_object(queryset)
        require(can_view_plan(self.request.user, action.plan))
        return action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        updates = list(
            StatusUpdate.objects.filter(action=self.object)
            .select_related("period", "author")
            .order_by("-created_at", "-pk")
        )
        # Direction of travel: compare each update with the one before it.
        for i, newer in enumerate(updates):
            older = updates[i + 1] if i + 1 < len(updates) else None
            newer.travel = rating_direction(older.rating if older else None, newer.rating)
        context["updates"] = updates
        context["legend"] = legend_for(self.object.plan.organisation)
        context["can_update"] = can_update_action(self.request.user, self.object)
        return context


class MyActionsView(LoginRequiredMixin, View):
    """The officer's home: their actions by plan, and which need an update this period."""

    def get(self, request):
        # A row budget (core.budgets): beyond it the page shows the first actions and says so.
        limit = budget("MINE_MAX_ACTIONS")
        filterset, groups, next_due = my_actions(request.user, request.GET, limit=limit)
        legends = {g.plan.organisation_id: legend_for(g.plan.organisation) for g in groups}
        tables_for(groups, request, legends)
        return render(
            request,
            "actions/my_actions.html",
            {
                "filter": filterset,
                "groups": groups,
                "next_due": next_due,
                "n_due": sum(r.update_due for g in groups for r in g.rows),
                "has_person": getattr(request.user, "person", None) is not None,
                "legend": next(iter(legends.values()), legend_for(None)),
                "over_limit": limit if filterset.over_limit else None,
            },
        )


class StatusUpdateView(LoginRequiredMixin, View):
    """Give (or, while its period is open, revise) this period's RAG update for an action."""

    template_name = "actions/update_form.html"

    def setup_action(self, request, pk):
        queryset = Action.objects.select_related("plan", "plan__organisation", "priority", "lead")
        action = get_object_or_404(queryset, pk=pk)
        require(
            can_view_plan(request.user, action.plan) and can_update_action(request.user, action)
        )
        self.action = action
        self.legend = legend_for(action.plan.organisation)
        window, period = current_windows([action.plan])[action.plan_id]
        self.window = window
        self.existing = (
            StatusUpdate.objects.filter(action=action, period=period)
            .select_related("author")
            .first()
            if period is not None
            else None
        )
        self.latest = StatusUpdate.objects.filter(action=action).newest_first().first()

    def get(self, request, pk):
        self.setup_action(request, pk)
        if self.existing and self.existing.author_id != request.user.pk:
            return self.render(request, None, status=200)
        initial = {"rating": self.action.rating, "version": self.action.version}
        if self.existing:
            initial.update(
                {
                    "rating": self.existing.rating,
                    "commentary": self.existing.commentary,
                    "issue": self.existing.issue,
                    "mitigation": self.existing.mitigation,
                    "resolve_by": self.existing.resolve_by,
                    "outside_control": self.existing.outside_control,
                    "evidence_of_impact": self.existing.evidence_of_impact,
                    "proposed_timescale": self.existing.proposed_timescale,
                    "proposed_timescale_reason": self.existing.proposed_timescale_reason,
                    "escalate": self.existing.escalate,
                }
            )
        form = StatusUpdateForm(initial=initial, action=self.action, legend=self.legend)
        return self.render(request, form)

    def post(self, request, pk):
        self.setup_action(request, pk)
        form = StatusUpdateForm(request.POST, action=self.action, legend=self.legend)
        if self.existing and self.existing.author_id != request.user.pk:
            # Someone else gave this period's update after the form was opened: refuse, show
            # theirs, keep what was typed.
            form.is_valid()
            return self.render(request, form, status=409, stale=True)
        if not form.is_valid():
            return self.render(request, form, status=200)
        data = form.cleaned_data
        lifecycle, confidence = form.lifecycle_and_confidence()
        reason = Reason(
            issue=data["issue"],
            mitigation=data["mitigation"],
            resolve_by=data["resolve_by"],
            outside_control=data["outside_control"],
        )
        try:
            if self.existing:
                status_update_revise(
                    update=self.existing,
                    lifecycle=lifecycle,
                    confidence=confidence,
                    details=UpdateDetails(
                        commentary=data["commentary"],
                        reason=reason,
                        evidence_of_impact=data["evidence_of_impact"],
                        proposed_timescale=data["proposed_timescale"],
                        proposed_timescale_reason=data["proposed_timescale_reason"],
                        escalate=data["escalate"],
                    ),
                    expected_version=data["version"],
                    user=request.user,
                )
            else:
                status_update_record(
                    action=self.action,
                    lifecycle=lifecycle,
                    confidence=confidence,
                    commentary=data["commentary"],
                    author=request.user,
                    period=period_for_update(self.action.plan),
                    reason=reason,
                    evidence_of_impact=data["evidence_of_impact"],
                    proposed_timescale=data["proposed_timescale"],
                    proposed_timescale_reason=data["proposed_timescale_reason"],
                    escalate=data["escalate"],
                    expected_version=data["version"],
                )
        except StaleUpdateError as stale:
            self.latest = stale.latest
            return self.render(request, form, status=409, stale=stale)
        messages.success(
            request,
            f"{self.action.plan.action_label} {self.action.number} is now rated "
            f"{self.legend.label(self.action.rating)}.",
        )
        return HttpResponseRedirect(self.next_url(request))  # a path, never a URL name

    def next_url(self, request):
        target = request.POST.get("next") or request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return self.action.get_absolute_url()

    def render(self, request, form, status=200, stale=None):
        return render(
            request,
            self.template_name,
            {
                "action": self.action,
                "form": form,
                "legend": self.legend,
                "window": self.window,
                "existing": self.existing,
                "latest": self.latest,
                "stale": stale,
                "next": request.POST.get("next") or request.GET.get("next", ""),
                "today": timezone.localdate(),
            },
            status=status,
        )
