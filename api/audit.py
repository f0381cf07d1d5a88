"""Every use of a key is logged (``ApiKeyUse``): the key (or the start of a refused one), the
method, the address without the key, the status, the rows returned and the client's address.
The log is also what the rate limit counts. Reads through a signed-in session are not logged,
as page views are not."""

from datetime import timedelta

from django.utils import timezone

from api.authentication import QUERY_PARAMETER
from api.models import ApiKey, ApiKeyUse
from core.audit import client_ip

LAST_USED_RESOLUTION = timedelta(seconds=60)
_MAX_PATH = ApiKeyUse._meta.get_field("path").max_length


def path_without_key(request) -> str:
    params = request.GET.copy()
    params.pop(QUERY_PARAMETER, None)
    query = params.urlencode()
    return (request.path + (f"?{query}" if query else ""))[:_MAX_PATH]


def record_use(request, status: int, *, rows=None, detail=None) -> ApiKeyUse | None:
    """Log one request made with a key (``request`` is Django's, as the authentication left
    it); None when no key was presented."""
    key: ApiKey | None = getattr(request, "api_key", None)
    prefix = getattr(request, "api_presented_prefix", "")
    if key is None and not prefix:
        return None
    now = timezone.now()
    use = ApiKeyUse.objects.create(
        key=key,
        presented_prefix="" if key is not None else prefix,
        at=now,
        method=request.method[:10],
        path=path_without_key(request),
        status=status,
        rows=rows,
        ip_address=client_ip(request),
        key_in_query=bool(getattr(request, "api_key_in_query", False)),
        detail=detail or {},
    )
    if key is not None and (
        key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION
    ):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return use
