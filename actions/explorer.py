"""The actions explorer: every action of every plan the user may see, filtered (django-filter),
sorted and paged (django-tables2), and downloadable as .csv or .xlsx (the filtered rows, in the
order shown, every download written to the audit log).

The page and the downloads run a fixed number of queries however many actions there are.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django_tables2 import RequestConfig
from openpyxl import Workbook

from actions.filters import ActionFilter, in_visible_plans
from actions.models import Action
from actions.tables import PLAN_ORDER, ActionTable, overdue_text
from core import audit
from core.budgets import over_budget_message, within
from core.links import paginate_table
from core.models import AuditEvent, Job
from core.spreadsheets import (
    STRONG,
    csv_bytes,
    csv_response,
    rag_style,
    set_widths,
    workbook_bytes,
    write_legend_rows,
    write_row,
    xlsx_response,
)
from core.tasks import start_or_join_job

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
EXPORT_HEADINGS = [name for name, _ in EXPORT_COLUMNS]


def explorer_queryset(request):
    """The actions the user may see, in the one listing shape (plus each organisation's RAG
    words, for the badges)."""
    return in_visible_plans(Action.objects.for_listing(), "plan", request).order_by(*PLAN_ORDER)


def export_row(action, table: ActionTable, site: str) -> list:
    """One action as a row of the download; ``site`` is the address links start with."""
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
        site + action.get_absolute_url(),
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


def filtered(request) -> tuple[ActionFilter, ActionTable]:
    """The explorer's filters read from ``request.GET`` and its table of what they let through,
    sorted as asked (``request`` may be a stand-in holding the user, for a background job)."""
    filterset = ActionFilter(
        request.GET or None,
        queryset=explorer_queryset(request),
        request=request,
        today=timezone.localdate(),
    )
    table = ActionTable(filterset.qs, caption="Actions", order_by=None)
    RequestConfig(request, paginate=False).configure(table)
    return filterset, table


def query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@dataclass(frozen=True)
class ExplorerFile:
    filename: str
    content: bytes
    rows: int


def explorer_file(filterset: ActionFilter, table: ActionTable, fmt: str, site: str):
    """The filtered actions, in the order shown, as a .csv or .xlsx."""
    actions = list(table.data)
    rows = [export_row(a, table, site) for a in actions]
    content = export_csv(rows) if fmt == "csv" else export_xlsx(rows, table, actions)
    return ExplorerFile(f"actions-{timezone.localdate().isoformat()}.{fmt}", content, len(rows))


def audit_export(made: ExplorerFile, filterset: ActionFilter, fmt: str, **where) -> None:
    audit.record(
        AuditEvent.Kind.EXPORT,
        summary=f"Actions explorer: {made.rows} action{'' if made.rows == 1 else 's'} as .{fmt}",
        filters=filterset.filters_applied(),
        format=fmt,
        rows=made.rows,
        **where,
    )


class ActionExplorerView(LoginRequiredMixin, View):
    """The explorer page, and its downloads (``?_export=csv`` or ``xlsx``): made in the request
    up to ``INLINE_EXPORT_MAX_ACTIONS`` rows; a larger download's GET offers to prepare it and
    its POST starts a background job (``actions.tasks``), as a large plan's download does."""

    template_name = "explorer/actions.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, *args, **kwargs):
        filterset, table = filtered(request)
        export = request.GET.get("_export")
        if export in EXPORT_FORMATS:
            refused, count = self.refuse_download(request, filterset)
            if refused is not None:
                return refused
            if not within("INLINE_EXPORT_MAX_ACTIONS", count):
                return self.offer_to_prepare(request, filterset, export, count)
            made = explorer_file(filterset, table, export, request.build_absolute_uri("/")[:-1])
            audit_export(made, filterset, export, request=request)
            if export == "csv":
                return csv_response(made.content, made.filename)
            return xlsx_response(made.content, made.filename)
        paginate_table(table, request, per_page=PER_PAGE)  # ?per_page= bounded (core.links)
        count = table.paginator.count
        table.caption = f"{count} action{'' if count == 1 else 's'}" + (
            " matching the filters" if filterset.filters_applied() else ""
        )
        rows = list(table.paginated_rows)
        legends = legends_for_rows([row.record for row in rows], table)
        return render(
            request,
            self.template_name,
            {
                "filterset": filterset,
                "form": filterset.form,
                "table": table,
                "legends": legends,
                "filtered": bool(filterset.filters_applied()),
                "export_query": query_without(request, "page", "_export"),
            },
        )

    def post(self, request, *args, **kwargs):
        """Prepare a large download in the background: the filters and sort are the query's."""
        export = request.GET.get("_export")
        if export not in EXPORT_FORMATS:
            return redirect(request.path)
        filterset, _ = filtered(request)
        refused, _ = self.refuse_download(request, filterset)
        if refused is not None:
            return refused
        query = query_without(request, "page", "_export")
        job, new = start_or_join_job(
            Job.Kind.EXPLORER_EXPORT,
            requester=request.user,
            query=query,
            fmt=export,
            back_url=f"{request.path}?{query}" if query else request.path,
            back_label="the actions explorer",
        )
        if not new:
            messages.info(request, "You have already asked for this file; it is on its way.")
        return redirect("job_detail", pk=job.pk)

    def refuse_download(self, request, filterset):
        """Back to the page (without the download) when the filters are not valid or the rows
        are over the download budget (core.budgets), else None; and the number of rows."""
        back = request.path + (f"?{q}" if (q := query_without(request, "_export")) else "")
        if filterset.is_bound and not filterset.is_valid():
            return redirect(back), 0
        count = filterset.qs.count()
        if not within("EXPORT_MAX_ROWS", count):
            messages.error(request, over_budget_message("download", count, "EXPORT_MAX_ROWS"))
            return redirect(back), count
        return None, count

    def offer_to_prepare(self, request, filterset, fmt: str, count: int):
        return render(
            request,
            "core/prepare_file.html",
            {
                "caption": "Actions explorer",
                "heading": f"Download {count:,} actions as {FORMAT_NAMES[fmt]}",
                "intro": f"The {count:,} actions "
                + ("matching your filters" if filterset.filters_applied() else "you can see")
                + " take a while to put in a file.",
                "action_url": request.get_full_path(),
                "button": "Prepare the file",
                "back_url": request.path
                + (f"?{q}" if (q := query_without(request, "_export")) else ""),
                "back_label": "the actions explorer",
            },
        )


FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel (.xlsx)"}


def export_csv(rows: list[list]) -> bytes:
    """The rows under their headings as CSV, dates in ISO 8601."""
    return csv_bytes([EXPORT_HEADINGS, *rows], iso_dates=True)


def export_xlsx(rows: list[list], table: ActionTable, actions: list[Action]) -> bytes:
    """The rows as a workbook: a sheet of actions (each rating its word on its colour, a filter
    on every column) and a sheet of what the ratings mean to each organisation shown."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    write_row(sheet, 1, EXPORT_HEADINGS, style=STRONG)
    set_widths(sheet, [width for _, width in EXPORT_COLUMNS])
    rating_column = EXPORT_HEADINGS.index("RAG rating") + 1
    for r, (row, action) in enumerate(zip(rows, actions, strict=True), start=2):
        write_row(sheet, r, row)
        rating = sheet.cell(row=r, column=rating_column)
        rating.fill, rating.font = rag_style(action.rating)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    write_legends(workbook.create_sheet("What the ratings mean"), table, actions)
    return workbook_bytes(workbook)


def write_legends(sheet, table: ActionTable, actions: list[Action]) -> None:
    """What each rating means, in the words of each organisation whose actions are listed."""
    write_row(sheet, 1, ["Organisation", "Rating", "Meaning"], style=STRONG)
    set_widths(sheet, [40, 14, 80])
    organisations = {}
    for action in actions:
        organisations.setdefault(action.plan.organisation_id, action.plan.organisation)
    row = 2
    for org in organisations.values():
        entries = [(e.rating, e.label, e.meaning) for e in table.legend(org)]
        row = write_legend_rows(sheet, row, entries, lead=[org.name])
