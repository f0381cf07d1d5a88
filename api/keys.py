"""Making, finding and revoking API keys.

A key reads ``ipt_<8 hex>_<43 characters>``: the first part (the *prefix*) is kept in clear to
recognise a key in the admin and the logs; the whole key carries 256 random bits and is stored
only as its SHA-256. A fast hash is enough (and a slow one would be wrong) because the secret is
random, not chosen by a person: nobody can guess it from a dictionary, and every request looks the
key up, so a deliberately slow hash would only slow every request down (ADR 0010)."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiKey

KEY_START = "ipt_"
SECRET_BYTES = 32  # 256 bits
DEFAULT_LIFETIME = timedelta(days=365)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def prefix_of(raw: str) -> str:
    """The recognisable start of a key as presented ("ipt_1a2b3c4d"), never more."""
    head = raw[: len(KEY_START) + 8]
    return head if head.startswith(KEY_START) else ""


def new_secret() -> tuple[str, str]:
    """A new (prefix, whole key)."""
    prefix = f"{KEY_START}{secrets.token_hex(4)}"
    return prefix, f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def _actor(prefix: str, name: str):
    """The inactive account that stands for a key in change histories ("API key: <name>")."""
    User = get_user_model()
    user = User(
        username=f"api-key-{prefix.removeprefix(KEY_START)}",
        first_name="API key:",
        last_name=name[:150],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    return user


def prepare(key: ApiKey, *, created_by) -> str:
    """Give an unsaved key its secret, actor and creator; return the whole key (shown once)."""
    prefix, raw = new_secret()
    key.prefix = prefix
    key.hashed = hash_key(raw)
    key.created_by = created_by
    if key.expires_at is None:
        key.expires_at = timezone.now() + DEFAULT_LIFETIME
    key.actor = _actor(prefix, key.name)
    return raw


@transaction.atomic
def api_key_create(
    *,
    name: str,
    created_by,
    access: str = ApiKey.Access.READ,
    organisations=(),
    plans=(),
    expires_at=None,
    requests_per_minute: int = 120,
) -> tuple[ApiKey, str]:
    """Make a key; return it with the whole key, which is never stored or shown again."""
    for _ in range(5):  # a prefix collision (1 in 4 billion) just draws again
        key = ApiKey(
            name=name,
            access=access,
            expires_at=expires_at,
            requests_per_minute=requests_per_minute,
        )
        try:
            with transaction.atomic():
                raw = prepare(key, created_by=created_by)
                key._history_user = created_by
                key._change_reason = "Created"
                key.save()
        except IntegrityError:
            continue
        key.organisations.set(organisations)
        key.plans.set(plans)
        return key, raw
    raise RuntimeError("Could not draw an unused key prefix.")


def api_key_revoke(*, key: ApiKey, revoked_by) -> ApiKey:
    """Stop a key at once (the next request with it is refused). Revoking twice changes nothing."""
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.revoked_by = revoked_by
    key._history_user = revoked_by
    key._change_reason = "Revoked"
    key.save(update_fields=["revoked_at", "revoked_by"])
    return key


def find(raw: str) -> ApiKey | None:
    """The key with this secret, usable or not (the caller says why it is refused)."""
    if not raw or not raw.startswith(KEY_START) or len(raw) > 200:
        return None
    return ApiKey.objects.filter(hashed=hash_key(raw)).first()
