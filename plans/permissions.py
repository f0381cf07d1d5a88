"""Who may do what. Every view and form post asks these functions; lists use the queryset
versions so that what a user sees and what they may change come from one definition.

Roles (Django groups, see ``plans.roles``):
- administrator: everything, including the admin (superusers count as administrators);
- officer: reads every plan, updates the actions they lead or are delegated, enters values for
  the measures they own;
- board member: reads the plans overseen by the boards they sit on;
- viewer: reads every plan.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Plan
from .roles import Role


def _groups(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.ADMINISTRATOR in _groups(user))


def is_officer(user) -> bool:
    return Role.OFFICER in _groups(user)


def is_board_member(user) -> bool:
    return Role.BOARD_MEMBER in _groups(user)


def is_viewer(user) -> bool:
    return Role.VIEWER in _groups(user)


def person_of(user):
    """The Person record linked to a user, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Exception:  # RelatedObjectDoesNotExist
        return None


def reads_all_plans(user) -> bool:
    return is_administrator(user) or is_officer(user) or is_viewer(user)


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


def can_view_board(user, board) -> bool:
    if reads_all_plans(user):
        return True
    person = person_of(user)
    return person is not None and board.memberships.filter(person=person).exists()


def boards_visible_to(user):
    from .models import Board

    if reads_all_plans(user):
        return Board.objects.all()
    person = person_of(user)
    if person is None:
        return Board.objects.none()
    return Board.objects.filter(memberships__person=person).distinct()


def actions_editable_q(user) -> Q | None:
    """A filter for the actions a user may update; None means every action."""
    if is_administrator(user):
        return None
    person = person_of(user)
    if not is_officer(user) or person is None:
        return Q(pk__in=[])
    return Q(lead=person) | Q(delegates=person)


def can_update_action(user, action) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    if not is_officer(user) or person is None:
        return False
    if action.lead_id == person.pk:
        return True
    return action.delegates.filter(pk=person.pk).exists()


def can_enter_measure_values(user, measure) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    return is_officer(user) and person is not None and measure.owner_id == person.pk


def require(allowed: bool) -> None:
    """Raise PermissionDenied (HTTP 403) unless allowed."""
    if not allowed:
        raise PermissionDenied
