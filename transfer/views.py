"""Import (administrators: upload, preview, map columns, commit) and export (anyone who can see
the plan: .xlsx and .csv downloads, each logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from core.budgets import over_budget_message, within
from core.models import Job
from core.permissions import is_administrator, require
from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, download_response
from core.tasks import start_job, start_or_join_job
from measures.permissions import measures_visible_to
from plans.models import Plan
from plans.permissions import can_view_plan
from transfer.exports import (
    log_export,
    measures_csv_bytes,
    measures_xlsx_bytes,
    plan_csv_bytes,
    plan_xlsx_bytes,
)
from transfer.imports.forms import (
    MappingForm,
    MeasureUploadForm,
    PlanChoicesForm,
    PlanUploadForm,
    StatisticsChoicesForm,
)
from transfer.imports.headers import MEASURE_FIELDS, PLAN_FIELDS
from transfer.imports.plan_changes import ImportBlocked
from transfer.imports.reading import ImportFileError
from transfer.imports.services import (
    AlreadyImported,
    plan_import_commit,
    plan_import_keep,
    plan_import_reconsider,
    plan_import_remap,
    plan_import_upload,
)
from transfer.models import PlanImport
from transfer.permissions import imports_visible_to


class AdministratorRequiredMixin(LoginRequiredMixin):
    """Signed-in administrators only: others are sent to sign in (302) or refused (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(is_administrator(request.user))
        return super().dispatch(request, *args, **kwargs)


def plural(label: str) -> str:
    """ "Priority" -> "Priorities", "Improvement area" -> "Improvement areas"."""
    if label.endswith("y") and label[-2:-1] not in "aeiou":
        return label[:-1] + "ies"
    return label + "s"


# == imports ================================================================================
class ImportIndexView(AdministratorRequiredMixin, View):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        imports = (
            imports_visible_to(request.user)
            .select_related("uploaded_by", "plan")
            .defer("content", "result", "options", "table")
            .order_by("-uploaded_at")[:25]
        )
        return render(request, "imports/index.html", {"imports": imports})


class UploadView(AdministratorRequiredMixin, View):
    http_method_names = ["get", "post", "head", "options"]
    long_request = True  # reading a file: up to LONG_REQUEST_TIMEOUT (config.middleware)
    form_class = PlanUploadForm
    kind = PlanImport.Kind.PLAN
    template_name = "imports/upload_plan.html"

    def get(self, request):
        return render(request, self.template_name, {"form": self.form_class(user=request.user)})

    def post(self, request):
        form = self.form_class(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            if not within("INLINE_IMPORT_MAX_BYTES", len(content)):
                return self.read_in_background(request, upload.name, content, form.options())
            try:
                plan_import = plan_import_upload(
                    user=request.user,
                    kind=self.kind,
                    filename=upload.name,
                    content=content,
                    options=form.options(),
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("imports:preview", pk=plan_import.pk)
        return render(request, self.template_name, {"form": form})

    def read_in_background(self, request, filename: str, content: bytes, options: dict):
        """A large file: keep it unread and have a job read it; the preview page says "reading
        your file" until it is ready (issue 16)."""
        plan_import = plan_import_keep(
            user=request.user, kind=self.kind, filename=filename, content=content, options=options
        )
        start_job(
            Job.Kind.IMPORT_PREVIEW,
            requester=request.user,
            upload=plan_import.pk,
            back_url=reverse("imports:preview", kwargs={"pk": plan_import.pk}),
            back_label=f"the import of {plan_import.filename}",
        )
        return redirect("imports:preview", pk=plan_import.pk)


class PlanUploadView(UploadView):
    pass


class MeasureUploadView(UploadView):
    form_class = MeasureUploadForm
    kind = PlanImport.Kind.MEASURE_VALUES
    template_name = "imports/upload_measures.html"


def mapping_form(plan_import: PlanImport, data=None) -> MappingForm | None:
    result = plan_import.result
    if plan_import.status == PlanImport.Status.COMMITTED or not result.get("needs_mapping"):
        return None
    columns = result.get("unknown") or [
        {"letter": c["letter"], "heading": c["heading"]} for c in result.get("columns", [])
    ]
    fields = PLAN_FIELDS if plan_import.kind == PlanImport.Kind.PLAN else MEASURE_FIELDS
    initial = {f"col_{c['letter']}": c["field"] for c in result.get("columns", []) if c["field"]}
    return MappingForm(data, unknown=columns, fields=fields, initial=initial)


def choices_form(
    plan_import: PlanImport, data=None
) -> PlanChoicesForm | StatisticsChoicesForm | None:
    if plan_import.status == PlanImport.Status.COMMITTED:
        return None
    if plan_import.kind == PlanImport.Kind.PLAN:
        form: PlanChoicesForm | StatisticsChoicesForm = PlanChoicesForm(
            data, result=plan_import.result
        )
    else:
        form = StatisticsChoicesForm(data, result=plan_import.result)
    return form if form.fields else None


class ImportPreviewView(AdministratorRequiredMixin, View):
    """The preview; a POST records the mapping of unrecognised columns and previews again."""

    http_method_names = ["get", "post", "head", "options"]
    long_request = True

    def get_object(self, pk) -> PlanImport:
        return get_object_or_404(
            imports_visible_to(self.request.user).select_related("plan", "uploaded_by"), pk=pk
        )

    def get(self, request, pk):
        plan_import = self.get_object(pk)
        if plan_import.options.get("in_background"):
            waiting = self.background(request, plan_import)
            if waiting is not None:
                return waiting
        return self.show(request, plan_import, mapping_form(plan_import))

    def background(self, request, plan_import):
        """A large upload's jobs (issue 16): "reading your file" or "saving" with progress while
        a job works on it; once the commit job asked for (``?job=``) has finished, on to the plan
        (or back to the preview, with what went wrong). None: show the preview."""
        job = (
            Job.objects.filter(
                kind__in=[Job.Kind.IMPORT_PREVIEW, Job.Kind.IMPORT_COMMIT],
                parameters__upload=plan_import.pk,
            )
            .order_by("-pk")
            .first()
        )
        reading = plan_import.status == PlanImport.Status.READING
        file_error = plan_import.result.get("file_error")
        if reading or file_error or (job is not None and not job.finished):
            saving = job is not None and job.kind == Job.Kind.IMPORT_COMMIT
            return render(
                request,
                "imports/working.html",
                {
                    "plan_import": plan_import,
                    "job": job,
                    "saving": saving,
                    "file_error": file_error
                    or (job.outcome if reading and job is not None and job.finished else ""),
                    "refresh_url": request.get_full_path(),
                },
            )
        if job is None or job.kind != Job.Kind.IMPORT_COMMIT:
            return None
        if request.GET.get("job") != str(job.pk):
            return None
        if job.status == Job.Status.SUCCEEDED and plan_import.status == PlanImport.Status.COMMITTED:
            messages.success(request, f"Imported {plan_import.filename}.")
            return redirect(done_url(plan_import))
        messages.error(request, f"Nothing was imported. {job.outcome}")
        return redirect("imports:preview", pk=plan_import.pk)

    def post(self, request, pk):
        plan_import = self.get_object(pk)
        if plan_import.status == PlanImport.Status.READING:
            return redirect("imports:preview", pk=plan_import.pk)
        if request.POST.get("form") == "choices":
            return self.post_choices(request, plan_import)
        if request.POST.get("form") == "update_instead":
            return self.post_update_instead(request, plan_import)
        form = mapping_form(plan_import, request.POST)
        if form is None:
            return redirect("imports:preview", pk=plan_import.pk)
        if not form.is_valid():
            return self.show(request, plan_import, form)
        try:
            plan_import_remap(plan_import=plan_import, mapping=form.mapping())
        except ImportFileError as exc:
            messages.error(request, str(exc))
        return redirect("imports:preview", pk=plan_import.pk)

    def post_choices(self, request, plan_import):
        form = choices_form(plan_import, request.POST)
        if form is None:
            return redirect("imports:preview", pk=plan_import.pk)
        if not form.is_valid():
            return self.show(request, plan_import, mapping_form(plan_import), choices=form)
        try:
            plan_import_reconsider(plan_import=plan_import, changes=form.options())
        except (ImportFileError, AlreadyImported) as exc:
            messages.error(request, str(exc) or "This file has already been imported.")
        return redirect("imports:preview", pk=plan_import.pk)

    def post_update_instead(self, request, plan_import):
        """Update the plan this file was imported into before, instead of making a copy."""
        earlier = (plan_import.result.get("already_imported") or {}).get("plan")
        plan = Plan.objects.filter(pk=earlier).first()
        if plan is None or plan_import.status == PlanImport.Status.COMMITTED:
            return redirect("imports:preview", pk=plan_import.pk)
        plan_import_reconsider(plan_import=plan_import, changes={"mode": "update", "plan": plan.pk})
        messages.info(request, f"The file will now update {plan.title}.")
        return redirect("imports:preview", pk=plan_import.pk)

    def show(self, request, plan_import, form, choices=None):
        result = plan_import.result
        fields = PLAN_FIELDS if plan_import.kind == PlanImport.Kind.PLAN else MEASURE_FIELDS
        context = {
            "plan_import": plan_import,
            "result": result,
            "mapping_form": form,
            "field_help": [(f.label, f.synonyms[:4]) for f in fields.fields],
            "committed": plan_import.status == PlanImport.Status.COMMITTED,
            "choices_form": choices if choices is not None else choices_form(plan_import),
        }
        counts = result.get("counts") or {}
        context["priorities_label"] = plural(result.get("priority_label") or "Priority")
        if plan_import.kind == PlanImport.Kind.PLAN and counts:
            context["counts_rows"] = [
                (context["priorities_label"], counts["priorities"]),
                ("Outcomes", counts["outcomes"]),
                ("Objectives", counts["objectives"]),
                ("Actions", counts["actions"]),
            ]
        template = (
            "imports/preview_plan.html"
            if plan_import.kind == PlanImport.Kind.PLAN
            else "imports/preview_measures.html"
        )
        return render(request, template, context)


class ImportCommitView(AdministratorRequiredMixin, View):
    http_method_names = ["post", "options"]
    long_request = True  # 5,000 actions are written in about 25 s of CPU

    def post(self, request, pk):
        plan_import = get_object_or_404(
            imports_visible_to(request.user).select_related("plan"), pk=pk
        )
        if plan_import.options.get("in_background"):
            return self.commit_in_background(request, plan_import)
        try:
            plan_import = plan_import_commit(plan_import=plan_import, user=request.user)
        except AlreadyImported:
            messages.info(request, "This file has already been imported; nothing more was done.")
            return redirect(done_url(plan_import))
        except ImportBlocked as blocked:
            messages.error(
                request,
                f"Nothing was imported: {len(blocked.issues)} problem(s) need putting right "
                "first. They are listed below.",
            )
            return redirect("imports:preview", pk=plan_import.pk)
        messages.success(request, f"Imported {plan_import.filename}.")
        return redirect(done_url(plan_import))

    def commit_in_background(self, request, plan_import):
        """A large upload is committed by a job (all or nothing, as in the request); the preview
        page shows its progress, then goes on to the plan (issue 16)."""
        preview = reverse("imports:preview", kwargs={"pk": plan_import.pk})
        if plan_import.status == PlanImport.Status.COMMITTED:
            messages.info(request, "This file has already been imported; nothing more was done.")
            return redirect(done_url(plan_import))
        if plan_import.status == PlanImport.Status.READING:
            messages.info(request, "The file is still being read; it can be imported after.")
            return redirect(preview)
        if plan_import.result.get("file_error"):  # the page says why; upload it again
            return redirect(preview)
        job, _ = start_or_join_job(
            Job.Kind.IMPORT_COMMIT,
            requester=request.user,
            upload=plan_import.pk,
            back_url=preview,
            back_label=f"the import of {plan_import.filename}",
        )
        return redirect(f"{preview}?job={job.pk}")


def done_url(plan_import: PlanImport) -> str:
    if plan_import.plan_id:
        return plan_import.plan.get_absolute_url()
    if plan_import.kind == PlanImport.Kind.MEASURE_VALUES:
        return reverse("measures:list")
    return reverse("imports:preview", kwargs={"pk": plan_import.pk})


# == exports ================================================================================
class PlanExportView(LoginRequiredMixin, View):
    """A plan as .xlsx or .csv. Up to ``INLINE_EXPORT_MAX_ACTIONS`` actions the file is made in
    the request; a larger plan's GET offers to prepare it, and the POST starts a background job
    (``transfer.tasks``) and sends the user to the job's page, from which they download it."""

    http_method_names = ["get", "post", "head", "options"]
    long_request = True  # the in-process task backend (``make run``) runs the job in the request
    fmt = "xlsx"

    def get_plan(self, request, slug):
        """The plan, and whether its file is within the row budget (core.budgets); if it is
        not, the user is told so."""
        plan = get_object_or_404(
            Plan.objects.select_related("organisation").annotate(action_total=Count("actions")),
            slug=slug,
        )
        require(can_view_plan(request.user, plan))
        if not within("EXPORT_MAX_ROWS", plan.action_total):
            messages.error(
                request, over_budget_message("plan", plan.action_total, "EXPORT_MAX_ROWS")
            )
            return plan, False
        return plan, True

    def get(self, request, slug):
        plan, allowed = self.get_plan(request, slug)
        if not allowed:
            return redirect(plan.get_absolute_url())
        if not within("INLINE_EXPORT_MAX_ACTIONS", plan.action_total):
            return render(
                request,
                "core/prepare_file.html",
                {
                    "caption": plan.title,
                    "heading": f"Download the plan as {FORMAT_NAMES[self.fmt]}",
                    "intro": f"This plan has {plan.action_total:,} actions: its file takes a "
                    "while to make.",
                    "action_url": request.path,
                    "button": "Prepare the file",
                    "back_url": plan.get_absolute_url(),
                    "back_label": plan.title,
                },
            )
        if self.fmt == "xlsx":
            content = plan_xlsx_bytes(plan, exported_by=request.user.get_username())
            content_type = XLSX_CONTENT_TYPE
        else:
            content = plan_csv_bytes(plan)
            content_type = CSV_CONTENT_TYPE
        log_export(
            user=request.user,
            request=request,
            summary=f"Exported {plan.title} as .{self.fmt}",
            detail={"plan": plan.pk, "slug": plan.slug, "format": self.fmt},
        )
        return download_response(
            content, filename=f"{plan.slug}.{self.fmt}", content_type=content_type
        )

    def post(self, request, slug):
        plan, allowed = self.get_plan(request, slug)
        if not allowed:
            return redirect(plan.get_absolute_url())
        job, new = start_or_join_job(
            Job.Kind.PLAN_EXPORT,
            requester=request.user,
            plan=plan.pk,
            fmt=self.fmt,
            back_url=plan.get_absolute_url(),
            back_label=plan.title,
        )
        if not new:
            messages.info(request, "You have already asked for this file; it is on its way.")
        return redirect("job_detail", pk=job.pk)


FORMAT_NAMES = {"xlsx": "Excel (.xlsx)", "csv": "CSV"}


class MeasuresExportView(LoginRequiredMixin, View):
    http_method_names = ["get", "head", "options"]
    fmt = "xlsx"

    def get(self, request):
        # Only the measures the user may read (measures.permissions).
        measures = list(
            measures_visible_to(request.user).annotate(rows=Count("values")).order_by("code")
        )
        rows = sum(m.rows for m in measures)
        if not within("EXPORT_MAX_ROWS", rows):  # row budget (core.budgets)
            messages.error(request, over_budget_message("download", rows, "EXPORT_MAX_ROWS"))
            return redirect("measures:list")
        if self.fmt == "xlsx":
            content, content_type = measures_xlsx_bytes(measures), XLSX_CONTENT_TYPE
        else:
            content, content_type = measures_csv_bytes(measures), CSV_CONTENT_TYPE
        log_export(
            user=request.user,
            request=request,
            summary=f"Exported outcome measures as .{self.fmt}",
            detail={"measures": len(measures), "format": self.fmt},
        )
        return download_response(
            content, filename=f"measures.{self.fmt}", content_type=content_type
        )
