"""What a checked ID token means here: the tenant, the roles, and which user it is.

- **Tenant**: the ``tid`` claim must be one of the organisation's tenants (``tenant_ids``).
- **Roles**: the ``roles`` claim (Entra ID app roles) gives the user's role groups, replacing
  the ones they had, at every sign-in. None recognised: no sign-in ("ask your administrator").
- **Membership**: the user becomes a member of the organisation they signed in through, with the
  widest of their roles (``accounts.Membership``, ADR 0012); no recognised role removes it.
- **User**: found by the identity (issuer + object id) linked before; on a first sign-in, by
  e-mail through the organisation's Person records, then through user accounts; otherwise a new
  user without a password. Never a second user for the same identity.
"""

import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ExternalIdentity, Membership, OrganisationSignIn
from accounts.oidc import SignInRefused
from core.models import Person
from core.roles import Role

ASK_ADMINISTRATOR = (
    "Ask your administrator to give you a role for this service in Microsoft Entra ID "
    "(Viewer, Officer, Board member or Administrator), then sign in again."
)


def _key(value: str) -> str:
    """Role names compared without case, spaces, dots, hyphens or underscores: Entra ID app role
    values cannot hold spaces, so "BoardMember" and "Board.Member" mean "Board member"."""
    return re.sub(r"[\s._-]+", "", str(value)).casefold()


ROLE_NAMES: dict[str, Role] = {}
for _role in Role:
    for _name in (_role.label, _role.value):  # "Board member" and the group "Board members"
        ROLE_NAMES[_key(_name)] = _role


def roles_from_claims(claims: dict) -> set[Role]:
    values = claims.get(settings.SSO_ROLES_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    return {ROLE_NAMES[_key(v)] for v in values if isinstance(v, str) and _key(v) in ROLE_NAMES}


def check_tenant(config: OrganisationSignIn, claims: dict) -> str:
    tenant = claims.get(settings.SSO_TENANT_CLAIM)
    if not tenant or tenant not in config.allowed_tenants():
        raise SignInRefused(
            "foreign_tenant",
            f"This account does not belong to {config.organisation}. Sign in with your "
            f"{config.organisation} account.",
            claims=claims,
        )
    return tenant


def email_from_claims(claims: dict) -> str:
    """Entra ID gives ``email`` only as an optional claim; ``preferred_username`` is usually
    the user principal name, which is an address."""
    for name in ("email", "preferred_username", "upn"):
        value = str(claims.get(name) or "").strip()
        if "@" in value:
            return value
    return ""


def subject_from_claims(claims: dict) -> str:
    """Entra ID's object id (``oid``): the same for one person across the tenant's apps and
    never reused. ``sub`` for other providers."""
    return str(claims.get("oid") or claims["sub"])


def _ambiguous(claims) -> SignInRefused:
    return SignInRefused(
        "ambiguous_email",
        "More than one account here has your e-mail address, so you cannot be signed in "
        "automatically. Ask your administrator to link your account.",
        claims=claims,
    )


def _existing_user_by_email(config: OrganisationSignIn, email: str, claims: dict):
    """The user an e-mail address belongs to here, through the organisation's people first."""
    User = get_user_model()
    people = list(
        Person.objects.filter(
            email__iexact=email, organisation=config.organisation, is_role=False
        ).select_related("user")
    )
    if len(people) > 1:
        raise _ambiguous(claims)
    users = list(User.objects.filter(email__iexact=email))
    user: AbstractBaseUser | None
    if people and people[0].user is not None:
        user = people[0].user
    elif len(users) > 1:
        raise _ambiguous(claims)
    else:
        user = users[0] if users else None
    if user is not None and (
        user.is_superuser or ExternalIdentity.objects.filter(user=user).exists()
    ):
        # A break-glass superuser, or a user already linked to another identity, is never
        # taken over by an e-mail address: an administrator links them by hand.
        raise _ambiguous(claims)
    return user, (people[0] if people else None)


def _new_username(claims: dict, email: str) -> str:
    User = get_user_model()
    base = (email or claims.get("preferred_username") or "user").split("@")[0]
    base = re.sub(r"[^\w.@+-]", "", base)[:140] or "user"
    name = base
    while User.objects.filter(username__iexact=name).exists():
        name = f"{base}-{secrets.token_hex(2)}"
    return name


def _names(claims: dict) -> tuple[str, str]:
    first, last = claims.get("given_name") or "", claims.get("family_name") or ""
    if not (first or last) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
    return str(first)[:150], str(last)[:150]


def find_user(config: OrganisationSignIn, claims: dict, create: bool):
    """The user for these claims, linking (and creating, if ``create``) as needed. None when
    there is none and ``create`` is false."""
    issuer, subject = claims["iss"], subject_from_claims(claims)
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        return identity.user
    email = email_from_claims(claims)
    user, person = _existing_user_by_email(config, email, claims) if email else (None, None)
    if user is None:
        if not create:
            return None
        User = get_user_model()
        first, last = _names(claims)
        user = User(
            username=_new_username(claims, email), email=email, first_name=first, last_name=last
        )
        user.set_unusable_password()
        user.save()
    if (
        person is not None
        and person.user_id is None
        and not Person.objects.filter(user=user).exists()
    ):
        person.user = user
        person.save(update_fields=["user"])
    try:
        with transaction.atomic():  # a savepoint: two first sign-ins at once make one link
            ExternalIdentity.objects.create(
                user=user,
                organisation=config.organisation,
                issuer=issuer,
                subject=subject,
                tenant_id=str(claims.get(settings.SSO_TENANT_CLAIM) or ""),
                email=email,
            )
    except IntegrityError:
        raise SignInRefused(
            "concurrent_sign_in", "You are already signing in in another window. Sign in again."
        ) from None
    return user


def apply_roles(user, roles: set[Role]) -> None:
    """Replace the user's role groups with ``roles``; other groups are left alone. Staff status
    (the admin) follows the Administrator role; superuser status is never changed here."""
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    for role in Role:
        if role.value not in groups:
            groups[role.value] = Group.objects.create(name=role.value)
    user.groups.remove(*[groups[r.value] for r in Role if r not in roles])
    user.groups.add(*[groups[r.value] for r in roles])
    if not user.is_superuser and user.is_staff != (Role.ADMINISTRATOR in roles):
        user.is_staff = Role.ADMINISTRATOR in roles
        user.save(update_fields=["is_staff"])


# The role a membership records when the provider gives several: the widest first.
ROLE_PRECEDENCE = (Role.ADMINISTRATOR, Role.OFFICER, Role.VIEWER, Role.BOARD_MEMBER)


def apply_membership(user, organisation, roles: set[Role]) -> None:
    """Make the user a member of the organisation they signed in through, with the widest of
    their roles there; with no role, take the membership away (ADR 0012)."""
    if not roles:
        Membership.objects.filter(user=user, organisation=organisation).delete()
        return
    role = next(r for r in ROLE_PRECEDENCE if r in roles)
    Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role.value}
    )


@transaction.atomic
def _link_and_apply_roles(config: OrganisationSignIn, claims: dict, roles: set[Role]):
    user = find_user(config, claims, create=bool(roles))
    if user is not None:
        apply_roles(user, roles)
        apply_membership(user, config.organisation, roles)
        raw = claims.get(settings.SSO_ROLES_CLAIM) or []
        ExternalIdentity.objects.filter(
            issuer=claims["iss"], subject=subject_from_claims(claims)
        ).update(
            email=email_from_claims(claims),
            roles=sorted(str(v) for v in ([raw] if isinstance(raw, str) else raw)),
            last_signed_in_at=timezone.now(),
        )
    return user


def resolve(config: OrganisationSignIn, claims: dict):
    """The user to sign in for checked claims, with their roles from the claims applied.
    Raises ``SignInRefused`` for a foreign tenant, an inactive account or no recognised role
    (whose roles here are removed first, so that nothing is left of a role taken away)."""
    check_tenant(config, claims)
    roles = roles_from_claims(claims)
    user = _link_and_apply_roles(config, claims, roles)
    if not roles:
        raise SignInRefused("no_role", ASK_ADMINISTRATOR, claims=claims)
    if not user.is_active:
        raise SignInRefused(
            "inactive",
            "Your account here has been switched off. Ask your administrator.",
            claims=claims,
        )
    return user
