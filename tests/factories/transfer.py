"""Helpers for the import and export tests: workbooks and CSV files built in the test, a plan's
structure as plain data to compare two plans, and table counts (including history tables) to
prove that an import changed nothing."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.apps import apps
from openpyxl import Workbook

from actions.models import Action
from priorities.models import Objective, Outcome, Priority

HEADER = [
    "Outcome",
    "Objective",
    "Action",
    "Success criteria",
    "Lead Officer",
    "Timescale",
    "RAG rating",
    "Links to Strategy and Detailed Action Plan",
]


def xlsx_bytes(rows, *, title="Plan") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def simple_rows(n_actions=3, *, lead="Jane Smith", rag=""):
    """A small plan in the seed's layout: a section row, then actions under one outcome."""
    rows = [HEADER, ["Improvement Area One : Our People"]]
    for i in range(1, n_actions + 1):
        rows.append(
            [
                "1.1 A stable workforce" if i == 1 else "",
                "Enough staff" if i == 1 else "",
                f"Action number {i}",
                f"Criteria {i}",
                lead,
                "May 23",
                rag,
                "",
            ]
        )
    return rows


def new_plan_options(organisation, **kw) -> dict:
    options = {
        "mode": "new",
        "organisation": organisation.pk,
        "title": "Imported plan",
        "kind": "improvement_plan",
        "numbering": "hierarchical",
        "start": date(2023, 4, 1).isoformat(),
        "end": date(2024, 3, 31).isoformat(),
    }
    options.update(kw)
    return options


def structure(plan) -> dict:
    """Everything the round trip must keep, as plain data."""
    priorities = Priority.objects.filter(plan=plan).order_by("order", "pk")
    outcomes = Outcome.objects.filter(priority__plan=plan).select_related("priority")
    objectives = Objective.objects.filter(priority__plan=plan).select_related("priority", "outcome")
    actions = (
        Action.objects.filter(plan=plan)
        .select_related("priority", "outcome", "objective", "lead")
        .prefetch_related("tags", "links", "sub_actions", "supporting_officers", "partners")
        .order_by("priority__order", "sequence", "pk")
    )
    return {
        "priorities": [(p.number, p.title, p.statement, p.notes) for p in priorities],
        "outcomes": sorted((o.priority.number, o.number, o.title) for o in outcomes),
        "objectives": sorted(
            (o.priority.number, o.outcome.number if o.outcome else None, o.number, o.title)
            for o in objectives
        ),
        "actions": [
            {
                "number": a.number,
                "priority": a.priority.number,
                "outcome": a.outcome.number if a.outcome else None,
                "objective": a.objective.number if a.objective else None,
                "description": a.description,
                "success_criteria": a.success_criteria,
                "notes": a.notes,
                "lead": a.lead_display,
                "lead_person": a.lead.name if a.lead else None,
                "timescale": a.timescale_text,
                "tags": sorted(t.name for t in a.tags.all()),
                "links": [link.title for link in a.links.all()],
                "supporting": sorted(p.name for p in a.supporting_officers.all()),
                "partners": sorted(o.name for o in a.partners.all()),
                "sub_actions": [
                    (s.description, s.timescale_text, s.lead_text, s.links, s.complete)
                    for s in a.sub_actions.all()
                ],
            }
            for a in actions
        ],
    }


def table_counts() -> dict[str, int]:
    """Rows in every table of the project's apps, history tables included."""
    counts = {}
    for label in ("plans", "priorities", "actions", "measures"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            counts[model._meta.db_table] = model._default_manager.count()
    return counts
