"""The audit log: who did what, and when (UTC), from which address.

``record()`` is the one way to write an ``AuditEvent``. Sign-ins, failed sign-ins and sign-outs
are recorded by the receivers below (connected when this module is imported: by
``config.middleware`` at start-up, and by ``PlansConfig.ready``); permission refusals by
``config.middleware.PermissionDeniedAuditMiddleware``; exports, imports and the other kinds by
the code that does them, for example::

    from core import audit
    from core.models import AuditEvent

    audit.record(AuditEvent.Kind.EXPORT, request=request, summary=f"Plan {plan.slug} as .xlsx",
                 plan=plan.pk, format="xlsx")

Failed sign-ins keep the user name as typed and are never linked to an account, so the log
reads the same whether or not the account exists.
"""

import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.serializers.json import DjangoJSONEncoder
from django.dispatch import receiver
from django.http import HttpRequest

from core.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

logger = logging.getLogger("core.audit")

_MAX_SUMMARY = AuditEvent._meta.get_field("summary").max_length
_MAX_PATH = AuditEvent._meta.get_field("path").max_length
_MAX_USERNAME = AuditEvent._meta.get_field("username").max_length


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (each appending
    to X-Forwarded-For) the address the nearest trusted proxy saw; otherwise REMOTE_ADDR.
    Also django-axes' ``AXES_CLIENT_IP_CALLABLE``, so lockouts and the log agree."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def _plain(detail: dict[str, Any]) -> dict[str, Any]:
    """Detail values as JSON-safe plain data (model instances become their primary keys)."""
    out = {}
    for key, value in detail.items():
        if hasattr(value, "_meta") and hasattr(value, "pk"):
            value = value.pk
        out[key] = DjangoJSONEncoder().default(value) if _needs_encoding(value) else value
    return out


def _needs_encoding(value: object) -> bool:
    return not isinstance(value, str | int | float | bool | list | dict | type(None))


def record(
    kind: str,
    request: HttpRequest | None = None,
    user: "User | AnonymousUser | None" = None,
    summary: str = "",
    **detail: Any,
) -> AuditEvent:
    """Write one audit event.

    ``kind`` is an ``AuditEvent.Kind``; ``user`` defaults to the request's signed-in user;
    ``summary`` is a short sentence; keyword arguments go into ``detail`` (JSON).
    ``at`` is set by the database row's ``auto_now_add`` (UTC, as USE_TZ stores it)."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    username = detail.pop("username", None)
    if username is None:
        username = user.get_username() if user is not None else ""
    event = AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=str(username)[:_MAX_USERNAME],
        path=(request.get_full_path() if request is not None else "")[:_MAX_PATH],
        ip_address=client_ip(request),
        summary=str(summary)[:_MAX_SUMMARY],
        detail=_plain(detail),
    )
    logger.info("audit %s user=%r path=%s", kind, event.username, event.path)
    return event


# Sign-in, failed sign-in and sign-out ---------------------------------------------------------
@receiver(user_logged_in, dispatch_uid="core.audit.signed_in")
def _signed_in(sender: Any, request: HttpRequest, user: "User", **kwargs: Any) -> None:
    # Single sign-on (accounts.views) says how the user signed in through request.sign_in_detail.
    detail = dict(getattr(request, "sign_in_detail", None) or {})
    summary = detail.pop("summary", "Signed in")
    record(AuditEvent.Kind.SIGN_IN, request=request, user=user, summary=summary, **detail)


@receiver(user_login_failed, dispatch_uid="core.audit.sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = credentials.get("username") or credentials.get(
        getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"), ""
    )
    # django-axes' receiver runs first and flags the request when this failure locks it out.
    locked_out = bool(getattr(request, "axes_locked_out", False))
    record(
        AuditEvent.Kind.SIGN_IN_FAILED,
        request=request,
        user=None,
        username=str(typed or ""),
        summary="Sign-in refused: locked out" if locked_out else "Sign-in failed",
        locked_out=locked_out,
    )


@receiver(user_logged_out, dispatch_uid="core.audit.signed_out")
def _signed_out(
    sender: Any, request: HttpRequest | None, user: "User | None", **kwargs: Any
) -> None:
    if user is None:  # signing out when not signed in
        return
    reason = getattr(request, "sign_out_reason", "") if request is not None else ""
    record(
        AuditEvent.Kind.SIGN_OUT,
        request=request,
        user=user,
        summary=f"Signed out ({reason})" if reason else "Signed out",
        reason=reason or "user",
    )
