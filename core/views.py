"""Pages that belong to no plan: the start page, the council's theme colour, the accessibility
statement."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.permissions import is_administrator, is_officer


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    """Officers start at "My actions" (when that page exists); board members, administrators
    and viewers at the portfolio."""
    if is_officer(request.user) and not is_administrator(request.user):
        try:
            return redirect(reverse("actions:mine"))
        except NoReverseMatch:
            pass
    return redirect("plans:portfolio")


@require_GET
@cache_control(max_age=300)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The council's brand colour, from settings, as a stylesheet (no inline styles: CSP)."""
    colour = settings.COUNCIL_COLOUR
    if not (
        colour.startswith("#")
        and len(colour) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        colour = "#1d70b8"
    return HttpResponse(f":root {{ --app-brand-colour: {colour}; }}\n", content_type="text/css")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")
