"""Production: PostgreSQL, hashed static files, HTTPS only.

Refuses to start without SECRET_KEY and ALLOWED_HOSTS (django-environ raises
ImproperlyConfigured when a variable without a default is missing).
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SECRET_KEY and ALLOWED_HOSTS must be set in production.")

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = EMAIL_CONFIG.get("EMAIL_TIMEOUT") or EMAIL_TIMEOUT  # never without a limit
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="improvement-plans@localhost")

# Security (docs/security.md). The __Host- prefix makes browsers accept these cookies only over
# HTTPS, from this exact host, for the whole site: a subdomain cannot plant or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Outgoing e-mail goes through the task queue (core.tasks.send_email, issue 16). The transport is
# EMAIL_URL: SMTP by default, e.g. smtp+tls://user:password@smtp.office365.com:587 for
# Microsoft 365; GOV.UK Notify when GOVUK_NOTIFY_API_KEY is set (core/mail.py, checked by
# core.checks); EMAIL_BACKEND may name any other Django e-mail backend (docs/adr/0018).
if GOVUK_NOTIFY_API_KEY:  # noqa: F405
    EMAIL_BACKEND = "core.mail.NotifyBackend"
if env("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env("EMAIL_BACKEND")
