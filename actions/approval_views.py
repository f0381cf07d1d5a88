"""Approval of updates on plans that require it: the list of submitted updates for the plans a
user may approve, and approving or returning one with a comment."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from actions.approval_mail import notify_returned
from actions.models import StatusUpdate
from actions.permissions import can_approve_updates, plans_approved_by_q
from actions.querysets import Approval
from actions.services import ApprovedUpdateError, status_update_approve, status_update_return
from core.permissions import require
from core.presentation import legend_for
from core.text import clean_text
from plans.models import Plan


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Why are you returning it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The officer sees this beside their update and can change it and submit it "
        "again.",
        error_messages={"required": "Say why you are returning the update"},
    )

    def clean_comment(self):
        return clean_text(self.cleaned_data["comment"])


def submitted_update(request, pk) -> StatusUpdate:
    update = get_object_or_404(
        StatusUpdate.objects.select_related(
            "action", "action__plan", "action__plan__organisation", "period"
        ),
        pk=pk,
    )
    require(can_approve_updates(request.user, update.action.plan))
    return update


class ApprovalsView(LoginRequiredMixin, View):
    """Updates awaiting approval on the plans the user may approve (empty for everyone else)."""

    def get(self, request):
        # Every plan, not only those needing approval now: updates submitted before the flag
        # was switched off still wait for a decision.
        plans = Plan.objects.all()
        q = plans_approved_by_q(request.user)
        if q is not None:
            plans = plans.filter(q)
        updates = list(
            StatusUpdate.objects.filter(
                approval=Approval.SUBMITTED, action__plan__in=plans.values("pk")
            )
            .select_related("action", "action__plan", "action__plan__organisation", "period")
            .prefetch_related("attachments")
            .order_by("action__plan__title", "created_at", "pk")
        )
        legends: dict[int, object] = {}
        for update in updates:
            organisation = update.action.plan.organisation
            update.legend = legends.setdefault(organisation.pk, legend_for(organisation))
        return render(request, "actions/approvals.html", {"updates": updates})


class ApproveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        update = submitted_update(request, pk)
        try:
            status_update_approve(update=update, user=request.user)
        except ApprovedUpdateError:
            messages.error(request, "That update is no longer awaiting approval.")
            return redirect("actions:approvals")
        action = update.action
        messages.success(
            request,
            f"Approved the update to {action.plan.action_label.lower()} {action.number}: "
            "boards now see it.",
        )
        return redirect("actions:approvals")


class ReturnView(LoginRequiredMixin, View):
    template_name = "actions/return_update.html"

    def get(self, request, pk):
        update = submitted_update(request, pk)
        return self.render(request, update, ReturnForm())

    def post(self, request, pk):
        update = submitted_update(request, pk)
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return self.render(request, update, form)
        try:
            with transaction.atomic():
                returned = status_update_return(
                    update=update, user=request.user, comment=form.cleaned_data["comment"]
                )
                notify_returned(returned, request.user)
        except ApprovedUpdateError:
            messages.error(request, "That update is no longer awaiting approval.")
            return redirect("actions:approvals")
        messages.success(
            request,
            f"Returned the update to {update.action.plan.action_label.lower()} "
            f"{update.action.number} to {update.author_name or 'its author'}.",
        )
        return redirect("actions:approvals")

    def render(self, request, update, form):
        legend = legend_for(update.action.plan.organisation)
        return render(
            request, self.template_name, {"update": update, "form": form, "legend": legend}
        )
