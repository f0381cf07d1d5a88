"""Single sign-on views: start (to the provider), callback (back from it), sign-out.

Start and callback are plain GET links, so the sign-in page needs no JavaScript.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import LogoutView
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from accounts import oidc, signin
from accounts.models import OrganisationSignIn
from accounts.oidc import SignInRefused
from core import audit
from core.models import AuditEvent

SESSION_PROVIDER = "accounts:provider"  # the slug of the provider the user signed in with
SESSION_NEXT = "accounts:next"
BACKEND = "core.auth.RoleAwareModelBackend"

HEADINGS = {
    "no_role": "Ask your administrator for access",
    "foreign_tenant": "You cannot sign in with this account",
    "provider_unavailable": "Sign-in is not available at the moment",
}


def _config(slug: str) -> OrganisationSignIn:
    return get_object_or_404(
        OrganisationSignIn.objects.select_related("organisation"), slug=slug, enabled=True
    )


@require_GET
def start(request, slug):
    config = _config(slug)
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SESSION_NEXT] = next_url
    else:
        request.session.pop(SESSION_NEXT, None)
    redirect_uri = request.build_absolute_uri(reverse("accounts:callback", kwargs={"slug": slug}))
    try:
        return oidc.begin(request, config, redirect_uri)
    except SignInRefused as refusal:
        return refused(request, config, refusal)


@require_GET
def callback(request, slug):
    config = _config(slug)
    try:
        claims = oidc.finish(request, config)
        user = signin.resolve(config, claims)
    except SignInRefused as refusal:
        return refused(request, config, refusal)
    next_url = request.session.pop(SESSION_NEXT, "")
    request.sign_in_detail = {
        "summary": f"Signed in with {config.organisation}'s identity provider",
        "method": "sso",
        "provider": config.slug,
        "roles": sorted(r.label for r in signin.roles_from_claims(claims)),
    }
    login(request, user, backend=BACKEND)
    request.session[SESSION_PROVIDER] = config.slug
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def refused(request, config: OrganisationSignIn, refusal: SignInRefused):
    """The page for a refused sign-in, recorded in the audit log."""
    claims = refusal.claims or {}
    audit.record(
        AuditEvent.Kind.SIGN_IN_FAILED,
        request=request,
        user=None,
        username=signin.email_from_claims(claims) or str(claims.get("sub") or ""),
        summary=f"Single sign-on refused: {refusal.reason.replace('_', ' ')}",
        reason=refusal.reason,
        provider=config.slug,
        tenant=str(claims.get(settings.SSO_TENANT_CLAIM) or ""),
    )
    context = {
        "heading": HEADINGS.get(refusal.reason, "Sign-in did not work"),
        "message": refusal.message,
        "config": config,
        "reason": refusal.reason,
    }
    return render(request, "accounts/refused.html", context, status=refusal.status)


class SignOutView(LogoutView):
    """Django's sign-out; someone who signed in through a provider is then offered the
    provider's own sign-out (their Microsoft session is not this service's to end)."""

    def post(self, request, *args, **kwargs):
        slug = request.session.get(SESSION_PROVIDER)
        response = super().post(request, *args, **kwargs)
        if slug:
            return redirect(f"{reverse('accounts:signed_out')}?{urlencode({'provider': slug})}")
        return response


@require_GET
def signed_out(request):
    slug = request.GET.get("provider", "")
    config = (
        OrganisationSignIn.objects.filter(slug=slug, enabled=True)
        .select_related("organisation")
        .first()
        if slug
        else None
    )
    provider_sign_out = None
    if config is not None:
        provider_sign_out = oidc.end_session_url(
            config, request.build_absolute_uri(reverse("login"))
        )
    return render(
        request,
        "accounts/signed_out.html",
        {"config": config, "provider_sign_out": provider_sign_out},
    )
