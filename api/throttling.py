"""The rate limit: a fixed window of one clock minute per key, counted from the log of its uses
(``ApiKeyUse``), so it holds across every worker and server without a shared cache. A burst at
the end of one minute and the start of the next can reach twice the limit; a few requests that
arrive at the same instant can pass together. Both are accepted for a limit meant to stop a
runaway refresh, not to meter (ADR 0010)."""

from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from api.models import ApiKey, ApiKeyUse

WINDOW_SECONDS = 60


class KeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        now = timezone.now()
        window_start = now.replace(second=0, microsecond=0)
        self.retry_after = WINDOW_SECONDS - now.second
        used = ApiKeyUse.objects.filter(key=key, at__gte=window_start).count()
        return used < key.requests_per_minute

    def wait(self):
        return getattr(self, "retry_after", WINDOW_SECONDS)
