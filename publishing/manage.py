"""The page where a plan's owner (or an administrator) decides what of the plan is public."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from core.permissions import require
from plans.models import Plan
from publishing.forms import PublicationSettingsForm, chosen_ids
from publishing.models import PublicAction, PublishedPlan
from publishing.permissions import can_manage_publication
from publishing.services import publication_refresh


class PublicationSettingsView(LoginRequiredMixin, View):
    template_name = "publishing/manage.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = get_object_or_404(Plan, slug=kwargs["slug"])
        require(can_manage_publication(request.user, self.plan))
        self.setting = PublishedPlan.objects.filter(plan=self.plan).first() or PublishedPlan(
            plan=self.plan
        )
        self.actions = list(
            self.plan.actions.select_related("priority", "public").order_by(
                "priority__order", "priority__pk", "sequence", "pk"
            )
        )
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, status=200):
        rows = []
        for action in self.actions:
            public = getattr(action, "public", None)
            rows.append(
                {
                    "action": action,
                    "commentary": bool(public and public.commentary_public),
                    "lead_text": bool(public and public.lead_text_public),
                }
            )
        return render(
            self.request,
            self.template_name,
            {"plan": self.plan, "form": form, "rows": rows, "setting": self.setting},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render_page(PublicationSettingsForm(instance=self.setting))

    def post(self, request, *args, **kwargs):
        form = PublicationSettingsForm(request.POST, instance=self.setting)
        if not form.is_valid():
            return self.render_page(form)
        allowed = {a.pk for a in self.actions}
        commentary = chosen_ids(request.POST, "commentary", allowed)
        lead_text = chosen_ids(request.POST, "lead_text", allowed)
        with transaction.atomic():
            setting = form.save()
            for action in self.actions:
                wanted = (action.pk in commentary, action.pk in lead_text)
                public = getattr(action, "public", None)
                if public is None and not any(wanted):
                    continue
                PublicAction.objects.update_or_create(
                    action=action,
                    defaults={"commentary_public": wanted[0], "lead_text_public": wanted[1]},
                )
        if setting.enabled and not self.plan.publications.exists():
            publication_refresh(self.plan)
        messages.success(request, "What is published about this plan has been saved.")
        return redirect("publishing:manage", slug=self.plan.slug)
