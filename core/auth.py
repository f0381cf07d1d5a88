"""Signing in: Django's model backend, loading what every page asks about the user with it.

Every request reads the signed-in user from the session. Each page then asks which roles the user
holds (``plans.permissions``), which organisations they belong to, and, for officers and board
members, which Person they are. Loaded here with the user (the roles as one EXISTS per role, the
organisations as one subquery, the person by a join), those answers cost no query of their own
on any page (docs/adr/0006-speed-at-scale.md).

The organisations are read through the ``memberships`` relation that ``accounts.Membership``
gives users, by name: core sits below accounts and does not import it (ADR 0012).
"""

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Aggregate, CharField, Exists, OuterRef, Q, QuerySet, Subquery

from core.models import Organisation
from core.roles import READING_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


class IdList(Aggregate):
    """Ids joined into one comma-separated text: ``GROUP_CONCAT`` (SQLite), ``STRING_AGG``
    (PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(
        self, compiler: "SQLCompiler", connection: "BaseDatabaseWrapper", **extra_context: Any
    ) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(CAST(%(expressions)s AS text), ',')",
            **extra_context,
        )


def _role_flags() -> dict[str, Exists]:
    return {
        f"holds_role_{index}": Exists(Group.objects.filter(user=OuterRef("pk"), name=role.value))
        for index, role in enumerate(Role)
    }


def _membership_ids() -> Subquery:
    """The ids of the organisations where the user is a member in a reading role, as text."""
    members = (
        Organisation.objects.filter(
            Q(memberships__user=OuterRef("pk")), Q(memberships__role__in=READING_ROLES)
        )
        .order_by()
        .values("memberships__user")
        .annotate(ids=IdList("pk"))
        .values("ids")
    )
    return Subquery(members, output_field=CharField())


def with_roles(queryset: "QuerySet[User]") -> "QuerySet[User]":
    """Users annotated with the roles they hold and their organisations, joined to their Person."""
    return queryset.select_related("person").annotate(
        **_role_flags(), membership_organisation_ids=_membership_ids()
    )


def organisation_ids_from(text: str | None) -> set[int]:
    return {int(part) for part in (text or "").split(",") if part}


def remember_roles(user: "User") -> None:
    """Keep the annotated roles and organisations where ``core.permissions`` looks for them."""
    user._role_names = {  # type: ignore[attr-defined]  # a cache on the instance
        role.value for index, role in enumerate(Role) if getattr(user, f"holds_role_{index}")
    }
    user._membership_organisation_ids = organisation_ids_from(  # type: ignore[attr-defined]
        getattr(user, "membership_organisation_ids", None)
    )


class RoleAwareModelBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (called on every request) also loads roles,
    organisations and person."""

    def get_user(self, user_id: Any) -> "User | None":
        User = get_user_model()
        try:
            user = with_roles(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        remember_roles(user)
        return user if self.user_can_authenticate(user) else None
