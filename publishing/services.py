"""Making publications: a plan's public content from an issued board pack (ADR 0010).

The pack's stored snapshot (``IssuedPack.snapshot``) decides what is published and as at when.
Two things it does not carry are read from the records' history as at the pack's moment, so
that they too are what the board saw: the counts behind each measure value (to suppress small
numbers) and the comparators. Names are replaced by posts, commentary kept only where the plan
owner made it public, and every count of children goes through ``publishing.suppression``."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from actions.models import Action
from boards.models import IssuedPack
from measures.models import Comparator, Measure, MeasureValue, PopulationEstimate
from plans.models import Plan
from publishing.models import Publication, PublishedPlan
from publishing.suppression import MARK, measure_figures

logger = logging.getLogger(__name__)

UNIT_CODES = {label: code for code, label in Measure.Unit.choices}
COMPARATOR_LABELS = dict(Comparator.Kind.choices)
NOT_PUBLISHED_LEAD = "Not published"


def _decimal(text):
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text).replace(",", ""))
    except InvalidOperation:
        return None


def _latest_versions(history_qs, as_at: datetime) -> dict[int, object]:
    """The version of each record as at a moment (deleted ones left out)."""
    latest = {}
    for record in history_qs.filter(history_date__lte=as_at).order_by(
        "id", "history_date", "history_id"
    ):
        latest[record.id] = record
    return {pk: r for pk, r in latest.items() if r.history_type != "-"}


def _lead(action: Action | None) -> str:
    """The lead as the public sees it: a post, not a name (unless the person is public)."""
    if action is None:
        return ""
    public = getattr(action, "public", None)
    if public is not None and public.lead_text_public and action.lead_text:
        return action.lead_text
    person = action.lead
    if person is not None:
        person_public = getattr(person, "public", None)
        if person_public is not None and person_public.name_public:
            return f"{person.name}, {person.job_title}" if person.job_title else person.name
        if person.is_role:
            return person.name
        return person.job_title or "A named officer"
    return NOT_PUBLISHED_LEAD if action.lead_text else ""


def _actions(plan_dict: dict) -> dict[int, Action]:
    ids = [a["id"] for p in plan_dict["priorities"] for a in p["actions"]]
    return {
        a.pk: a
        for a in Action.objects.filter(pk__in=ids).select_related("lead", "lead__public", "public")
    }


def _public_action(row: dict, action: Action | None) -> dict:
    public = getattr(action, "public", None) if action is not None else None
    show_commentary = bool(public and public.commentary_public and row.get("has_update"))
    return {
        "id": row["id"],
        "number": row["number"],
        "description": row["description"],
        "rating": row["rating"],
        "rating_label": row["rating_label"],
        "timescale": row.get("timescale") or "",
        "overdue": bool(row.get("overdue")),
        "lead": _lead(action),
        "commentary": row.get("commentary", "") if show_commentary else "",
        "updated_text": row.get("updated_text", "") if show_commentary else "",
        "illustrative": bool(row.get("illustrative")),
    }


def _measures(rows: list[dict], as_at: datetime) -> list[dict]:
    ids = [m["id"] for m in rows]
    values = _latest_versions(MeasureValue.history.filter(measure_id__in=ids), as_at)
    counts = {(v.measure_id, v.label): v for v in values.values()}
    comparators = defaultdict(dict)
    for c in sorted(
        _latest_versions(Comparator.history.filter(measure_id__in=ids), as_at).values(),
        key=lambda c: c.period_start,
    ):
        comparators[c.measure_id][c.kind] = c  # the latest period of each kind
    populations = dict(
        PopulationEstimate.objects.filter(
            pk__in={v.population_id for v in values.values() if v.population_id}
        ).values_list("pk", "count")
    )
    result = []
    for row in rows:
        unit = UNIT_CODES.get(row["unit"], "number")
        history = []
        for label, text in row.get("history", []):
            recorded = counts.get((row["id"], label))
            value = recorded.value if recorded is not None else _decimal(text)
            count = recorded.numerator if recorded is not None else None
            shown = count is not None
            if count is None and unit == "rate_per_10000" and recorded is not None:
                # No count recorded: work it out from the rate and its population, to decide.
                population = populations.get(recorded.population_id)
                if population and value is not None:
                    count = (Decimal(value) * population / 10000).to_integral_value()
            figures = measure_figures(
                unit=unit,
                value=value,
                count=count,
                denominator=recorded.denominator if recorded is not None else None,
                value_text=text,
                show_count=shown,
            )
            history.append(
                {
                    "label": label,
                    "value": figures.value,
                    "count": figures.count,
                    "denominator": figures.denominator,
                    "suppressed": figures.suppressed,
                }
            )
        latest = history[-1] if history else None
        latest_hidden = bool(latest and latest["value"] == MARK)
        result.append(
            {
                "id": row["id"],
                "code": row["code"],
                "title": row["title"],
                "unit": row["unit"],
                "polarity": row["polarity"],
                "latest_label": row.get("latest_label", ""),
                "latest": latest["value"] if latest else "",
                "target": row.get("target", ""),
                "target_label": row.get("target_label", ""),
                "status": "Not shown" if latest_hidden else row.get("rag_word", ""),
                "direction": "" if latest_hidden else row.get("direction_word", ""),
                "illustrative": bool(row.get("latest_illustrative")),
                "history": history,
                "comparators": [
                    {
                        "kind": COMPARATOR_LABELS.get(kind, kind),
                        "label": c.label,
                        "value": f"{c.value.normalize():f}",
                    }
                    for kind, c in sorted(comparators[row["id"]].items())
                ],
            }
        )
    return result


def publication_content(snapshot: dict, plan_id: int) -> dict | None:
    """The public content of one plan in a pack's snapshot, or None if the plan is not in it."""
    plan_dict = next((p for p in snapshot.get("plans", []) if p["id"] == plan_id), None)
    if plan_dict is None:
        return None
    as_at = parse_datetime(snapshot["as_at"])
    actions = _actions(plan_dict)
    return {
        "title": plan_dict["title"],
        "organisation": plan_dict["organisation"],
        "status": plan_dict["status"],
        "version_label": plan_dict.get("version_label", ""),
        "priority_label": plan_dict["priority_label"],
        "action_label": plan_dict["action_label"],
        "as_at": snapshot["as_at"],
        "as_at_text": snapshot["as_at_text"],
        "board": snapshot["board"]["name"],
        "meeting_text": snapshot["meeting"]["date_text"],
        "legend": plan_dict["legend"],
        "overall": plan_dict["overall"],
        "priorities": [
            {
                "number": p["number"],
                "title": p["title"],
                "counts": p["counts"],
                "total": p["total"],
                "worst_label": p["worst_label"],
                "actions": [_public_action(a, actions.get(a["id"])) for a in p["actions"]],
            }
            for p in plan_dict["priorities"]
        ],
        "measures": _measures(plan_dict.get("measures", []), as_at),
    }


def publication_make(*, plan: Plan, pack: IssuedPack) -> Publication | None:
    """Publish a plan from an issued pack (once per pack), if the plan has opted in."""
    if not PublishedPlan.objects.filter(plan=plan, enabled=True).exists():
        return None
    existing = Publication.objects.filter(plan=plan, pack=pack).first()
    if existing is not None:
        return existing
    content = publication_content(pack.snapshot, plan.pk)
    if content is None:
        return None
    try:
        with transaction.atomic():
            return Publication.objects.create(
                plan=plan, pack=pack, as_at=pack.as_at, content=content
            )
    except IntegrityError:  # made by someone else at the same moment
        return Publication.objects.get(plan=plan, pack=pack)


def publications_for_pack(pack: IssuedPack) -> list[Publication]:
    """Publish every opted-in plan of a newly issued pack."""
    plan_ids = [p["id"] for p in pack.snapshot.get("plans", [])]
    made = []
    for plan in Plan.objects.filter(pk__in=plan_ids, publication_setting__enabled=True):
        publication = publication_make(plan=plan, pack=pack)
        if publication is not None:
            made.append(publication)
    return made


def latest_pack_for(plan: Plan) -> IssuedPack | None:
    for pack in IssuedPack.objects.filter(meeting__board__plans=plan).order_by("-as_at", "-pk"):
        if any(p["id"] == plan.pk for p in pack.snapshot.get("plans", [])):
            return pack
    return None


def publication_refresh(plan: Plan) -> Publication | None:
    """Publish a plan that has just opted in from its latest issued pack, if any."""
    pack = latest_pack_for(plan)
    return publication_make(plan=plan, pack=pack) if pack is not None else None


def on_pack_issued(sender, instance: IssuedPack, created: bool, **kwargs) -> None:
    """When a pack is issued, publish its opted-in plans once the issue has been committed (a
    failure to publish is logged; it never undoes the issue)."""
    if created:
        transaction.on_commit(lambda: publications_for_pack(instance), robust=True)
