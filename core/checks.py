"""System checks on settings that would break the service at run time (``manage.py check``)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def positive_time_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name in (
        "SESSION_IDLE_TIMEOUT",
        "SESSION_ABSOLUTE_TIMEOUT",
        "REQUEST_TIMEOUT",
        "DATABASE_CONNECT_TIMEOUT",
    ):
        value = getattr(settings, name, None)
        if value is not None and value <= 0:
            errors.append(
                Error(
                    f"{name} is {value}; it must be a number of seconds greater than 0.",
                    id="core.E001",
                )
            )
    return errors


@register()
def notify_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """GOV.UK Notify needs the whole API key and the ID of a plain template (core/mail.py)."""
    if getattr(settings, "EMAIL_BACKEND", "") != "core.mail.NotifyBackend":
        return []
    from core.mail import key_problem, template_problem

    errors: list[CheckMessage] = []
    problem = key_problem(getattr(settings, "GOVUK_NOTIFY_API_KEY", "") or "")
    if problem:
        errors.append(
            Error(f"GOVUK_NOTIFY_API_KEY cannot be a Notify API key: {problem}.", id="core.E002")
        )
    problem = template_problem(getattr(settings, "GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", ""))
    if problem:
        errors.append(
            Error(
                f"GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID: {problem}. It names a Notify e-mail "
                "template whose subject is ((subject)) and whose body is ((body)).",
                id="core.E003",
            )
        )
    return errors
