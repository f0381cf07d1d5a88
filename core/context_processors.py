from typing import Any

from django.conf import settings
from django.http import HttpRequest


def council(request: HttpRequest) -> dict[str, Any]:
    """The council's name and service name for every page, and the navigation for the user."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "nav_items": navigation(request),
        "user_is_administrator": _is_administrator(request),
    }


def _is_administrator(request: HttpRequest) -> bool:
    from core.permissions import is_administrator

    user = getattr(request, "user", None)
    return bool(user is not None and is_administrator(user))


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The service navigation: what this user may use, with the current section marked."""
    from django.urls import reverse

    from core.permissions import holds_a_role, is_administrator, is_officer

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    if is_officer(user):
        items.append(("My actions", reverse("actions:mine")))
    items += [
        ("Portfolio", reverse("plans:portfolio")),
        ("Plans", reverse("plans:list")),
        ("Explore actions", reverse("explorer:actions")),
        ("Measures", reverse("measures:list")),
        ("Boards", reverse("plans:boards")),
    ]
    if holds_a_role(user):  # inspections.permissions' rule
        items.append(("Inspections", reverse("inspections:list")))
    if is_administrator(user):
        items.append(("Imports", reverse("imports:index")))
    items.append(("Downloads and jobs", reverse("jobs")))
    path = request.path
    best = max((url for _, url in items if path.startswith(url)), key=len, default=None)
    return [{"label": label, "url": url, "active": url == best} for label, url in items]
