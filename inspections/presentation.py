"""Plain values for templates and files: measure rows with comparators, and days left in words.
No queries. Dates and numbers are written by ``core.formatting``, ratings and measure states by
``core.presentation``."""

from __future__ import annotations

from core.formatting import number_text
from measures.status import MeasureStatus


def measure_row(status: MeasureStatus) -> dict:
    """A measure's latest value against its target, direction of travel and comparators."""
    m = status.measure
    latest, target = status.latest, status.target
    return {
        "code": m.code,
        "title": m.title,
        "url": m.get_absolute_url(),
        "unit": m.get_unit_display(),
        "period": latest.label if latest else "",
        "latest": number_text(latest.value) if latest else "",
        "illustrative": bool(latest and latest.illustrative),
        "target": number_text(target.value) if target else "",
        "rag": status.rag or "",
        "rag_word": status.state.label,
        "direction": status.direction,
        "direction_text": status.direction_text,
        "direction_arrow": status.direction_arrow,
        "comparators": [
            {"kind": c.get_kind_display(), "value": number_text(c.value), "label": c.label}
            for c in status.comparators.values()
        ],
        "history": [(v.label, number_text(v.value)) for v in status.values],
    }


def progress_row(row) -> dict:
    """A finding's progress (``selectors.RecommendationProgress``) as plain, JSON-safe data: what
    ``inspections/_recommendation_progress.html`` shows, and what a board pack's snapshot can
    store."""
    rec = row.recommendation
    return {
        "id": rec.pk,
        "url": rec.get_absolute_url(),
        "label": rec.label,
        "kind": rec.get_kind_display(),
        "number": rec.number,
        "inspection": rec.inspection.title,
        "inspection_url": rec.inspection.get_absolute_url(),
        "text": rec.text,
        "illustrative": rec.illustrative,
        "worst": row.worst,
        "counts": row.counts,
        "total": row.total,
        "complete": row.complete,
        "overdue": row.overdue,
        "without_evidence": row.without_evidence,
        "complete_without_evidence": row.complete_without_evidence,
        "measures": [{**m, "history": [list(h) for h in m["history"]]} for m in row.measure_rows],
    }


def days_left_text(working: int | None, calendar: int | None) -> str:
    """ "12 working days left (18 days)", "Due today", "3 working days late"."""
    if working is None:
        return "No date yet"
    if working == 0 and (calendar or 0) >= 0:
        return "Due today" if calendar == 0 else f"Due in {calendar} days (no working day before)"
    if working > 0:
        plural = "s" if working != 1 else ""
        return f"{working} working day{plural} left ({calendar} days)"
    late = -working
    return f"{late} working day{'s' if late != 1 else ''} late"
