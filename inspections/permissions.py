"""Who may see and do what with inspections: the organisation boundary of ``plans.permissions``
(ADR 0012) applied to inspections and self-evaluations.

- See inspections, their findings and deadlines: a superuser every one; anyone else the
  inspections of their organisations, and those answered by a plan they may read (a board
  member, a partner agency's member included, sees those of the plans their boards oversee).
- Record an inspection, its findings and visits (the admin), override a deadline, generate an
  evidence pack, link actions from a finding's side: administrators of the inspection's
  organisation (a superuser any).
- Link actions to findings from the action's side: those who may update the action.
- Read self-evaluations: those who read the plans of the self-evaluation's organisation (they
  are the organisation's own internal assessment, not a plan a board oversees).
"""

from django.db.models import Q

from actions.permissions import can_update_action
from core.permissions import (
    administered_organisation_ids,
    administers,
    holds_a_role,
    organisation_ids,
    reads_all_plans,
)
from inspections.models import Inspection, SelfEvaluation
from plans.permissions import plans_visible_to


def inspections_visible_to(user):
    if reads_all_plans(user):
        return Inspection.objects.all()
    if not holds_a_role(user):
        return Inspection.objects.none()
    answered = Inspection.plans.through.objects.filter(
        plan_id__in=plans_visible_to(user).values("pk")
    ).values("inspection_id")
    return Inspection.objects.filter(
        Q(organisation_id__in=organisation_ids(user)) | Q(pk__in=answered)
    )


def can_view_inspection(user, inspection) -> bool:
    """No query for an inspection of the user's own organisations."""
    if reads_all_plans(user) or inspection.organisation_id in organisation_ids(user):
        return True
    return inspections_visible_to(user).filter(pk=inspection.pk).exists()


def can_record_inspections(user) -> bool:
    """Whether the user may record inspections of any organisation (the admin's add page)."""
    ids = administered_organisation_ids(user)
    return ids is None or bool(ids)


def can_link_recommendation_actions(user, inspection) -> bool:
    """From a finding's side (any action of the responding plans): the inspection's
    organisation's administrators."""
    return administers(user, inspection.organisation_id)


def can_link_action(user, action) -> bool:
    """From an action's side: administrators, and the officers who may update the action."""
    return can_update_action(user, action)


def can_override_deadline(user, inspection) -> bool:
    return administers(user, inspection.organisation_id)


def can_generate_evidence_pack(user, inspection) -> bool:
    return administers(user, inspection.organisation_id)


def self_evaluations_visible_to(user):
    if reads_all_plans(user):
        return SelfEvaluation.objects.all()
    return SelfEvaluation.objects.filter(organisation_id__in=organisation_ids(user))


def can_view_self_evaluations(user) -> bool:
    """Whether the user reads any organisation's self-evaluations (the list and the nav)."""
    return reads_all_plans(user) or bool(organisation_ids(user))


def can_see_inspections_nav(user) -> bool:
    return holds_a_role(user)
