"""Who may see and do what with inspections (built on the roles in ``core.permissions``).

- See inspections, their findings and deadlines: those who read every plan (administrators,
  officers, viewers); board members those of the plans their boards oversee.
- Record an inspection, its findings and visits (the admin), override a deadline, generate an
  evidence pack, edit a self-evaluation: administrators.
- Link actions to findings: administrators any action; officers the actions they lead or are
  delegated (from the action's side).
- Read self-evaluations: those who read every plan (they are the organisation's own internal
  assessment, not a plan a board oversees).
"""

from actions.permissions import can_update_action
from core.permissions import is_administrator, is_board_member, reads_all_plans
from inspections.models import Inspection
from plans.permissions import plans_visible_to


def inspections_visible_to(user):
    if reads_all_plans(user):
        return Inspection.objects.all()
    if is_board_member(user):
        return Inspection.objects.filter(plans__in=plans_visible_to(user)).distinct()
    return Inspection.objects.none()


def can_view_inspection(user, inspection) -> bool:
    if reads_all_plans(user):
        return True
    return inspections_visible_to(user).filter(pk=inspection.pk).exists()


def can_record_inspections(user) -> bool:
    return is_administrator(user)


def can_link_recommendation_actions(user) -> bool:
    """From a finding's side (any action of the responding plans): administrators."""
    return is_administrator(user)


def can_link_action(user, action) -> bool:
    """From an action's side: administrators, and the officers who may update the action."""
    return can_update_action(user, action)


def can_override_deadline(user) -> bool:
    return is_administrator(user)


def can_generate_evidence_pack(user) -> bool:
    return is_administrator(user)


def can_view_self_evaluations(user) -> bool:
    return reads_all_plans(user)


def can_see_inspections_nav(user) -> bool:
    return reads_all_plans(user) or is_board_member(user)
