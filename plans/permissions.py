"""Which plans a user may read (the base of every other visibility rule)."""

from core.permissions import is_board_member, person_of, reads_all_plans
from plans.models import Plan


def plans_visible_to(user):
    """Plans a user may read."""
    if reads_all_plans(user):
        return Plan.objects.all()
    if is_board_member(user):
        person = person_of(user)
        if person is None:
            return Plan.objects.none()
        return Plan.objects.filter(boards__memberships__person=person).distinct()
    return Plan.objects.none()


def plan_ids_visible_to(user) -> set[int] | None:
    """The ids of the plans a user may read, or None meaning "all plans"."""
    if reads_all_plans(user):
        return None
    return set(plans_visible_to(user).values_list("pk", flat=True))


def can_view_plan(user, plan) -> bool:
    ids = plan_ids_visible_to(user)
    return ids is None or plan.pk in ids
