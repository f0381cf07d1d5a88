from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import render
from django.views import View
from django.views.generic import DetailView

from actions.models import Action, ActionLink, StatusUpdate, SubAction
from actions.my_actions import my_actions, tables_for
from actions.permissions import can_update_action
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
            .prefetch_related("attachments")
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
