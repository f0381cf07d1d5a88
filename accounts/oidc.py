"""The OpenID Connect authorization code flow, on Authlib (docs/adr/0011-single-sign-on.md).

Authlib does the protocol: PKCE (S256), ``state`` kept in the session and used once, ``nonce``,
the ID token's signature against the provider's published keys (JWKS), ``exp``/``iat`` and
``at_hash``. This module sets what Authlib checks only when told: the issuer (each of the
organisation's tenants, for Entra ID's multi-tenant discovery documents) and the audience (our
client id). The tenant (``tid``) is checked in ``accounts.signin``.
"""

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError  # type: ignore[import-untyped]
from authlib.integrations.base_client import MismatchingStateError, OAuthError  # type: ignore[import-untyped]
from authlib.integrations.django_client import OAuth  # type: ignore[import-untyped]
from django.conf import settings
from joserfc.errors import JoseError

from accounts.models import OrganisationSignIn

logger = logging.getLogger("accounts.oidc")

SCOPE = "openid profile email"
ENTRA_TENANT_PLACEHOLDER = "{tenantid}"


@dataclass
class SignInRefused(Exception):
    """A sign-in that must not go ahead. ``reason`` goes into the audit log; ``message`` is shown
    to the user."""

    reason: str
    message: str
    status: int = 403
    claims: dict | None = None

    def __str__(self):
        return f"{self.reason}: {self.message}"


_clients: dict[tuple, tuple[float, object]] = {}
_clients_lock = threading.Lock()


def client_for(config: OrganisationSignIn):
    """An Authlib client for the organisation's provider. Kept for
    ``SSO_METADATA_CACHE_SECONDS`` so that the discovery document and the keys are not fetched
    on every sign-in (unknown key ids make Authlib fetch the keys again)."""
    secret = config.client_secret()
    if config.client_secret_variable and secret is None:
        logger.warning(
            "%s is not set: the provider of %s will refuse the sign-in",
            config.client_secret_variable,
            config.slug,
        )
    key = (config.pk, config.discovery_url, config.client_id, secret)
    now = time.monotonic()
    with _clients_lock:
        cached = _clients.get(key)
        if cached and now - cached[0] < settings.SSO_METADATA_CACHE_SECONDS:
            return cached[1]
        registry = OAuth()
        client = registry.register(
            name=f"sso-{config.pk}",
            client_id=config.client_id,
            client_secret=secret,
            server_metadata_url=config.discovery_url,
            client_kwargs={
                "scope": SCOPE,
                "code_challenge_method": "S256",
                "default_timeout": settings.SSO_HTTP_TIMEOUT,
            },
        )
        for old in [k for k in _clients if k[0] == config.pk]:
            del _clients[old]
        _clients[key] = (now, client)
        return client


def forget_clients() -> None:
    """Drop the cached clients (tests; a provider's configuration changed)."""
    with _clients_lock:
        _clients.clear()


def begin(request, config: OrganisationSignIn, redirect_uri: str):
    """The redirect to the provider's sign-in page (state, nonce and PKCE challenge included)."""
    client = client_for(config)
    try:
        return client.authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as exc:
        logger.warning("Identity provider of %s unavailable: %s", config.slug, exc)
        raise SignInRefused(
            "provider_unavailable",
            "Signing in with your organisation's account is not available at the moment. "
            "Try again later.",
            status=502,
        ) from exc


def expected_issuers(config: OrganisationSignIn, metadata: dict) -> list[str]:
    """The ``iss`` values accepted. Entra ID's "organizations" and "common" discovery documents
    give ``https://login.microsoftonline.com/{tenantid}/v2.0``: one issuer per allowed tenant."""
    issuer = metadata.get("issuer", "")
    if ENTRA_TENANT_PLACEHOLDER in issuer:
        return [issuer.replace(ENTRA_TENANT_PLACEHOLDER, t) for t in config.allowed_tenants()]
    return [issuer]


def claims_options(config: OrganisationSignIn, metadata: dict) -> dict:
    return {
        "iss": {"essential": True, "values": expected_issuers(config, metadata)},
        "aud": {"essential": True, "value": config.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
    }


def validate_id_token(config: OrganisationSignIn, token: dict, nonce: str) -> dict:
    """The ID token's claims once its signature, issuer, audience, expiry and nonce are
    checked. Raises ``SignInRefused``."""
    client = client_for(config)
    try:
        metadata = client.load_server_metadata()
        claims = client.parse_id_token(token, nonce, claims_options(config, metadata))
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError) as exc:
        raise _invalid_token(config, exc) from exc
    if not claims:
        raise _invalid_token(config, "no ID token")
    return dict(claims)


def finish(request, config: OrganisationSignIn) -> dict:
    """Exchange the code from the callback for tokens and return the checked ID token's
    claims. Raises ``SignInRefused``."""
    client = client_for(config)
    try:
        metadata = client.load_server_metadata()
        token = client.authorize_access_token(
            request, claims_options=claims_options(config, metadata)
        )
    except MismatchingStateError as exc:
        # No such state in this session: a replayed or forged callback, or an old tab.
        raise SignInRefused(
            "state_mismatch",
            "This sign-in link has already been used or has expired. Sign in again.",
            status=400,
        ) from exc
    except OAuthError as exc:
        logger.info("Provider refused sign-in for %s: %s", config.slug, exc)
        raise SignInRefused(
            "provider_refused",
            "Your organisation's sign-in service did not let you in. Sign in again, or ask "
            "your administrator.",
        ) from exc
    except requests.RequestException as exc:
        logger.warning("Identity provider of %s unavailable: %s", config.slug, exc)
        raise SignInRefused(
            "provider_unavailable",
            "Signing in with your organisation's account is not available at the moment. "
            "Try again later.",
            status=502,
        ) from exc
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError) as exc:
        raise _invalid_token(config, exc) from exc
    claims = token.get("userinfo")
    if not claims:  # no ID token in the response: never trust the access token alone
        raise _invalid_token(config, "no ID token")
    return dict(claims)


def _invalid_token(config, exc) -> SignInRefused:
    logger.warning("Invalid ID token from the provider of %s: %s", config.slug, exc)
    return SignInRefused(
        "invalid_token",
        "The sign-in could not be checked. Sign in again; if this keeps happening, tell your "
        "administrator.",
    )


def end_session_url(config: OrganisationSignIn, post_logout_redirect_uri: str) -> str | None:
    """The provider's sign-out address (RP-initiated logout), or None if it has none or cannot
    be reached."""
    try:
        metadata = client_for(config).load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("Identity provider of %s unavailable: %s", config.slug, exc)
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode(
        {"client_id": config.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
