"""Import timings against the issue's targets: "a 5,000-row workbook or 200-page Word document
previews in under 10 s on this machine and commits in under 30 s".

``import_timings()`` writes the two files into a temporary directory, then times the preview
(``plan_import_upload``: read the file, understand it, compare it with the database and keep
the upload with its preview, as the upload page does) and the commit (``plan_import_commit``,
as the preview's "Import the plan" button does) through the same service functions the browser
uses. Everything it writes (a bench organisation, user, upload and plan) is rolled back, so it
can run against any database. ``manage.py bench_imports`` prints the table; the benchmark
command calls the function.

The files:

- a workbook of ``rows`` non-blank rows (the import's own cap, ``IMPORT_MAX_ROWS``, is 5,000):
  a title row, the header, a section row per priority and numbered actions with success
  criteria, lead, a month timescale, a RAG word, commentary and an extra column;
- a Word document of ``pages`` pages: a heading and a table per priority, the header row marked
  to repeat on each page, and actions whose wrapped text fills about ``ROWS_PER_PAGE`` rows a page
  in the default A4 portrait layout.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook

from core.models import Organisation
from transfer.imports.services import plan_import_commit, plan_import_upload
from transfer.models import PlanImport

TARGET_PREVIEW_S = 10
TARGET_COMMIT_S = 30
PRIORITIES = 10
ROWS_PER_PAGE = 8  # table rows of wrapped text on an A4 page
HEADER = ["No.", "Action", "Success criteria", "Lead officer", "Timescale", "RAG", "Commentary"]
LEADS = ["Head of Early Help", "DCS", "Principal Social Worker", "Head of Quality", "TBC"]
RATINGS = ["Green", "Amber", "Red", "Complete", "On track"]
MONTHS = ["May 24", "Sep 24", "Dec 24", "Mar 25", "Jun 25", "2024/25"]


class _RollBack(Exception):
    """Raised to undo everything the bench wrote."""


def action_text(n: int) -> tuple[str, str, str]:
    description = (
        f"Deliver improvement {n}: review the practice standards with team managers, agree the "
        "actions needed with partners and report progress to the improvement board each month."
    )
    criteria = (
        f"Audits show improvement {n} in at least 80% of cases sampled; children and families "
        "say they noticed the difference."
    )
    commentary = f"Progress on improvement {n} reviewed at the monthly meeting."
    return description, criteria, commentary


def workbook_file(folder: Path, rows: int) -> Path:
    """A plan workbook of ``rows`` non-blank rows (title, header, sections, actions)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Action plan"
    ws.append(["Benchmark improvement plan"])
    ws.append([*HEADER, "Challenge"])
    actions = rows - 2 - PRIORITIES
    per = -(-actions // PRIORITIES)
    n = 0
    for p in range(1, PRIORITIES + 1):
        ws.append([f"Priority {p}: Improvement area {p}"])
        for i in range(1, per + 1):
            if n >= actions:
                break
            n += 1
            description, criteria, commentary = action_text(n)
            ws.append(
                [
                    f"{p}.{i}",
                    description,
                    criteria,
                    LEADS[n % len(LEADS)],
                    MONTHS[n % len(MONTHS)],
                    RATINGS[n % len(RATINGS)],
                    commentary,
                    f"Challenge {n % 7 + 1}",
                ]
            )
    path = folder / f"plan_{rows}_rows.xlsx"
    wb.save(path)
    return path


def repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def word_file(folder: Path, pages: int) -> tuple[Path, int]:
    """A Word plan of about ``pages`` pages; returns its path and its number of actions."""
    document = Document()
    document.add_heading("Benchmark improvement plan", level=1)
    actions = pages * ROWS_PER_PAGE
    per = -(-actions // PRIORITIES)
    n = 0
    for p in range(1, PRIORITIES + 1):
        document.add_heading(f"Priority {p}: Improvement area {p}", level=2)
        table = document.add_table(rows=1, cols=len(HEADER))
        for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
            cell.text = text
        repeat_header(table.rows[0])
        for i in range(1, per + 1):
            if n >= actions:
                break
            n += 1
            description, criteria, commentary = action_text(n)
            values = [
                f"{p}.{i}",
                description,
                criteria,
                LEADS[n % len(LEADS)],
                MONTHS[n % len(MONTHS)],
                RATINGS[n % len(RATINGS)],
                commentary,
            ]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text
    path = folder / f"plan_{pages}_pages.docx"
    document.save(str(path))
    return path, n


def time_one(name: str, path: Path, rows: int, organisation, user) -> dict:
    content = path.read_bytes()
    options = {
        "mode": "new",
        "organisation": organisation.pk,
        "title": f"Benchmark: {name}",
        "kind": "improvement_plan",
        "numbering": "hierarchical",
        "start": "2024-04-01",
        "end": "2026-03-31",
    }
    started, cpu = time.perf_counter(), time.process_time()
    upload = plan_import_upload(
        user=user, kind=PlanImport.Kind.PLAN, filename=path.name, content=content, options=options
    )
    preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    errors = upload.result.get("errors") or []
    started, cpu = time.perf_counter(), time.process_time()
    committed = None
    if not errors:
        upload = plan_import_commit(plan_import=upload, user=user)
        committed = upload.plan.actions.count() if upload.plan else 0
    commit_s, commit_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "name": name,
        "rows": rows,
        "actions": committed,
        "preview_s": round(preview_s, 2),
        "commit_s": round(commit_s, 2),
        # this process's CPU time: what the machine's other load does not inflate
        "preview_cpu_s": round(preview_cpu, 2),
        "commit_cpu_s": round(commit_cpu, 2),
        "target_preview_s": TARGET_PREVIEW_S,
        "target_commit_s": TARGET_COMMIT_S,
        "met": not errors and preview_s < TARGET_PREVIEW_S and commit_s < TARGET_COMMIT_S,
        "errors": [e.get("message", "") for e in errors[:3]],
    }


def import_timings(*, rows: int = 5_000, pages: int = 200) -> list[dict]:
    """Time the preview and commit of a ``rows``-row workbook and a ``pages``-page Word plan
    (see the module's docstring). Returns a row per file: name, rows, actions imported,
    preview_s, commit_s (wall clock), preview_cpu_s, commit_cpu_s (this process's CPU time, which
    other load on the machine does not inflate; the database's own work is not in it), the
    targets, met (both wall-clock targets met and no error) and errors."""
    out: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        folder = Path(tmp)
        workbook = workbook_file(folder, rows)
        document, word_rows = word_file(folder, pages)
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(name="Benchmark import council")
                user = get_user_model().objects.create_user(
                    username="bench-imports", password=None, is_staff=True, is_superuser=True
                )
                out.append(time_one(f"Workbook, {rows:,} rows", workbook, rows, organisation, user))
                out.append(
                    time_one(
                        f"Word document, {pages} pages", document, word_rows, organisation, user
                    )
                )
                raise _RollBack
        except _RollBack:
            pass
    return out


def timings_table(rows: list[dict]) -> str:
    lines = [
        f"{'File':<30} {'Rows':>6} {'Actions':>8} {'Preview s':>10} {'(CPU)':>7} "
        f"{'Commit s':>9} {'(CPU)':>7}  Targets met"
    ]
    for r in rows:
        met = "yes" if r["met"] else "NO"
        lines.append(
            f"{r['name']:<30} {r['rows']:>6} {r['actions'] or 0:>8} {r['preview_s']:>10.2f} "
            f"{r['preview_cpu_s']:>7.2f} {r['commit_s']:>9.2f} {r['commit_cpu_s']:>7.2f}  {met} "
            f"(< {r['target_preview_s']} s, < {r['target_commit_s']} s)"
        )
        lines.extend(f"    error: {e}" for e in r["errors"])
    return "\n".join(lines)
