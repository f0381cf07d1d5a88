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
