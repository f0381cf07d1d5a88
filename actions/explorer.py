"""The actions explorer: every action of every plan the user may see, filtered (django-filter),
sorted and paged (django-tables2), and downloadable as .csv or .xlsx (the filtered rows, in the
order shown, every download written to the audit log).

The page and the downloads run a fixed number of queries however many actions there are.
"""

import csv
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django_tables2 import RequestConfig
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from actions.filters import ActionFilter
from actions.models import Action
from actions.tables import PLAN_ORDER, ActionTable, overdue_text
from core import audit
from core.budgets import over_budget_message, within
from core.links import paginate_table
from core.models import AuditEvent
from core.permissions import reads_all_plans
from core.rag import COLOURS, Rating
from core.spreadsheets import safe_cell, safe_text
from plans.permissions import plans_visible_to

PER_PAGE = 25
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_COLUMNS = [
    ("Plan", 40),
    ("Organisation", 30),
    ("Priority", 40),
    ("Outcome", 30),
    ("Objective", 30),
    ("Number", 10),
    ("Action", 60),
    ("Success criteria", 50),
    ("Lead officer", 25),
    ("Timescale", 20),
    ("Due date", 12),
    ("RAG rating", 14),
    ("Overdue", 14),
    ("Tags", 30),
    ("Link", 40),
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def explorer_queryset(user):
    """The actions a user may see, in the one listing shape (plus each organisation's RAG
    words, for the badges)."""
    qs = Action.objects.for_listing()
    if not reads_all_plans(user):
        qs = qs.filter(plan__in=plans_visible_to(user).values("pk"))
    return qs.order_by(*PLAN_ORDER)


def export_row(action, table: ActionTable, request) -> list:
    legend = table.legend(action.plan.organisation)
    return [
        action.plan.title,
        action.plan.organisation.name,
        f"{action.priority.number}. {action.priority.title}",
        f"{action.outcome.number} {action.outcome.title}" if action.outcome else "",
        f"{action.objective.number} {action.objective.title}" if action.objective else "",
        action.number,
        action.description,
        action.success_criteria,
        action.lead_display,
        action.timescale_text,
        action.timescale_due,
        legend.label(action.rating),
        overdue_text(action),
        ", ".join(t.name for t in action.tags.all()),
        request.build_absolute_uri(action.get_absolute_url()),
    ]


def legends_for_rows(actions, table: ActionTable) -> list[tuple[str, object]]:
    """The legends of the organisations whose actions are shown, organisations with the same
    wording sharing one: [(organisation names, legend)]."""
    groups: dict[tuple, tuple[list[str], object]] = {}
    seen = set()
    for action in actions:
        org = action.plan.organisation
        if org.pk in seen:
            continue
        seen.add(org.pk)
        legend = table.legend(org)
        key = tuple((e.rating, e.label, e.meaning) for e in legend)
        groups.setdefault(key, ([], legend))[0].append(org.name)
    return [(", ".join(names), legend) for names, legend in groups.values()]


class ActionExplorerView(LoginRequiredMixin, View):
    template_name = "explorer/actions.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        filterset = ActionFilter(
            request.GET or None,
            queryset=explorer_queryset(request.user),
            request=request,
            today=today,
        )
        table = ActionTable(filterset.qs, caption="Actions", order_by=None)
        export = request.GET.get("_export")
        if export in EXPORT_FORMATS:
            if filterset.is_bound and not filterset.is_valid():
                params = request.GET.copy()
                params.pop("_export", None)
                return redirect(f"{request.path}?{params.urlencode()}")
            RequestConfig(request, paginate=False).configure(table)
            count = filterset.qs.count()
            if not within("EXPORT_MAX_ROWS", count):  # row budget (core.budgets)
                messages.error(request, over_budget_message("download", count, "EXPORT_MAX_ROWS"))
                params = request.GET.copy()
                params.pop("_export", None)
                return redirect(f"{request.path}?{params.urlencode()}")
            return self.export(request, filterset, table, export)
        RequestConfig(request, paginate=False).configure(table)
        paginate_table(table, request, per_page=PER_PAGE)  # ?per_page= bounded (core.links)
        count = table.paginator.count
        table.caption = f"{count} action{'' if count == 1 else 's'}" + (
            " matching the filters" if filterset.filters_applied() else ""
        )
        rows = list(table.paginated_rows)
        legends = legends_for_rows([row.record for row in rows], table)
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("_export", None)
        return render(
            request,
            self.template_name,
            {
                "filterset": filterset,
                "form": filterset.form,
                "table": table,
                "legends": legends,
                "filtered": bool(filterset.filters_applied()),
                "export_query": params.urlencode(),
            },
        )

    def export(self, request, filterset, table, fmt: str) -> HttpResponse:
        actions = list(table.data)
        rows = [export_row(a, table, request) for a in actions]
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response = self.as_csv(rows) if fmt == "csv" else self.as_xlsx(rows, table, actions)
        response["Content-Disposition"] = f'attachment; filename="actions-{stamp}.{fmt}"'
        response["Cache-Control"] = "no-store"
        audit.record(
            AuditEvent.Kind.EXPORT,
            request=request,
            summary=f"Actions explorer: {len(rows)} action{'' if len(rows) == 1 else 's'} "
            f"as .{fmt}",
            filters=filterset.filters_applied(),
            format=fmt,
            rows=len(rows),
        )
        return response

    @staticmethod
    def as_csv(rows) -> HttpResponse:
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so Excel reads the file as UTF-8
        writer = csv.writer(buffer)
        writer.writerow([name for name, _ in EXPORT_COLUMNS])
        for row in rows:
            writer.writerow(
                [safe_text(v.isoformat() if hasattr(v, "isoformat") else v) for v in row]
            )
        return HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")

    @staticmethod
    def as_xlsx(rows, table, actions) -> HttpResponse:
        wb = Workbook()
        ws = wb.active
        ws.title = "Actions"
        bold = Font(bold=True)
        for col, (name, width) in enumerate(EXPORT_COLUMNS, start=1):
            safe_cell(ws.cell(row=1, column=col), name).font = bold
            ws.column_dimensions[get_column_letter(col)].width = width
        rating_col = [name for name, _ in EXPORT_COLUMNS].index("RAG rating") + 1
        due_col = [name for name, _ in EXPORT_COLUMNS].index("Due date") + 1
        for r, (row, action) in enumerate(zip(rows, actions, strict=True), start=2):
            for c, value in enumerate(row, start=1):
                cell = safe_cell(ws.cell(row=r, column=c), value)
                if c == due_col and value is not None:
                    cell.number_format = "dd/mm/yyyy"
            fill, text = COLOURS[Rating(action.rating)]
            rating_cell = ws.cell(row=r, column=rating_col)
            rating_cell.fill = PatternFill("solid", fgColor=fill.lstrip("#").upper())
            rating_cell.font = Font(bold=True, color=text.lstrip("#").upper())
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
        key = wb.create_sheet("What the ratings mean")
        safe_cell(key.cell(row=1, column=1), "Organisation").font = bold
        safe_cell(key.cell(row=1, column=2), "Rating").font = bold
        safe_cell(key.cell(row=1, column=3), "Meaning").font = bold
        key.column_dimensions["A"].width = 40
        key.column_dimensions["B"].width = 14
        key.column_dimensions["C"].width = 80
        organisations = {}
        for action in actions:
            organisations.setdefault(action.plan.organisation_id, action.plan.organisation)
        r = 2
        for org in organisations.values():
            for entry in table.legend(org):
                safe_cell(key.cell(row=r, column=1), org.name)
                cell = safe_cell(key.cell(row=r, column=2), entry.label)
                fill, text = COLOURS[Rating(entry.rating)]
                cell.fill = PatternFill("solid", fgColor=fill.lstrip("#").upper())
                cell.font = Font(bold=True, color=text.lstrip("#").upper())
                safe_cell(key.cell(row=r, column=3), entry.meaning)
                r += 1
        out = io.BytesIO()
        wb.save(out)
        return HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
