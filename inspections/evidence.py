"""The evidence pack for inspectors: one zip per inspection, as at a chosen date.

For each finding, a PDF and an .xlsx with the actions answering it (lead, original and revised
timescales with the reasons), the RAG history by reporting period, evidence of impact, the linked
measures with their targets, comparators and trend charts; the board packs issued in the period
(as issued: the stored record of what each board was shown); and ``manifest.json`` listing every
file with its SHA-256 and size, the as-at date, who generated the pack and when. The SHA-256 of
the manifest itself is in the zip's comment and in the audit log.

As-at rules are the board packs' (``boards.asat``): ratings, updates and their wording, links
between actions and findings, timescales and measure values are taken as they were known at the
end of the as-at day (Europe/London); board packs issued after it are left out. A later edit
never changes a pack as at an earlier date.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from actions.models import Action
from boards.asat import local_date
from boards.models import IssuedPack
from core.formatting import day_text
from core.presentation import legend_for
from core.spreadsheets import rag_style
from inspections import selectors
from inspections.models import Inspection
from inspections.presentation import measure_row
from measures.selectors import trend
from measures.status import measure_statuses

MANIFEST = "manifest.json"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """Text a spreadsheet would run as a formula gets an apostrophe in front (PITFALLS.md)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass
class PackFile:
    path: str
    content: bytes
    description: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class EvidencePack:
    content: bytes
    filename: str
    manifest: dict
    manifest_sha256: str
    as_at_text: str
    files: list[PackFile] = field(default_factory=list)


def _who(user) -> str:
    if user is None:
        return "Not recorded"
    person = getattr(user, "person", None)
    name = (person.name if person else "") or user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def timescale_changes(action_ids, moment: datetime) -> dict[int, dict]:
    """Each action's original timescale (its first recorded version) and, where it changed by
    ``moment``, the revised one with the reasons given for each change. One query."""
    records = (
        Action.history.filter(id__in=list(action_ids), history_date__lte=moment)
        .order_by("id", "history_date", "history_id")
        .values("id", "timescale_text", "timescale_due", "history_date", "history_change_reason")
    )
    result: dict[int, dict] = {}
    for r in records:
        entry = result.setdefault(
            r["id"],
            {
                "original": r["timescale_text"],
                "original_due": r["timescale_due"],
                "revised": "",
                "revised_due": None,
                "changes": [],
            },
        )
        current = entry["revised"] or entry["original"]
        if r["timescale_text"] != current:
            entry["revised"], entry["revised_due"] = r["timescale_text"], r["timescale_due"]
            entry["changes"].append(
                {
                    "on": day_text(local_date(r["history_date"])),
                    "to": r["timescale_text"],
                    "reason": r["history_change_reason"] or "",
                }
            )
    return result


def visit_findings_as_at(recommendation_ids, moment: datetime) -> dict[int, list[dict]]:
    """What visits had said about each finding, as recorded by ``moment`` (their history), the
    latest visit first. One query."""
    from inspections.models import VisitFinding

    records = (
        VisitFinding.history.filter(
            recommendation_id__in=list(recommendation_ids), history_date__lte=moment
        )
        .select_related("visit")
        .order_by("id", "history_date", "history_id")
    )
    latest = {}
    for r in records:
        latest[r.id] = r
    result: dict[int, list[dict]] = {}
    kept = [r for r in latest.values() if r.history_type != "-" and r.visit is not None]
    kept.sort(key=lambda r: (r.visit.date or date.min, r.visit_id), reverse=True)
    for r in kept:
        result.setdefault(r.recommendation_id, []).append(
            {
                "visit": r.visit.title,
                "date": day_text(r.visit.date),
                "progress": r.get_progress_display(),
                "said": r.said,
                "illustrative": r.illustrative,
            }
        )
    return result


def _action_rows(row, updates_by_action, timescales, legend) -> list[dict]:
    actions = []
    for p in row.positions:
        a = p.action
        updates = updates_by_action.get(a.pk, [])
        ts = timescales.get(a.pk) or {
            "original": p.timescale_text,
            "original_due": p.timescale_due,
            "revised": "",
            "revised_due": None,
            "changes": [],
        }
        proposals = [
            {
                "on": day_text(local_date(u.created_at)),
                "to": u.proposed_timescale,
                "reason": u.proposed_timescale_reason,
            }
            for u in reversed(updates)
            if u.proposed_timescale
        ]
        actions.append(
            {
                "number": a.number,
                "plan": a.plan.title,
                "description": a.description,
                "lead": a.lead_display,
                "rating": p.rating,
                "rating_label": legend.label(p.rating),
                "overdue": p.overdue,
                "original": ts["original"],
                "original_due": day_text(ts["original_due"]),
                "revised": ts["revised"],
                "revised_due": day_text(ts["revised_due"]),
                "timescale_changes": ts["changes"],
                "proposals": proposals,
                "evidence": [
                    {"on": day_text(local_date(u.created_at)), "text": u.evidence_of_impact}
                    for u in reversed(updates)
                    if u.evidence_of_impact.strip()
                ],
                "history": [
                    {
                        "period": u.period.label if u.period_id and u.period else "",
                        "on": day_text(local_date(u.created_at)),
                        "rating": u.rating,
                        "rating_label": legend.label(u.rating),
                        "commentary": u.commentary,
                        "author": u.author_name,
                        "illustrative": u.illustrative,
                    }
                    for u in reversed(updates)  # oldest first, as a history reads
                ],
            }
        )
    return actions


def _issued_packs(inspection: Inspection, plan_ids, moment: datetime) -> list[IssuedPack]:
    """Packs issued for the boards overseeing the plans, from the report (or the visit) up to
    the moment."""
    start = inspection.report_received or inspection.on_site_start
    qs = IssuedPack.objects.filter(
        Q(meeting__board__plans__in=list(plan_ids)), issued_at__lte=moment
    )
    if start is not None:
        qs = qs.filter(meeting__date__gte=start)
    return list(
        IssuedPack.objects.filter(pk__in=qs.values("pk"))
        .select_related("meeting", "meeting__board", "issued_by")
        .order_by("meeting__date", "meeting__board__name")
    )


def _pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    from core.network import offline_url_fetcher

    css = CSS(string=render_to_string("inspections/evidence_pdf.css"))
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf(
        stylesheets=[css], pdf_variant="pdf/ua-1", pdf_tags=True
    )


def _xlsx(context: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rec = context["recommendation"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Finding"
    bold = Font(bold=True)

    def row(sheet, values, header=False):
        sheet.append([neutral(v) for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # stored as text whatever it looks like
            if header:
                cell.font = bold

    row(ws, ["Inspection", context["inspection"].title])
    row(ws, ["Finding", rec.label])
    row(ws, ["Text as published", rec.text])
    if rec.illustrative:
        row(ws, ["Note", "Illustrative wording (demo data), not the report's"])
    row(ws, ["As at", context["as_at_text"]])
    row(ws, ["Generated by", context["generated_by"]])
    row(ws, ["Generated at", context["generated_at_text"]])

    acts = wb.create_sheet("Actions")
    row(
        acts,
        [
            "Plan",
            "Number",
            "Action",
            "Lead",
            "Rating",
            "Overdue",
            "Original timescale",
            "Original due",
            "Revised timescale",
            "Revised due",
            "Reasons for the change",
            "Evidence of impact",
        ],
        header=True,
    )
    for a in context["actions"]:
        reasons = [
            f"{c['on']}: {c['to']} ({c['reason'] or 'no reason recorded'})"
            for c in a["timescale_changes"]
        ]
        reasons += [f"{p['on']}: proposed {p['to']} ({p['reason']})" for p in a["proposals"]]
        row(
            acts,
            [
                a["plan"],
                a["number"],
                a["description"],
                a["lead"],
                a["rating_label"],
                "Yes" if a["overdue"] else "No",
                a["original"],
                a["original_due"],
                a["revised"],
                a["revised_due"],
                "\n".join(reasons),
                "\n".join(f"{e['on']}: {e['text']}" for e in a["evidence"]),
            ],
        )
        rating_cell = acts.cell(acts.max_row, 5)
        rating_cell.fill, rating_cell.font = rag_style(a["rating"])

    hist = wb.create_sheet("RAG history")
    row(
        hist,
        ["Number", "Period", "Given on", "Rating", "Commentary", "By", "Illustrative"],
        header=True,
    )
    for a in context["actions"]:
        for h in a["history"]:
            row(
                hist,
                [
                    a["number"],
                    h["period"],
                    h["on"],
                    h["rating_label"],
                    h["commentary"],
                    h["author"],
                    "Yes" if h["illustrative"] else "",
                ],
            )

    meas = wb.create_sheet("Measures")
    row(
        meas,
        [
            "Code",
            "Measure",
            "Period",
            "Value",
            "Target",
            "Against target",
            "Direction of travel",
            "Comparators",
        ],
        header=True,
    )
    for m in context["measures"]:
        for label, value in m["row"]["history"]:
            row(meas, [m["row"]["code"], m["row"]["title"], label, value, "", "", "", ""])
        row(
            meas,
            [
                m["row"]["code"],
                m["row"]["title"],
                f"Latest: {m['row']['period']}",
                m["row"]["latest"],
                m["row"]["target"],
                m["row"]["rag_word"],
                m["row"]["direction_text"],
                "; ".join(
                    f"{c['kind']} {c['value']} ({c['label']})" for c in m["row"]["comparators"]
                ),
            ],
        )

    said = wb.create_sheet("Visits")
    row(said, ["Visit", "Date", "Progress", "What the visit said", "Illustrative"], header=True)
    for v in context["visits"]:
        row(
            said,
            [v["visit"], v["date"], v["progress"], v["said"], "Yes" if v["illustrative"] else ""],
        )

    packs = wb.create_sheet("Board packs")
    row(packs, ["Board", "Meeting", "Issued", "File"], header=True)
    for p in context["board_packs"]:
        row(packs, [p["board"], p["meeting"], p["issued"], p["path"]])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _fixed_zip_info(path: str, moment: datetime) -> zipfile.ZipInfo:
    local = timezone.localtime(moment)
    info = zipfile.ZipInfo(path, date_time=local.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build_evidence_pack(
    inspection: Inspection, *, as_at: date, user=None, now: datetime | None = None
) -> EvidencePack:
    """The evidence pack as at the end of ``as_at`` (see the module docstring)."""
    now = now or timezone.now()
    moment = selectors.moment_of(as_at)
    as_at_text = day_text(as_at)
    progress = selectors.inspection_progress(inspection, as_at=moment, today=as_at)
    action_ids = {p.action.pk for row in progress for p in row.positions}
    plan_ids = {p.action.plan_id for row in progress for p in row.positions}
    plan_ids |= set(inspection.plans.values_list("pk", flat=True))
    updates = selectors.update_history_as_at(action_ids, moment) if action_ids else {}
    timescales = timescale_changes(action_ids, moment) if action_ids else {}
    measures = {m.measure.pk: m.measure for row in progress for m in row.measures}
    full = {
        s.measure.pk: s
        for s in (measure_statuses(list(measures.values()), as_at=moment) if measures else [])
    }
    visits = visit_findings_as_at([row.recommendation.pk for row in progress], moment)
    legend = legend_for(inspection.organisation)
    generated_by = _who(user)
    generated_at_text = f"{timezone.localtime(now):%H:%M} on {day_text(timezone.localdate(now))}"

    files: list[PackFile] = []
    board_packs = []
    for issued in _issued_packs(inspection, plan_ids, moment):
        meeting = issued.meeting
        path = f"board-packs/{slugify(meeting.board.name)}-{meeting.date:%Y-%m-%d}.html"
        document = render_to_string(
            "inspections/issued_pack_document.html", {"issued": issued, "meeting": meeting}
        )
        files.append(PackFile(path, document.encode("utf-8"), f"Board pack as issued: {meeting}"))
        board_packs.append(
            {
                "board": meeting.board.name,
                "meeting": day_text(meeting.date),
                "issued": f"{timezone.localtime(issued.issued_at):%d/%m/%Y %H:%M}",
                "path": path,
            }
        )

    base = {
        "inspection": inspection,
        "as_at_text": as_at_text,
        "generated_by": generated_by,
        "generated_at_text": generated_at_text,
        "legend": legend,
        "board_packs": board_packs,
    }
    for row in progress:
        rec = row.recommendation
        folder = f"{slugify(rec.get_kind_display())}-{slugify(rec.number) or rec.pk}"
        measure_parts = []
        for status in row.measures:
            detailed = full.get(status.measure.pk, status)
            measure_parts.append({"row": measure_row(detailed), "trend": trend(detailed)})
        context = {
            **base,
            "recommendation": rec,
            "progress": row,
            "actions": _action_rows(row, updates, timescales, legend),
            "measures": measure_parts,
            "visits": visits.get(rec.pk, []),
        }
        html = render_to_string("inspections/evidence_recommendation.html", context)
        files.append(PackFile(f"{folder}/{folder}.pdf", _pdf(html), f"{rec.label}: report"))
        files.append(
            PackFile(f"{folder}/{folder}.xlsx", _xlsx(context), f"{rec.label}: the figures")
        )

    manifest = {
        "inspection": {
            "id": inspection.pk,
            "title": inspection.title,
            "organisation": inspection.organisation.name,
            "kind": inspection.get_kind_display(),
        },
        "as_at": as_at.isoformat(),
        "as_at_moment": moment.isoformat(),
        "generated_at": now.isoformat(),
        "generated_by": generated_by,
        "rules": "Ratings, updates, links, timescales and measure values as known at the end of "
        "the as-at day (Europe/London); board packs issued after it are left out.",
        "files": [
            {
                "path": f.path,
                "sha256": f.sha256,
                "bytes": len(f.content),
                "description": f.description,
            }
            for f in files
        ],
    }
    manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for f in files:
            zf.writestr(_fixed_zip_info(f.path, now), f.content)
        zf.writestr(_fixed_zip_info(MANIFEST, now), manifest_bytes)
        zf.comment = f"manifest.json sha256 {manifest_sha256}".encode()
    org = slugify(inspection.organisation.short_name or inspection.organisation.name)
    return EvidencePack(
        content=out.getvalue(),
        filename=f"{org}-evidence-pack-{inspection.pk}-as-at-{as_at:%Y-%m-%d}.zip",
        manifest=manifest,
        manifest_sha256=manifest_sha256,
        as_at_text=as_at_text,
        files=files,
    )


def self_evaluation_pdf(sef) -> bytes:
    html = render_to_string(
        "inspections/self_evaluation_pdf.html",
        {"sef": sef, "generated_at_text": day_text(timezone.localdate())},
    )
    return _pdf(html)


def verify(content: bytes) -> list[str]:
    """Problems found checking a pack against its manifest (none when it verifies)."""
    problems = []
    with zipfile.ZipFile(BytesIO(content)) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        listed = {f["path"]: f for f in manifest["files"]}
        present = set(zf.namelist()) - {MANIFEST}
        for path in sorted(present - set(listed)):
            problems.append(f"{path}: not in the manifest")
        for path, entry in listed.items():
            if path not in present:
                problems.append(f"{path}: missing")
                continue
            data = zf.read(path)
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                problems.append(f"{path}: SHA-256 does not match")
            if len(data) != entry["bytes"]:
                problems.append(f"{path}: size does not match")
    return problems
