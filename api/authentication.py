"""How a machine shows its key, and how the API knows who is calling.

A key is accepted in the ``Authorization: Bearer <key>`` header, the ``X-API-Key`` header, or,
for Power BI's scheduled refresh (which cannot always send headers), the ``api_key`` query
parameter. A key in the address can end up in proxy logs, browser history and error reports, so
it is accepted only to read, and only from a read-only key: a key that can write must come in a
header (ADR 0010). Signed-in users of the pages may read with their session too."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import SAFE_METHODS

from api import keys

QUERY_PARAMETER = "api_key"
HEADER = "HTTP_X_API_KEY"


def presented_key(request) -> tuple[str | None, str]:
    """The key as sent, and where: "header", "query" or ""."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip(), "header"
    if request.META.get(HEADER, "").strip():
        return request.META[HEADER].strip(), "header"
    value = request.GET.get(QUERY_PARAMETER, "").strip()
    if value:
        return value, "query"
    return None, ""


class ApiKeyAuthentication(BaseAuthentication):
    """Finds the key by its SHA-256 and refuses it (HTTP 401) when unknown, revoked or expired:
    checked on every request, so a revoked key stops at once."""

    def authenticate(self, request):
        raw, where = presented_key(request._request)
        if raw is None:
            return None
        django_request = request._request
        django_request.api_presented_prefix = keys.prefix_of(raw)
        django_request.api_key_in_query = where == "query"
        if where == "query" and request.method not in SAFE_METHODS:
            raise exceptions.AuthenticationFailed(
                _("A key in the address may only read. Send it in the Authorization header.")
            )
        key = keys.find(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        django_request.api_key = key  # so that even a refusal is logged against the key
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if key.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        if where == "query" and key.can_write:
            raise exceptions.AuthenticationFailed(
                _("A key that can write must be sent in a header, never in the address.")
            )
        # The key is not a user: histories and the audit log must not take it for one.
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ReadOnlySessionAuthentication(SessionAuthentication):
    """The pages' session, for reads (writes need a key; the permission class says so)."""
