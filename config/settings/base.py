"""Settings shared by every environment.

Values that differ between machines are read from the environment (or a `.env` file) through
django-environ. `local`, `test` and `production` import this module and adjust it.
"""

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    # The product's apps, lowest layer first (docs/adr/0007-layers.md).
    "core",
    "accounts",
    "plans",
    "priorities",
    "actions",
    "measures",
    "boards",
    "inspections",
    "transfer",
    "demo",
    "api",  # the API and its keys (ADR 0010)
    "publishing",  # public progress pages (ADR 0010)
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.council",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL is production (DATABASE_URL=postgres://...).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on SQLite fail with "database is locked" under the default deferred
    # transactions (see PITFALLS.md): take the write lock at BEGIN, wait for it, and use WAL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Time limits (issue 18; docs/security.md, "Time limits"). A request is answered within
# REQUEST_TIMEOUT seconds or gets the 503 page: every wait for PostgreSQL is bounded by that
# deadline on the client side (core/database.py), and gunicorn's --timeout
# (config/gunicorn.conf.py, LONG_REQUEST_TIMEOUT + 10) kills a sync worker that still overruns.
# The server cancels a statement after DATABASE_STATEMENT_TIMEOUT and ends a session left idle
# inside a transaction.
REQUEST_TIMEOUT = env.float("REQUEST_TIMEOUT", default=25)
# The few views marked long_request (an import's upload, preview and commit; a PDF board pack;
# issuing a pack) may take this long instead.
LONG_REQUEST_TIMEOUT = env.float("LONG_REQUEST_TIMEOUT", default=120)
DATABASE_CONNECT_TIMEOUT = env.float("DATABASE_CONNECT_TIMEOUT", default=5)
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=20)
DATABASE_WAIT_GRACE = 10  # outside requests: statement timeout + this, then give up
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", max(1, round(DATABASE_CONNECT_TIMEOUT)))
    _server_limits = (
        f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT * 1000)} "
        f"-c idle_in_transaction_session_timeout={round(max(60, REQUEST_TIMEOUT * 2) * 1000)}"
    )
    _options["options"] = f"{_options.get('options', '')} {_server_limits}".strip()
    # A peer that vanished without closing (a dead host) is noticed within about a minute.
    _options.setdefault("keepalives", 1)
    _options.setdefault("keepalives_idle", 30)
    _options.setdefault("keepalives_interval", 10)
    _options.setdefault("keepalives_count", 3)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds page parts built from the data until the data changes (core/freshness.py):
# each process's own memory by default; CACHE_URL (e.g. rediscache://..., dbcache://table) to
# share it between the processes and servers. A pack's entry is about 1 MB, hence the bound.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://improvement-plans")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50)
# How long a cached part may be kept at most: parts that show "now" (a pack before its meeting,
# the plan document) and parts fixed in time (a pack as at a past meeting day).
FRESH_LIVE_SECONDS = env.int("FRESH_LIVE_SECONDS", default=300)
FRESH_FIXED_SECONDS = env.int("FRESH_FIXED_SECONDS", default=3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Stored files (evidence, board pack files, jobs' files): the filesystem under MEDIA_ROOT by
# default; FILE_STORAGE=s3 keeps them in S3-compatible object storage (AWS S3, MinIO, Ceph...)
# through django-storages, so several app servers and workers share them (issue 16). Without
# keys, boto3 finds credentials itself (an instance role, AWS_* variables).
FILE_STORAGE = env("FILE_STORAGE", default="filesystem")
if FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "addressing_style": env("S3_ADDRESSING_STYLE", default=None),  # "path" for MinIO
            "location": env("S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,  # never a public URL: downloads go through our views
            "file_overwrite": False,  # a new name, never a stored file replaced
        },
    }
elif FILE_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"FILE_STORAGE must be 'filesystem' or 's3', not {FILE_STORAGE!r}.")

# Uploaded evidence (actions.evidence): kept by the default storage, never served from MEDIA_URL
# (the download view checks who may see it).
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=5)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The council whose plans these are: its name and brand colour appear in the header.
COUNCIL_NAME = env("COUNCIL_NAME", default="Improvement Plan Tracker")
COUNCIL_COLOUR = env("COUNCIL_COLOUR", default="#1d70b8")
SERVICE_NAME = env("SERVICE_NAME", default="Improvement Plan Tracker")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Reporting periods and reminders (see README, "Roles and the officers' monthly journey").
UPDATE_GRACE_DAYS = env.int("UPDATE_GRACE_DAYS", default=5)
UPDATE_DAYS_BEFORE_MEETING = env.int("UPDATE_DAYS_BEFORE_MEETING", default=7)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=3)

DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# The API (docs/adr/0010-api-and-publishing.md). Views set their own authentication, permissions,
# throttling and renderers (api.views); these are the framework-wide defaults only.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Improvement Plan Tracker API",
    "DESCRIPTION": "Plans, actions, RAG updates, measures, boards and inspections as flat "
    "tables, for "
    "Power BI, Excel and other systems; and measure values pushed in. See the README, "
    '"The API".',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The judgements' and the inspections' overall grade share one scale.
    "ENUM_NAME_OVERRIDES": {"GradeEnum": "inspections.models.Grade"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.tidy",
    ],
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Every line carries request_id and user_id (config/logging.py); one line per request from
# config.requests with method, path, status and duration_ms. LOG_FORMAT=json for collectors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_fields": {"()": "config.logging.RequestFieldsFilter"},
        "database_outage": {"()": "config.logging.DatabaseOutageFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s "
            "user_id=%(user_id)s %(message)s"
        },
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
            "filters": ["request_fields"],
        }
    },
    "loggers": {
        # Django's "Internal Server Error" for a database that cannot be reached: replaced by
        # config.middleware's one warning per request.
        "django.request": {"filters": ["database_outage"]},
        # WeasyPrint logs every step and page of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# =============================================================================================
# Security (issue 6; see docs/security.md). Kept at the end of this file: it adds to the lists
# above rather than reordering them.
# =============================================================================================
from datetime import timedelta  # noqa: E402

from csp.constants import NONE, SELF  # noqa: E402

INSTALLED_APPS += ["axes", "csp"]


def _insert_after(existing: str, *new: str) -> None:
    position = MIDDLEWARE.index(existing) + 1
    MIDDLEWARE[position:position] = list(new)


_insert_after(
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
)
_insert_after(
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.RequestInputMiddleware",
)
_insert_after(
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "config.middleware.PermissionDeniedAuditMiddleware",
    "config.middleware.AnonymousPostRateLimitMiddleware",
)
# A session that cannot be saved because of the database gives the 503 page, not a 400.
MIDDLEWARE[MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")] = (
    "config.middleware.SessionMiddleware"
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # django-axes: last
# Outermost: request id, the deadline of database waits, one log line per request.
MIDDLEWARE.insert(0, "config.middleware.RequestContextMiddleware")

# Headers. Django sends nosniff, Referrer-Policy, X-Frame-Options and COOP itself; HSTS is in
# production.py (it needs HTTPS). No inline script or style anywhere: GOV.UK Frontend starts
# from static/js/init.js, and SVG charts use presentation attributes only.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Browser features the service never uses, switched off (config.middleware).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Sign-in: django-axes locks a user name from one address out after 5 failures for 15 minutes
# (HTTP 429, the same page whether or not the account exists).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.auth.RoleAwareModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in plans.AuditEvent
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request, and
# SESSION_ABSOLUTE_TIMEOUT seconds after signing in whatever happens; pages warn
# SESSION_TIMEOUT_WARNING seconds before (templates/includes/session_timeout.html).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_TIMEOUT_WARNING = env.int("SESSION_TIMEOUT_WARNING", default=2 * 60)
SESSION_ACTIVITY_RESOLUTION = 60  # seconds between writes of the last-activity time
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # scripts read the token from the page, never the cookie
CSRF_FAILURE_VIEW = "config.auth_views.csrf_failure"

# Password reset links last one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Single sign-on with OpenID Connect (accounts app; docs/adr/0011-single-sign-on.md). Providers
# are set per organisation in the admin ("Organisation sign-ins"); client secrets come from
# environment variables named there (SSO_CLIENT_SECRET_...), never from the database.
SSO_HTTP_TIMEOUT = env.int("SSO_HTTP_TIMEOUT", default=10)  # seconds, calls to the provider
SSO_METADATA_CACHE_SECONDS = env.int("SSO_METADATA_CACHE_SECONDS", default=3600)
SSO_TENANT_CLAIM = "tid"  # Entra ID's tenant id
SSO_ROLES_CLAIM = "roles"  # Entra ID's app roles

# Rate limits (requests, seconds), counted in the database by core.ratelimit: POSTs from anyone
# not signed in, per client address; password reset requests per client address, and e-mails
# per address asked for (beyond that the page is the same but nothing is sent).
RATE_LIMIT_ANONYMOUS_POSTS = (env.int("RATE_LIMIT_ANONYMOUS_POSTS", default=30), 15 * 60)
RATE_LIMIT_RESET_PER_CLIENT = (env.int("RATE_LIMIT_RESET_PER_CLIENT", default=10), 60 * 60)
RATE_LIMIT_RESET_PER_ADDRESS = (env.int("RATE_LIMIT_RESET_PER_ADDRESS", default=3), 60 * 60)

# Sending e-mail (SMTP in production) gives up after this many seconds instead of holding the
# request (REQUEST_TIMEOUT) while a mail server does not answer.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# GOV.UK Notify instead of SMTP (production, when the key is set; core/mail.py, ADR 0018): the
# service's API key, and a plain e-mail template whose subject is ((subject)) and body ((body)).
GOVUK_NOTIFY_API_KEY = env("GOVUK_NOTIFY_API_KEY", default="")
GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = env("GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", default="")
GOVUK_NOTIFY_BASE_URL = env(
    "GOVUK_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk"
)

# =============================================================================================
# Background tasks and health checks (issue 16; docs/adr/0018-background-tasks.md). A separate
# block: other settings blocks add to the lists above independently.
# =============================================================================================
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
# The database backend in production: the worker command (`manage.py run_worker`) runs the
# queue. local.py and test.py run tasks in-process (the immediate backend) unless TASK_BACKEND
# says otherwise.
TASKS = {"default": {"BACKEND": env("TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# A board pack PDF with more actions than this is rendered as volumes (one or more plans each).
PDF_VOLUME_ACTIONS = env.int("PDF_VOLUME_ACTIONS", default=300)
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=4)  # first run and three retries
TASK_RETRY_BASE_SECONDS = env.int("TASK_RETRY_BASE_SECONDS", default=30)  # 30 s, 60 s, 120 s
# A worker records a heartbeat this often; /readyz fails when none is newer than the limit.
TASK_WORKER_HEARTBEAT_SECONDS = env.int("TASK_WORKER_HEARTBEAT_SECONDS", default=10)
TASK_WORKER_STALE_SECONDS = env.int("TASK_WORKER_STALE_SECONDS", default=60)
# /healthz and /readyz are answered first, before host checks, HTTPS redirects, sessions,
# sign-in and rate limits (a load balancer probes by address, over plain HTTP).
MIDDLEWARE.insert(0, "config.health.HealthCheckMiddleware")
