"""Who may use the user name and password form, and which sign-in buttons the page offers.

An organisation can switch local passwords off (``OrganisationSignIn.local_passwords_allowed``):
then its people (users whose Person belongs to it, who are its members, or who signed in through
its provider) must use single sign-on. Superusers always keep the form: the break-glass account
for when the identity provider is down or misconfigured.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import Q

from accounts.models import OrganisationSignIn
from core import audit
from core.models import AuditEvent

logger = logging.getLogger(__name__)


def sign_in_options() -> list[OrganisationSignIn]:
    """The single sign-on buttons for the sign-in page. The page must still open while the
    database is down (the break-glass form needs no query to show), so then it offers none."""
    try:
        return list(OrganisationSignIn.objects.filter(enabled=True).select_related("organisation"))
    except DatabaseError:
        logger.warning("Sign-in page without single sign-on buttons: the database is unavailable")
        return []


def sso_only(user) -> OrganisationSignIn | None:
    """The sign-in of an organisation of ``user`` that has switched local passwords off, if any."""
    if user.is_superuser:
        return None
    belongs = (
        Q(organisation__people__user=user)
        | Q(organisation__memberships__user=user)
        | Q(organisation__external_identities__user=user)
    )
    return (
        OrganisationSignIn.objects.filter(belongs, local_passwords_allowed=False)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )


def check_local_password_allowed(request, user) -> None:
    """Raise ``ValidationError`` (and log the refusal) when ``user`` must use single sign-on.
    Called by the sign-in form after the password was found correct."""
    config = sso_only(user)
    if config is None:
        return
    audit.record(
        AuditEvent.Kind.SIGN_IN_FAILED,
        request=request,
        user=None,
        username=user.get_username(),
        summary="Sign-in refused: local passwords are switched off for the organisation",
        reason="local_passwords_off",
        provider=config.slug,
    )
    raise ValidationError(
        f"{config.organisation} staff sign in with their organisation's account, not a "
        f"password. Use \u201c{config.label}\u201d.",
        code="local_passwords_off",
    )
