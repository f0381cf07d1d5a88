"""Signing in: Django's model backend, loading what every page asks about the user with it.

Every request reads the signed-in user from the session. Each page then asks which roles the user
holds (``plans.permissions``) and, for officers and board members, which Person they are. Loaded
here with the user (the roles as one EXISTS per role, the person by a join), those answers cost
no query of their own on any page (docs/adr/0006-speed-at-scale.md).
"""

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, QuerySet

from core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _role_flags() -> dict[str, Exists]:
    return {
        f"holds_role_{index}": Exists(Group.objects.filter(user=OuterRef("pk"), name=role.value))
        for index, role in enumerate(Role)
    }


def with_roles(queryset: "QuerySet[User]") -> "QuerySet[User]":
    """Users annotated with the roles they hold and joined to their Person."""
    return queryset.select_related("person").annotate(**_role_flags())


def remember_roles(user: "User") -> None:
    """Keep the annotated roles where ``plans.permissions`` looks for them."""
    user._role_names = {  # type: ignore[attr-defined]  # a cache on the instance
        role.value for index, role in enumerate(Role) if getattr(user, f"holds_role_{index}")
    }


class RoleAwareModelBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (called on every request) also loads roles and person."""

    def get_user(self, user_id: Any) -> "User | None":
        User = get_user_model()
        try:
            user = with_roles(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        remember_roles(user)
        return user if self.user_can_authenticate(user) else None
