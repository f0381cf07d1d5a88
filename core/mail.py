"""Sending e-mail through GOV.UK Notify (issue 16: "GOV.UK Notify as an option").

Notify does not take a message's own subject and body: it sends one of the service's templates.
``django-gov-notify`` maps a Django ``EmailMessage`` to a plain template whose two placeholders,
``((subject))`` and ``((body))``, are filled from the message, so every message the app sends
(reminders, approvals, password resets) goes through unchanged. Its backend always talks to
Notify's public address; this one takes the address and the time limit from the settings, so a
council's outbound proxy, or the tests' own HTTP server, can stand in front of it.

Chosen by ``GOVUK_NOTIFY_API_KEY`` in production (``config/settings/production.py``); the checks
in ``core.checks`` refuse a key or template ID that Notify would refuse (docs/adr/0018).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django_gov_notify.backends import NotifyEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient

NOTIFY_PUBLIC_URL = "https://api.notifications.service.gov.uk"
# A Notify API key ends with the service's ID and the key's secret, each a UUID, joined by "-".
_KEY_TAIL = 36 + 1 + 36


class NotifyBackend(NotifyEmailBackend):
    """django-gov-notify's backend with the address and time limit from the settings."""

    client: NotificationsAPIClient | None

    def open(self) -> None:
        if self.client:
            return
        self.client = NotificationsAPIClient(
            self.api_key,
            base_url=getattr(settings, "GOVUK_NOTIFY_BASE_URL", "") or NOTIFY_PUBLIC_URL,
            timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 10,
        )


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a Notify API key, or None when it has the right shape."""
    if len(key) <= _KEY_TAIL or key[-_KEY_TAIL - 1] != "-":
        return "it must be the whole key Notify gave: its name, then the service ID and secret"
    service, secret = key[-_KEY_TAIL:-37], key[-36:]
    for part in (service, secret):
        try:
            uuid.UUID(part)
        except ValueError:
            return "its last two parts must be the service ID and the secret (each a UUID)"
    return None


def template_problem(template_id: str) -> str | None:
    """Why ``template_id`` cannot be a Notify template ID, or None."""
    if not template_id:
        return "it is not set"
    try:
        uuid.UUID(template_id)
    except ValueError:
        return f"{template_id!r} is not a UUID"
    return None
