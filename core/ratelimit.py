"""Rate limits counted in the database, in fixed windows (docs/security.md, "Rate limits").

``hit(scope, identity, limit=..., window=...)`` records one request and says whether it is within
the limit. The identity (an e-mail address, a client's address) is stored only as an HMAC keyed
with ``SECRET_KEY``. A fixed window lets through at most twice the limit across a window
boundary, which is enough to stop guessing and mail flooding without any extra service.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from core.models import RateLimit

FORGET_AFTER = 24 * 60 * 60  # windows older than this are deleted when a new one starts


def _key(scope: str, identity: str) -> str:
    message = f"{scope}\x00{identity}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def hit(scope: str, identity: str | None, *, limit: int, window: int) -> bool:
    """Count one request; True while the count in this window is within ``limit``."""
    now = int(time.time())
    start = now - now % window
    key = _key(scope, identity or "unknown")
    with transaction.atomic():
        counted = RateLimit.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        if not counted:
            # A new window: start the count again (one row per key) and forget old windows.
            moved = RateLimit.objects.filter(key=key, window_start__lt=start).update(
                window_start=start, count=1
            )
            if not moved:
                try:
                    with transaction.atomic():
                        RateLimit.objects.create(key=key, window_start=start, count=1)
                except IntegrityError:  # another request started this window first
                    RateLimit.objects.filter(key=key).update(count=F("count") + 1)
            RateLimit.objects.filter(window_start__lt=now - FORGET_AFTER).delete()
        count = RateLimit.objects.filter(key=key).values_list("count", flat=True).first() or 0
    return count <= limit


def retry_after(window: int) -> int:
    """Seconds until the current window ends."""
    now = int(time.time())
    return window - now % window
