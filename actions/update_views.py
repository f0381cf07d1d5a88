"""Giving an update: the form with the last update beside it, "No change since last period", and
on to the next action that needs an update."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from actions.approval_mail import notify_submitted
from actions.evidence import KINDS
from actions.forms import StatusUpdateForm
from actions.models import Action, Attachment, StatusUpdate
from actions.my_actions import next_action_to_update
from actions.periods import current_windows, period_for_update
from actions.permissions import can_update_action
from actions.querysets import Approval
from actions.services import (
    Reason,
    StaleUpdateError,
    UpdateDetails,
    attachments_add,
    no_change_refusal,
    status_update_no_change,
    status_update_record,
    status_update_revise,
)
from core.permissions import require
from core.presentation import legend_for
from plans.permissions import can_view_plan

#: What "Start from the last update's text" copies into the form.
TEXT_TO_REUSE = (
    "commentary",
    "issue",
    "mitigation",
    "resolve_by",
    "outside_control",
    "evidence_of_impact",
)


class UpdateMixin(LoginRequiredMixin):
    """The action (if the user may update it), this period's update if given, and the last
    update before this period's (what the officer said last time)."""

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
        earlier = StatusUpdate.objects.filter(action=action).select_related("period")
        if self.existing is not None:
            earlier = earlier.exclude(pk=self.existing.pk)
        self.previous = earlier.newest_first().first()
        self.latest = self.existing or self.previous

    def saved(self, request):
        """The success banner, then the next action needing an update (or My actions)."""
        action = Action.objects.get(pk=self.action.pk)
        text = (
            f"{action.plan.action_label} {action.number} is now rated "
            f"{self.legend.label(action.rating)}."
        )
        mine = StatusUpdate.objects.filter(action=action).newest_first().first()
        if mine is not None and mine.approval == Approval.SUBMITTED:
            text = (
                f"Your update to {action.plan.action_label.lower()} {action.number} "
                f"({self.legend.label(mine.rating)}) is submitted for approval."
            )
        following = next_action_to_update(request.user, action)
        if following is None:
            messages.success(request, f"{text} You have no more updates due this period.")
            return redirect("actions:mine")
        messages.success(
            request,
            f"{text} Next: {following.plan.action_label.lower()} {following.number}.",
        )
        return redirect("actions:update", pk=following.pk)


class StatusUpdateView(UpdateMixin, View):
    """Give (or, while its period is open, revise) this period's RAG update for an action."""

    template_name = "actions/update_form.html"

    def locked(self, request) -> bool:
        """This period's update was given by someone else, or has been approved (final)."""
        return self.existing is not None and (
            self.existing.author_id != request.user.pk
            or (self.existing.approval == Approval.APPROVED and self.existing.approved_at)
        )

    def get(self, request, pk):
        self.setup_action(request, pk)
        if self.locked(request):
            return self.render(request, None, status=200)
        initial = {"rating": self.action.rating, "version": self.action.version}
        source = self.existing
        if request.GET.get("start") == "last" and self.previous is not None:
            source = self.previous  # "Start from the last update's text", without JavaScript
        if source is not None:
            initial.update({name: getattr(source, name) for name in TEXT_TO_REUSE})
        if self.existing is not None:
            initial.update(
                rating=self.existing.rating,
                proposed_timescale=self.existing.proposed_timescale or None,
                proposed_timescale_reason=self.existing.proposed_timescale_reason,
                escalate=self.existing.escalate,
            )
        form = StatusUpdateForm(initial=initial, action=self.action, legend=self.legend)
        return self.render(request, form)

    def post(self, request, pk):
        self.setup_action(request, pk)
        form = StatusUpdateForm(request.POST, request.FILES, action=self.action, legend=self.legend)
        if self.locked(request):
            # Someone else gave this period's update after the form was opened, or it has been
            # approved since: refuse, show it, keep what was typed.
            form.is_valid()
            return self.render(request, form, status=409, stale=True)
        if not form.is_valid():
            return self.render(request, form, status=200)
        # Approvers hear of a new submission, or of a returned update submitted again; not of
        # every change to one already waiting for them.
        resubmitted = self.existing is not None and self.existing.approval == Approval.RETURNED
        try:
            with transaction.atomic():
                update = self.save(request, form)
                attachments_add(
                    update=update, files=form.cleaned_data["evidence"], user=request.user
                )
                if update.approval == Approval.SUBMITTED and (self.existing is None or resubmitted):
                    notify_submitted(update)
        except StaleUpdateError as stale:
            self.latest = stale.latest
            return self.render(request, form, status=409, stale=stale)
        return self.saved(request)

    def save(self, request, form) -> StatusUpdate:
        data = form.cleaned_data
        lifecycle, confidence = form.lifecycle_and_confidence()
        details = UpdateDetails(
            commentary=data["commentary"],
            reason=Reason(
                issue=data["issue"],
                mitigation=data["mitigation"],
                resolve_by=data["resolve_by"],
                outside_control=data["outside_control"],
            ),
            evidence_of_impact=data["evidence_of_impact"],
            proposed_timescale=data["proposed_timescale"],
            proposed_timescale_reason=data["proposed_timescale_reason"],
            escalate=data["escalate"],
        )
        if self.existing:
            return status_update_revise(
                update=self.existing,
                lifecycle=lifecycle,
                confidence=confidence,
                details=details,
                expected_version=data["version"],
                user=request.user,
            )
        return status_update_record(
            action=self.action,
            lifecycle=lifecycle,
            confidence=confidence,
            commentary=details.commentary,
            author=request.user,
            period=period_for_update(self.action.plan),
            reason=details.reason,
            evidence_of_impact=details.evidence_of_impact,
            proposed_timescale=details.proposed_timescale,
            proposed_timescale_reason=details.proposed_timescale_reason,
            escalate=details.escalate,
            expected_version=data["version"],
        )

    def render(self, request, form, status=200, stale=None):
        today = timezone.localdate()
        no_change = None
        if form is not None and self.existing is None:
            no_change = no_change_refusal(self.action, self.previous, today)
        return render(
            request,
            self.template_name,
            {
                "action": self.action,
                "form": form,
                "legend": self.legend,
                "window": self.window,
                "existing": self.existing,
                "previous": self.previous,
                "latest": self.latest,
                "stale": stale,
                "today": today,
                "no_change_refusal": no_change,
                "start_url": reverse("actions:update", kwargs={"pk": self.action.pk})
                + "?start=last#id_commentary",
            },
            status=status,
        )


class NoChangeView(UpdateMixin, View):
    """ "No change since last period": the last update's rating and reason again, after the
    officer confirms what will be recorded."""

    template_name = "actions/no_change_confirm.html"

    def get(self, request, pk):
        self.setup_action(request, pk)
        return self.render(request)

    def post(self, request, pk):
        self.setup_action(request, pk)
        refusal = self.refusal()
        if refusal:
            return self.render(request, status=409)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            with transaction.atomic():
                update = status_update_no_change(
                    action=self.action,
                    previous=self.previous,
                    author=request.user,
                    period=period_for_update(self.action.plan),
                    expected_version=version,
                )
                if update.approval == Approval.SUBMITTED:
                    notify_submitted(update)
        except StaleUpdateError as stale:
            self.latest = stale.latest
            return self.render(request, status=409, stale=stale)
        return self.saved(request)

    def refusal(self) -> str:
        if self.existing is not None:
            return "This period's update has already been given: change it on the update form."
        return no_change_refusal(self.action, self.previous, timezone.localdate())

    def render(self, request, status=200, stale=None):
        return render(
            request,
            self.template_name,
            {
                "action": self.action,
                "legend": self.legend,
                "window": self.window,
                "previous": self.previous,
                "latest": self.latest,
                "refusal": self.refusal(),
                "stale": stale,
            },
            status=status,
        )


class EvidenceDownloadView(LoginRequiredMixin, View):
    """An evidence file, for those who may see its action's plan: always as a download (never
    shown in the browser), with the type found from its content and no sniffing."""

    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.select_related("update__action__plan"), pk=pk
        )
        require(can_view_plan(request.user, attachment.update.action.plan))
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=KINDS[attachment.kind].content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
