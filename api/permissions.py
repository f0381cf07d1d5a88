"""Who may call which method: a key reads what its scope allows (``api.scope``) and writes
measure values only when it is a read-and-write key; a signed-in user reads only."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiKey


class ApiAccess(BasePermission):
    message = "Only a key that may write can change data."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey):
            return request.method in SAFE_METHODS or request.auth.can_write
        user = request.user
        return bool(user and user.is_authenticated and request.method in SAFE_METHODS)
