"""Security middleware (see docs/security.md and the "Security" section of config/settings/base.py).

- ``SecurityHeadersMiddleware``: Permissions-Policy on every response, and
  ``Cache-Control: no-store`` on every response to a signed-in user.
- ``DatabaseUnavailableMiddleware``: a GOV.UK "service unavailable" page (HTTP 503) instead of a
  stack trace or a 500 when the database cannot be reached.
- ``SessionTimeoutMiddleware``: signs a user out after ``SESSION_IDLE_TIMEOUT`` seconds without
  a request, or ``SESSION_ABSOLUTE_TIMEOUT`` seconds after signing in.
- ``PermissionDeniedAuditMiddleware``: writes every refusal (HTTP 403) to the audit log.
- ``RequestContextMiddleware`` (outermost): gives each request an id (``X-Request-ID``), a
  deadline of ``REQUEST_TIMEOUT`` seconds for every wait for the database (``core.database``),
  and one log line with its id, user id, method, path, status and duration.
- ``AnonymousPostRateLimitMiddleware``: POSTs from anyone not signed in (sign-in, password
  reset...) are limited per client address (``RATE_LIMIT_ANONYMOUS_POSTS``), answering 429.
- ``RequestInputMiddleware``: a path with control characters is not found (404); a NUL
  character in any query or form parameter is a bad request (400). No page has a use for either,
  and PostgreSQL refuses NUL in text, which turned such requests into 500s.
"""

import logging
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse

from config.logging import request_id_var, safe_for_log, user_id_var
from core import audit, ratelimit
from core.database import extend_deadline, request_deadline
from core.models import AuditEvent

logger = logging.getLogger("config.security")
request_logger = logging.getLogger("config.requests")

DATABASE_ERRORS = (OperationalError, InterfaceError)

# Session keys of the timeout clocks (seconds since the epoch, as floats).
SIGNED_IN_AT = "security:signed_in_at"
LAST_ACTIVITY = "security:last_activity"


def _signed_in_request(request, response) -> bool:
    """Whether a response goes to a signed-in user, without a database query: the request
    carries a session cookie (only signed-in users get one here) or the response sets one
    (signing in)."""
    name = settings.SESSION_COOKIE_NAME
    if name in request.COOKIES or name in response.cookies:
        return True
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", None)
    return wrapped is not None and getattr(wrapped, "is_authenticated", False) is True


class SecurityHeadersMiddleware:
    """Headers Django does not send itself: Permissions-Policy, and no caching of pages meant
    for one signed-in user (shared computers, browser back button after signing out)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        # Django's XFrameOptionsMiddleware misses static files; CSP frame-ancestors covers
        # current browsers, this older browsers.
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if not request.path.startswith(settings.STATIC_URL) and _signed_in_request(
            request, response
        ):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def service_unavailable() -> HttpResponse:
    """The 503 page. Rendered without the request so that nothing touches the database
    (no session, no user, no context processors)."""
    html = render_to_string(
        "503.html",
        {"council_name": settings.COUNCIL_NAME, "service_name": settings.SERVICE_NAME},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    # Logged once by RequestContextMiddleware (a warning), not again by Django as an error.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class _Outage:
    """Whether this process has found the database unreachable, so that an outage logs one
    error when it starts and one line when it ends, not an error per request."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since: float | None = None
        self.refused = 0

    def failed(self, exc) -> None:
        with self.lock:
            first = self.since is None
            if first:
                self.since, self.refused = time.monotonic(), 0
            self.refused += 1
        if first:
            logger.error(
                "Database unreachable: %s (further requests get the 503 page and one warning "
                "each until it answers again)",
                safe_for_log(str(exc) or type(exc).__name__),
            )

    def answered(self) -> None:
        if self.since is None:
            return
        with self.lock:
            if self.since is None:
                return
            down_for, refused = time.monotonic() - self.since, self.refused
            self.since = None
        logger.warning(
            "Database reachable again after %.0f s; %d request(s) got the 503 page",
            down_for,
            refused,
        )


outage = _Outage()


def too_many_requests(retry_after: int) -> HttpResponse:
    """The 429 page: the same whoever asks (it says nothing about any account)."""
    html = render_to_string(
        "429.html",
        {
            "council_name": settings.COUNCIL_NAME,
            "service_name": settings.SERVICE_NAME,
            "wait_text": duration(max(60, retry_after - retry_after % 60)),
        },
    )
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _keyed_api_request(request) -> bool:
    """A request to the API that presents a key in a header: the API refuses an unknown key
    (401) and limits each known key itself (``api.throttling``), so a data warehouse pushing
    values is not counted as an anonymous visitor."""
    from api.authentication import presented_key

    in_api = request.path_info.startswith(reverse("api:index"))
    return in_api and presented_key(request)[1] == "header"


class AnonymousPostRateLimitMiddleware:
    """Every POST from someone not signed in counts against their address's limit
    (``RATE_LIMIT_ANONYMOUS_POSTS`` = (requests, seconds)). django-axes still locks a user name
    out after failed sign-ins; this stops one address trying many names, or flooding the
    password reset."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not _keyed_api_request(request)
        ):
            limit, window = settings.RATE_LIMIT_ANONYMOUS_POSTS
            client = audit.client_ip(request)
            if not ratelimit.hit("anonymous-post", client, limit=limit, window=window):
                logger.warning("Unauthenticated POSTs from one client over their limit")
                return too_many_requests(ratelimit.retry_after(window))
        return self.get_response(request)


def bad_request(request=None, exception=None) -> HttpResponse:
    """The 400 page, rendered without the request (no database); also ``handler400``."""
    html = render_to_string(
        "400.html",
        {"council_name": settings.COUNCIL_NAME, "service_name": settings.SERVICE_NAME},
    )
    response = HttpResponse(html, status=400)
    response["Cache-Control"] = "no-store"
    return response


# C0 controls and DEL: never part of an address of this site.
_PATH_CONTROLS = frozenset(chr(c) for c in (*range(0x20), 0x7F))


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in query_dict.lists()
    )


class RequestInputMiddleware:
    """Refuses input no page can use before any view, form or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _PATH_CONTROLS.isdisjoint(request.path_info):
            raise Http404("control characters in the path")
        posted_form = request.method == "POST" and request.content_type in FORM_TYPES
        if _has_nul(request.GET) or (posted_form and _has_nul(request.POST)):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request) -> HttpResponse:
        """The 400 page; for the API, the JSON error its schema documents."""
        if request.path_info.startswith(reverse("api:index")):
            detail = "A parameter holds a NUL character, which no value of this API can contain."
            response = JsonResponse({"detail": detail}, status=400)
            response["Cache-Control"] = "no-store"
            return response
        return bad_request(request)


@receiver(got_request_exception, dispatch_uid="config.middleware.flag_database_errors")
def _flag_database_errors(sender, request=None, **kwargs):
    """Django turns an exception raised in another middleware (the session's, say) into a 500
    before it reaches ``DatabaseUnavailableMiddleware``; flag the request so that the 500 can be
    replaced by the 503 page."""
    cause = database_error_in(sys.exc_info()[1])
    if request is not None and cause is not None:
        request.database_unavailable = True
        request.database_error = cause


def database_error_in(exc):
    """The database error an exception is, or was raised while handling (the session's
    "SessionInterrupted" hides the OperationalError that stopped it saving), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_ERRORS):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session it could not save because of the database is reported as
    that database error (so the 503 page follows), not as "SessionInterrupted" (a 400, logged
    with a traceback, which says the user signed out elsewhere)."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted as interrupted:
            cause = database_error_in(interrupted)
            if cause is not None:
                raise cause from interrupted
            raise


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached gives the 503 page. With CONN_HEALTH_CHECKS the next
    request after the database returns reconnects and succeeds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = _QueryCounter()
        try:
            with connections["default"].execute_wrapper(queries):
                response = self.get_response(request)
        except DATABASE_ERRORS as exc:  # raised outside any view or middleware wrapper
            return self._unavailable(request, exc)
        # An error page (a 500, or the 400 of a session that could not be saved) caused by the
        # database becomes the 503 page.
        if response.status_code >= 400 and getattr(request, "database_unavailable", False):
            return self._unavailable(request, getattr(request, "database_error", None))
        if queries.succeeded and not getattr(request, "database_unavailable", False):
            outage.answered()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, exc):
        if not getattr(request, "database_unavailable_logged", False):
            outage.failed(exc)
        request.database_unavailable = request.database_unavailable_logged = True
        return service_unavailable()


class _QueryCounter:
    """An execute wrapper counting the queries of a request that the database answered."""

    def __init__(self):
        self.succeeded = 0

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self.succeeded += 1
        return result


def duration(seconds: int) -> str:
    """A whole number of hours, minutes or seconds in words: "12 hours", "30 minutes"."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


@dataclass(frozen=True)
class SessionTimeout:
    """What the session-timeout warning needs to know (``request.session_timeout``)."""

    idle: int  # seconds of inactivity allowed
    warning: int  # seconds before expiry that the warning shows
    remaining: int  # seconds until this session expires unless there is activity

    @property
    def idle_text(self) -> str:
        return duration(self.idle)


class SessionTimeoutMiddleware:
    """Idle and absolute session timeouts.

    The clocks start at sign-in (``start_session_clocks``); a session without them (signed in
    before this middleware was deployed) starts them on its next request. Activity is written at
    most once every ``activity_resolution(idle)`` seconds (a minute, or a tenth of a shorter
    limit), so most requests cause no session write; the idle limit is therefore enforced to
    within that resolution, never later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return self.get_response(request)
        user_id_var.set(str(session[SESSION_KEY]))  # for the log lines of this request
        idle = settings.SESSION_IDLE_TIMEOUT
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT
        now = time.time()
        signed_in_at = session.get(SIGNED_IN_AT)
        last = session.get(LAST_ACTIVITY, signed_in_at)
        if signed_in_at is None or last is None:
            session[SIGNED_IN_AT] = session[LAST_ACTIVITY] = now
        elif now - signed_in_at > absolute:
            return self._expire(request, "absolute")
        elif now - last > idle:
            return self._expire(request, "idle")
        elif now - last >= activity_resolution(idle):
            session[LAST_ACTIVITY] = now
        request.session_timeout = SessionTimeout(
            idle=idle,
            warning=min(settings.SESSION_TIMEOUT_WARNING, idle // 2),
            remaining=seconds_remaining(session, now),
        )
        return self.get_response(request)

    def _expire(self, request, reason):
        request.sign_out_reason = reason
        logout(request)
        if reason == "idle":
            idle = duration(settings.SESSION_IDLE_TIMEOUT)
            text = f"You were signed out after {idle} without activity."
        else:
            limit = duration(settings.SESSION_ABSOLUTE_TIMEOUT)
            text = f"You were signed out because you had been signed in for {limit}."
        messages.info(request, f"{text} Sign in again to carry on.", fail_silently=True)
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"signed_in": False, "reason": reason}, status=401)
        return redirect_to_login(request.get_full_path())


def activity_resolution(idle: float) -> float:
    """How stale the recorded last activity may get before a request rewrites it: at most
    ``SESSION_ACTIVITY_RESOLUTION`` (a minute, so most requests write nothing), and never more
    than a tenth of the idle limit, so that the limit holds to within 10% for any value (with a
    fixed minute, a limit under a minute signed out users who were active)."""
    return min(settings.SESSION_ACTIVITY_RESOLUTION, idle / 10)


def seconds_remaining(session, now: float | None = None) -> int:
    """Seconds until a session expires unless there is activity."""
    now = time.time() if now is None else now
    signed_in_at = session.get(SIGNED_IN_AT, now)
    last = session.get(LAST_ACTIVITY, signed_in_at)
    expires = min(
        last + settings.SESSION_IDLE_TIMEOUT, signed_in_at + settings.SESSION_ABSOLUTE_TIMEOUT
    )
    return max(0, int(expires - now))


def touch_session(request) -> None:
    """Record activity now (the keep-alive view)."""
    request.session[LAST_ACTIVITY] = time.time()
    request.session.setdefault(SIGNED_IN_AT, time.time())


@receiver(user_logged_in, dispatch_uid="config.middleware.start_session_clocks")
def start_session_clocks(sender=None, request=None, **kwargs) -> None:
    """Start the timeout clocks at sign-in."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_ACTIVITY] = now


class PermissionDeniedAuditMiddleware:
    """Every refusal (HTTP 403: a permission check, a CSRF failure, the admin) goes into the
    audit log with who, what and when."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and not getattr(request, "database_unavailable", False):
            try:
                audit.record(
                    AuditEvent.Kind.PERMISSION_DENIED,
                    request=request,
                    summary=f"Refused {request.method} {request.path}",
                    method=request.method,
                    status=403,
                )
            except DATABASE_ERRORS:  # never turn a refusal into an error page
                logger.exception("Could not record a permission refusal")
        return response


# A request id from the proxy in front (nginx's $request_id, say) is kept if it looks like one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
SLOW_REQUEST_SECONDS = 5


def _user_id(request) -> str:
    """The signed-in user's id if the request has already looked the user up (never a query)."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or getattr(wrapped, "is_authenticated", False) is not True:
        return user_id_var.get()
    return str(wrapped.pk)


class RequestContextMiddleware:
    """The outermost middleware: a request id, the deadline for database waits, and one log line
    per request (``config.requests``) with ``request_id``, ``user_id``, ``method``, ``path``,
    ``status`` and ``duration_ms``: INFO normally, WARNING for a 503 (database unavailable) or a
    request slower than ``SLOW_REQUEST_SECONDS``, ERROR for other 5xx."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        user_token = user_id_var.set("-")
        started = time.monotonic()
        try:
            with request_deadline(getattr(settings, "REQUEST_TIMEOUT", None)):
                response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response, time.monotonic() - started)
            return response
        finally:
            request_id_var.reset(id_token)
            user_id_var.reset(user_token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Views marked ``long_request = True`` (reading or writing an import, a PDF pack) may
        take up to ``LONG_REQUEST_TIMEOUT`` seconds from the request's start."""
        view_class = getattr(view_func, "view_class", None)
        if getattr(view_class, "long_request", False) or getattr(view_func, "long_request", False):
            extend_deadline(settings.LONG_REQUEST_TIMEOUT)
        return None

    def _log(self, request, response, seconds: float) -> None:
        status = response.status_code
        if status == 503 and getattr(request, "database_unavailable", False):
            level, reason = logging.WARNING, " reason=database_unavailable"
        elif status >= 500:
            level, reason = logging.ERROR, ""
        elif seconds >= SLOW_REQUEST_SECONDS:
            level, reason = logging.WARNING, " reason=slow"
        elif request.path.startswith(settings.STATIC_URL):
            level, reason = logging.DEBUG, ""
        else:
            level, reason = logging.INFO, ""
        if not request_logger.isEnabledFor(level):
            return
        path = safe_for_log(request.path)
        duration_ms = round(seconds * 1000)
        request_logger.log(
            level,
            'method=%s path="%s" status=%s duration_ms=%s%s',
            safe_for_log(request.method, 10),
            path,
            status,
            duration_ms,
            reason,
            extra={
                "user_id": _user_id(request),
                "method": request.method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
            },
        )
