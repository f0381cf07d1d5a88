from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.views.generic import DetailView

from actions.legend import legend_for
from plans.permissions import can_view_plan, require

from .models import Action, ActionLink, StatusUpdate, SubAction
from .rag import SEVERITY


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
            "plan__organisation__rag_definitions",
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
        for newer, older in zip(updates, updates[1:] + [None], strict=True):
            newer.travel = direction(older.rating if older else None, newer.rating)
        context["updates"] = updates
        context["legend"] = legend_for(
            self.object.plan.organisation, self.object.plan.organisation.rag_definitions.all()
        )
        return context


def direction(before: str | None, after: str) -> str:
    """'improved', 'worsened', 'unchanged' or '' (no earlier rating) between two ratings."""
    if before is None:
        return ""
    b, a = SEVERITY[before], SEVERITY[after]
    if a > b:
        return "improved"
    if a < b:
        return "worsened"
    return "unchanged"
