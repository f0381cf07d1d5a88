"""Who may do what: the roles, the organisations, and the rules that rest on them alone. Each app
keeps the rules about its own records beside this base (``plans.permissions``,
``boards.permissions``, ``actions.permissions``, ``measures.permissions``); every view and form
post asks those functions, and lists use their queryset versions, so that what a user sees and
what they may change come from one definition.

Roles (Django groups, see ``core.roles``) say what a user may do:
- administrator: edits the records of their organisations, including in the admin;
- officer: reads the plans of their organisations, updates the actions they lead or are
  delegated, enters values for the measures they own;
- board member: reads the plans overseen by the boards they sit on;
- viewer: reads the plans of their organisations.

Organisations say where (ADR 0012): a user belongs to the organisations of their memberships
(``accounts.Membership``, in a reading role) and to their Person's organisation. A superuser
administers the whole installation and reads everything.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from core.models import Organisation
from core.roles import READING_ROLES, Role

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


def holds_a_role(user: "User | AnonymousUser") -> bool:
    """Holds at least one of the four roles (superusers always do)."""
    return is_administrator(user) or bool(_groups(user) & {role.value for role in Role})


def person_of(user: "User | AnonymousUser") -> "Person | None":
    """The Person record linked to a user, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Exception:  # RelatedObjectDoesNotExist
        return None


def reads_all_plans(user: "User | AnonymousUser") -> bool:
    """Reads every plan of every organisation: superusers only (the installation's
    administrators). Everyone else reads what ``plans.permissions`` gives them."""
    return user.is_authenticated and user.is_superuser


def reads_organisation_plans(user: "User | AnonymousUser") -> bool:
    """Holds a role that reads every plan of the user's organisations (administrator, officer,
    viewer); a board member reads only what their boards oversee."""
    return is_administrator(user) or is_officer(user) or is_viewer(user)


def organisation_ids(user: "User | AnonymousUser") -> frozenset[int]:
    """The organisations whose plans and boards the user reads: those of their memberships in a
    reading role and their Person's organisation, for a user holding a reading role (none for
    a board member, an anonymous user or a user with no role). Loaded with the user on every
    request (``core.auth``); worked out once with a query otherwise."""
    if not user.is_authenticated or not reads_organisation_plans(user):
        return frozenset()
    cached = getattr(user, "_organisation_ids", None)
    if cached is None:
        members = getattr(user, "_membership_organisation_ids", None)
        if members is None:
            members = set(
                Organisation.objects.filter(
                    memberships__user=user, memberships__role__in=READING_ROLES
                ).values_list("pk", flat=True)
            )
        person = person_of(user)
        if person is not None and person.organisation_id is not None:
            members = set(members) | {person.organisation_id}
        cached = frozenset(members)
        user._organisation_ids = cached  # type: ignore[attr-defined]  # a cache on the instance
    return cached


def administered_organisation_ids(user: "User | AnonymousUser") -> frozenset[int] | None:
    """The organisations whose records the user keeps (the admin, imports, issuing packs):
    None meaning every organisation for a superuser, the user's organisations for an
    administrator, none for anyone else."""
    if reads_all_plans(user):
        return None
    if not is_administrator(user):
        return frozenset()
    return organisation_ids(user)


def administers(user: "User | AnonymousUser", organisation_id: int | None) -> bool:
    """Whether the user keeps the records of that organisation (see above)."""
    ids = administered_organisation_ids(user)
    return ids is None or organisation_id in ids


def users_of_organisations_q(ids: "frozenset[int] | set[int]", prefix: str = "") -> Q:
    """A filter for the users who belong to any of the organisations ``ids`` (a membership in any
    role, or their Person's organisation); ``prefix`` is the path to the user, e.g. "user__".
    Reads ``accounts.Membership`` through the user's ``memberships`` relation, by name."""
    return Q(**{f"{prefix}memberships__organisation_id__in": ids}) | Q(
        **{f"{prefix}person__organisation_id__in": ids}
    )


def require(allowed: bool) -> None:
    """Raise PermissionDenied (HTTP 403) unless allowed."""
    if not allowed:
        raise PermissionDenied
