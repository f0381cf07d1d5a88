"""Sign-in, password reset, the session keep-alive and the CSRF failure page.

Django's own views with GOV.UK templates (``templates/registration/``) and messages that never
say whether an account or an e-mail address exists.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import redirect_to_login
from django.core.validators import MaxLengthValidator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.policy import check_local_password_allowed, sign_in_options
from config.middleware import duration, seconds_remaining, too_many_requests, touch_session
from core import ratelimit
from core.audit import client_ip
from core.tasks import queue_email

logger = logging.getLogger("config.security")


class SignInForm(AuthenticationForm):
    """The same message for an unknown user name and a wrong password (Django's ModelBackend
    also hashes the password for an unknown user, so both take the same time)."""

    error_messages = {
        "invalid_login": (
            "Enter a correct user name and password. Both are case-sensitive. "
            "After 5 attempts you will have to wait 15 minutes."
        ),
        "inactive": (
            "Enter a correct user name and password. Both are case-sensitive. "
            "After 5 attempts you will have to wait 15 minutes."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "User name"
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].error_messages["required"] = "Enter your user name"
        # Django sets max_length after building the field, so nothing enforced it: a 3,000
        # character name reached django-axes, whose record of the attempt holds 255 (a 500 on
        # PostgreSQL, found by the fuzzing crawl).
        limit = getattr(self.fields["username"], "max_length", None) or 150
        self.fields["username"].validators.append(
            MaxLengthValidator(limit, f"Enter a user name of {limit} characters or fewer")
        )
        self.fields["password"].error_messages["required"] = "Enter your password"

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        check_local_password_allowed(self.request, user)  # organisations using only SSO


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["idle_text"] = duration(settings.SESSION_IDLE_TIMEOUT)
        context["sso_options"] = sign_in_options()
        return context


class GovukPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the queue like every other e-mail (issue 16): the request does not wait for
        the mail server, and a failed send is retried. Plain text only, as the templates are."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_email(subject, body, [to_email], from_email)


class PasswordResetView(auth_views.PasswordResetView):
    """Always goes on to the "check your email" page, whether or not the address is known, and
    whether or not the address has had its share of e-mails (``RATE_LIMIT_RESET_PER_ADDRESS``:
    beyond it nothing is sent). Requests from one client beyond ``RATE_LIMIT_RESET_PER_CLIENT``
    get the 429 page, the same for any address."""

    form_class = GovukPasswordResetForm

    def get_extra_email_context(self):
        return {"service_name": settings.SERVICE_NAME, "council_name": settings.COUNCIL_NAME}

    def post(self, request, *args, **kwargs):
        limit, window = settings.RATE_LIMIT_RESET_PER_CLIENT
        if not ratelimit.hit(
            "password-reset-client", client_ip(request), limit=limit, window=window
        ):
            logger.warning("Password reset requests from one client over their limit")
            return too_many_requests(ratelimit.retry_after(window))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        limit, window = settings.RATE_LIMIT_RESET_PER_ADDRESS
        address = form.cleaned_data["email"].strip().lower()
        if not ratelimit.hit("password-reset-address", address, limit=limit, window=window):
            logger.warning("Password reset e-mails to one address over their limit: none sent")
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["new_password1"].label = "New password"
        form.fields["new_password2"].label = "Confirm new password"
        form.fields["new_password1"].error_messages["required"] = "Enter a new password"
        form.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        return form


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def session_keepalive(request):
    """The "Stay signed in" button: records activity so the idle timeout starts again.
    Scripts get JSON; the form without JavaScript goes back to the page it came from."""
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"signed_in": False}, status=401)
        return redirect_to_login(request.POST.get("next") or settings.LOGIN_REDIRECT_URL)
    touch_session(request)
    if _wants_json(request):
        return JsonResponse({"signed_in": True, "expires_in": seconds_remaining(request.session)})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url(settings.LOGIN_REDIRECT_URL)
    # Never redirect(): it would take a value without "/" ("0") for a URL name and fail.
    return HttpResponseRedirect(target)


def csrf_failure(request, reason=""):
    """A GOV.UK page for a refused form (its security token missing or expired)."""
    return render(request, "registration/csrf_failure.html", status=403)
