"""Who may do what: the roles and the rules that rest on them alone. Each app keeps the rules
about its own records beside this base (``plans.permissions``, ``boards.permissions``,
``actions.permissions``, ``measures.permissions``); every view and form post asks those functions,
and lists use their queryset versions, so that what a user sees and what they may change come from
one definition.

Roles (Django groups, see ``core.roles``):
- administrator: everything, including the admin (superusers count as administrators);
- officer: reads every plan, updates the actions they lead or are delegated, enters values for
  the measures they own;
- board member: reads the plans overseen by the boards they sit on;
- viewer: reads every plan.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from core.models import Person


def _groups(user: "User | AnonymousUser") -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached  # type: ignore[attr-defined]  # a cache on the instance
    return cached


def is_administrator(user: "User | AnonymousUser") -> bool:
    return user.is_authenticated and (user.is_superuser or Role.ADMINISTRATOR in _groups(user))


def is_officer(user: "User | AnonymousUser") -> bool:
    return Role.OFFICER in _groups(user)


def is_board_member(user: "User | AnonymousUser") -> bool:
    return Role.BOARD_MEMBER in _groups(user)


def is_viewer(user: "User | AnonymousUser") -> bool:
    return Role.VIEWER in _groups(user)


def person_of(user: "User | AnonymousUser") -> "Person | None":
    """The Person record linked to a user, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Exception:  # RelatedObjectDoesNotExist
        return None


def reads_all_plans(user: "User | AnonymousUser") -> bool:
    return is_administrator(user) or is_officer(user) or is_viewer(user)


def require(allowed: bool) -> None:
    """Raise PermissionDenied (HTTP 403) unless allowed."""
    if not allowed:
        raise PermissionDenied
