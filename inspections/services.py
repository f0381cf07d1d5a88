"""Writes: the statutory deadlines an inspection brings, actions linked to findings, overridden
deadlines. Keyword-only, atomic; history (django-simple-history) records who and when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Tag
from inspections.models import Deadline, Inspection, Recommendation, RecommendationAction

K = Inspection.Kind

REGULATIONS = "SI 2007/462 (Education and Inspections Act 2006, s.137(4))"


@dataclass(frozen=True)
class DefaultDeadline:
    kind: str
    working_days: int
    source: str
    basis: str = Deadline.Basis.REPORT_RECEIVED


# What a report brings, by kind of inspection (sources in docs/adr/0009-inspections.md).
REPORT_DEADLINES = [
    DefaultDeadline(
        Deadline.Kind.PUBLISH_REPORT, 30, f"{REGULATIONS}, reg. 2: publish within 30 working days"
    ),
    DefaultDeadline(
        Deadline.Kind.ACTION_PLAN,
        70,
        "s.137(3) Education and Inspections Act 2006; Ofsted (ILACS): action plan within 70 "
        "working days of receiving the report",
    ),
]
PRIORITY_ACTION_DEADLINES = [
    DefaultDeadline(
        Deadline.Kind.EARLY_DRAFT,
        20,
        "Ofsted (ILACS, since September 2018): early draft within 20 working days after a "
        "focused visit with areas for priority action",
    ),
    DefaultDeadline(
        Deadline.Kind.ACTION_PLAN,
        70,
        "Ofsted (ILACS): final action plan within 70 working days of receiving the letter",
    ),
]


def default_deadlines(inspection: Inspection) -> list[DefaultDeadline]:
    """The deadlines a kind of inspection brings: a full or short inspection's report is
    published (30 working days) and answered with a written statement of action (70); a focused
    visit with areas for priority action asks for an early draft (20) and the plan (70). Others
    bring none by default (an administrator adds any with its own number of days)."""
    if inspection.kind in (K.FULL, K.SHORT):
        return REPORT_DEADLINES
    if (
        inspection.kind == K.FOCUSED
        and inspection.recommendations.filter(kind=Recommendation.Kind.PRIORITY_ACTION).exists()
    ):
        return PRIORITY_ACTION_DEADLINES
    return []


@transaction.atomic
def deadlines_ensure(*, inspection: Inspection) -> list[Deadline]:
    """Create the default deadlines an inspection lacks (idempotent: a kind already there, even
    with other days or overridden, is left alone)."""
    have = set(inspection.deadlines.values_list("kind", flat=True))
    created = []
    for item in default_deadlines(inspection):
        if item.kind in have:
            continue
        created.append(
            Deadline.objects.create(
                inspection=inspection,
                kind=item.kind,
                working_days=item.working_days,
                basis=item.basis,
                source=item.source,
            )
        )
        have.add(item.kind)
    return created


@transaction.atomic
def deadline_override(*, deadline: Deadline, due: date | None, reason: str, user) -> Deadline:
    """Set (or, with ``due=None``, remove) a due date that replaces the computed one. A reason is
    required either way; the history keeps every version with who made it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for changing the date."})
    deadline.override_due = due
    deadline.override_reason = reason if due else ""
    deadline.overridden_by = user if due else None
    deadline.overridden_at = timezone.now() if due else None
    deadline._change_reason = reason  # simple-history's change reason, kept when removed too
    deadline.full_clean()
    deadline.save()
    return deadline


@transaction.atomic
def recommendation_set_actions(*, recommendation: Recommendation, actions, user) -> tuple[int, int]:
    """Make ``actions`` the actions answering a recommendation: links are added and removed one
    by one (so their history says when). Returns (added, removed)."""
    wanted = {a.pk for a in actions}
    links = {link.action_id: link for link in recommendation.action_links.all()}
    removed = 0
    for action_id, link in links.items():
        if action_id not in wanted:
            link.delete()
            removed += 1
    added = 0
    for action_id in wanted - set(links):
        RecommendationAction.objects.create(
            recommendation=recommendation, action_id=action_id, created_by=_user(user)
        )
        added += 1
    return added, removed


@transaction.atomic
def action_set_recommendations(*, action: Action, recommendations, user) -> tuple[int, int]:
    """Make ``recommendations`` the findings an action answers. Returns (added, removed)."""
    wanted = {r.pk for r in recommendations}
    links = {link.recommendation_id: link for link in action.recommendation_links.all()}
    removed = 0
    for rec_id, link in links.items():
        if rec_id not in wanted:
            link.delete()
            removed += 1
    added = 0
    for rec_id in wanted - set(links):
        RecommendationAction.objects.create(
            recommendation_id=rec_id, action=action, created_by=_user(user)
        )
        added += 1
    return added, removed


def _tag_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@transaction.atomic
def link_actions_by_tags(*, inspection: Inspection, user=None, plans=None) -> int:
    """Link the actions tagged "<prefix> <number>" (the inspection's ``action_tag_prefix``, or
    "Recommendation" and the finding's kind, e.g. "Area for priority action 2") to the finding
    with that number. Actions of the plans responding to the inspection (or ``plans``) only;
    links already there are kept. Returns how many links were added."""
    findings = list(inspection.recommendations.all())
    prefixes = [p for p in [inspection.action_tag_prefix, "Recommendation"] if p]
    by_key: dict[str, Recommendation] = {}
    for finding in findings:
        for prefix in [*prefixes, finding.get_kind_display()]:
            by_key.setdefault(_tag_key(f"{prefix} {finding.number}"), finding)
    tags = {t.pk: by_key.get(_tag_key(t.name)) for t in Tag.objects.all()}
    tags = {pk: finding for pk, finding in tags.items() if finding is not None}
    if not tags:
        return 0
    plan_ids = (
        [p.pk for p in plans]
        if plans is not None
        else list(inspection.plans.values_list("pk", flat=True))
    )
    through = Action.tags.through.objects.filter(
        tag_id__in=list(tags), action__plan_id__in=plan_ids
    ).values_list("action_id", "tag_id")
    existing = set(
        RecommendationAction.objects.filter(recommendation__inspection=inspection).values_list(
            "recommendation_id", "action_id"
        )
    )
    added = 0
    for action_id, tag_id in through:
        finding = tags[tag_id]
        if (finding.pk, action_id) in existing:
            continue
        RecommendationAction.objects.create(
            recommendation=finding, action_id=action_id, created_by=_user(user)
        )
        existing.add((finding.pk, action_id))
        added += 1
    return added


def _user(user):
    return user if user is not None and getattr(user, "pk", None) else None
