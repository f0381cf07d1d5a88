from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from . import selectors
from .models import Board, Meeting, Plan
from .permissions import (
    boards_visible_to,
    can_view_board,
    can_view_plan,
    plans_visible_to,
    require,
)


@login_required
@require_GET
def home(request):
    return redirect("plans:list")


@require_GET
@cache_control(max_age=300)
def theme_css(request):
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
def accessibility(request):
    return render(request, "accessibility.html")


class PlanListView(LoginRequiredMixin, ListView):
    template_name = "plans/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return selectors.plans_for_listing().filter(pk__in=plans_visible_to(self.request.user))


class PlanDetailView(LoginRequiredMixin, DetailView):
    template_name = "plans/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return Plan.objects.select_related("organisation", "owner").prefetch_related(
            "organisation__rag_definitions",
            "partners",
            "links__related_plan",
            "boards",
            "key_issues",
        )

    def get_object(self, queryset=None):
        plan = super().get_object(queryset)
        require(can_view_plan(self.request.user, plan))
        return plan

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.plan_document(self.object))
        return context


class BoardListView(LoginRequiredMixin, ListView):
    template_name = "plans/board_list.html"
    context_object_name = "boards"

    def get_queryset(self):
        return selectors.boards_for_listing().filter(pk__in=boards_visible_to(self.request.user))


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
        context.update(selectors.board_detail(self.object))
        return context


class MeetingDetailView(LoginRequiredMixin, DetailView):
    template_name = "plans/meeting_detail.html"
    context_object_name = "meeting"
    queryset = Meeting.objects.select_related("board", "board__organisation")

    def get_object(self, queryset=None):
        meeting = super().get_object(queryset)
        require(can_view_board(self.request.user, meeting.board))
        return meeting

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = list(self.object.board.plans.order_by("title"))
        return context
