"""Single sign-on: each organisation's identity provider, and the identities linked to accounts.

See docs/adr/0011-single-sign-on.md and the README ("Single sign-on with Microsoft Entra ID").
"""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from core.models import Organisation
from core.roles import Role

SECRET_VARIABLE_PREFIX = "SSO_CLIENT_SECRET_"  # noqa: S105 # nosec B105 - a name, not a secret


def _split(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


class OrganisationSignIn(models.Model):
    """How the people of one organisation sign in: their OpenID Connect provider (Microsoft Entra
    ID first), the tenants accepted, and whether local passwords still work for them.

    The client secret is never stored in the database: ``client_secret_variable`` names the
    environment variable that holds it."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sign_in"
    )
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Short key used in the sign-in addresses, e.g. stockton "
        "(redirect URI: https://<host>/sign-in/sso/stockton/callback/).",
    )
    label = models.CharField(
        "button text",
        max_length=100,
        default="Sign in with Microsoft",
        help_text="Shown on the sign-in page, e.g. Sign in with Microsoft (Stockton staff).",
    )
    enabled = models.BooleanField(
        "single sign-on offered", default=True, help_text="Show the button and accept sign-ins."
    )
    discovery_url = models.URLField(
        "OpenID Connect discovery address",
        max_length=500,
        help_text="For Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0/"
        ".well-known/openid-configuration",
    )
    client_id = models.CharField(
        "client id", max_length=200, help_text="Entra ID: the Application (client) ID."
    )
    client_secret_variable = models.CharField(
        "environment variable holding the client secret",
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                rf"^{SECRET_VARIABLE_PREFIX}[A-Z0-9_]+$",
                f"Use a name starting {SECRET_VARIABLE_PREFIX}, in capitals, digits and _.",
            )
        ],
        help_text=f"For example {SECRET_VARIABLE_PREFIX}STOCKTON. The secret itself is never "
        "stored here. Leave blank for a provider that needs none.",
    )
    tenant_ids = models.TextField(
        "tenants allowed",
        help_text="Entra ID tenant ids (the tid claim) whose accounts may sign in, one per line. "
        "Accounts of any other tenant are refused.",
    )
    local_passwords_allowed = models.BooleanField(
        default=True,
        help_text="Untick to refuse the user name and password form to this organisation's "
        "people (superusers can still use it, as a break-glass account).",
    )

    class Meta:
        verbose_name = "organisation sign-in"
        ordering = ["organisation__name"]

    def __str__(self):
        return f"{self.organisation}: {self.label}"

    def clean(self):
        if not self.allowed_tenants():
            raise ValidationError({"tenant_ids": "Give at least one tenant id."})

    def allowed_tenants(self) -> list[str]:
        return _split(self.tenant_ids)

    def client_secret(self) -> str | None:
        """The secret, from the environment (never from the database)."""
        if not self.client_secret_variable:
            return None
        return os.environ.get(self.client_secret_variable) or None


class ExternalIdentity(models.Model):
    """An account at an identity provider linked to a user here, so that the same person signing
    in again finds the same user (and never becomes a second one). ``subject`` is Entra ID's
    object id (``oid``), or the ``sub`` claim for other providers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=200)
    tenant_id = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True, help_text="As the provider last gave it.")
    roles = models.JSONField(
        default=list, blank=True, help_text="The roles claim as the provider last gave it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "external identity"
        verbose_name_plural = "external identities"
        ordering = ["-last_signed_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="accounts_one_user_per_external_identity"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.email or self.subject})"


class Membership(models.Model):
    """A user's place in one organisation, with their role there: the organisations whose plans,
    boards and records the user may read (``plans.permissions``) and, for administrators, keep
    in the admin. A user may belong to several organisations.

    What a user may *do* still comes from their role groups (``core.roles``; given by hand or by
    single sign-on). The membership says *where*: an administrator, officer or viewer reads every
    plan of the organisations they are a member of in one of those roles. A board-member
    membership opens none of its organisation's plans: only the boards the person sits on (a
    partner agency's member of a council's board). A user also counts as a member of their
    Person's organisation (``Person.organisation``), so that accounts made before memberships,
    and the demo's, keep working."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_one_membership_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"
