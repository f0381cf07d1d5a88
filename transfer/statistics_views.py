"""The statistics import's own page: say what each measure the file names but the app does not
have yet should be (code, name, unit, polarity, frequency) or leave it out, then preview again.
Administrators only, like every import page."""

from __future__ import annotations

from django.contrib import messages
from django.db.models.functions import Upper
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from measures.models import Measure
from transfer.imports.reading import ImportFileError
from transfer.imports.services import importer_for, read_again
from transfer.imports.statistics_forms import NewMeasuresForm
from transfer.models import PlanImport
from transfer.permissions import imports_visible_to
from transfer.views import AdministratorRequiredMixin


def new_measures_form(plan_import: PlanImport, data=None) -> NewMeasuresForm | None:
    proposals = plan_import.result.get("new_measures") or []
    if plan_import.status == PlanImport.Status.COMMITTED or not proposals:
        return None
    codes = set(Measure.objects.annotate(u=Upper("code")).values_list("u", flat=True))
    return NewMeasuresForm(data, proposals=proposals, existing_codes=codes)


def plan_import_choose_measures(*, plan_import: PlanImport, choices: dict) -> PlanImport:
    """Keep the administrator's choices for the new measures and preview again."""
    options = {**plan_import.options, "new_measures": choices}
    importer = importer_for(
        kind=plan_import.kind,
        filename=plan_import.filename,
        content=bytes(plan_import.content),
        options=options,
        **read_again(plan_import),
    )
    plan_import.options = options
    plan_import.result = importer.result
    plan_import.save(update_fields=["options", "result"])
    return plan_import


class NewMeasuresView(AdministratorRequiredMixin, View):
    http_method_names = ["get", "post", "head", "options"]
    template_name = "imports/new_measures.html"

    def get_object(self, pk) -> PlanImport:
        # Only uploads the administrator may see (their organisations', ADR 0012).
        return get_object_or_404(
            imports_visible_to(self.request.user).select_related("uploaded_by"),
            pk=pk,
            kind=PlanImport.Kind.MEASURE_VALUES,
        )

    def get(self, request, pk):
        plan_import = self.get_object(pk)
        form = new_measures_form(plan_import)
        if form is None:
            return redirect("imports:preview", pk=pk)
        return render(request, self.template_name, {"plan_import": plan_import, "form": form})

    def post(self, request, pk):
        plan_import = self.get_object(pk)
        form = new_measures_form(plan_import, request.POST)
        if form is None:
            return redirect("imports:preview", pk=pk)
        if not form.is_valid():
            return render(request, self.template_name, {"plan_import": plan_import, "form": form})
        try:
            plan_import_choose_measures(plan_import=plan_import, choices=form.choices())
        except ImportFileError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The new measures were saved; the preview is made again.")
        return redirect("imports:preview", pk=pk)
