"""API keys: stored hashed, shown once, scoped, expiring, revocable at once, accepted in a header
or (read-only, GET only) in the address, rate-limited, and every use logged."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from api import keys
from api.models import ApiKey, ApiKeyUse
from tests import factories
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"


@pytest.fixture
def council():
    return api_f.council("Alpha", plans=1, actions=2, measures=1)


@pytest.fixture
def key(council):
    return api_f.api_key(organisations=[council.organisation])


def test_only_the_sha256_of_the_key_is_stored(key):
    obj, raw = key
    assert raw.startswith(obj.prefix + "_")
    assert obj.hashed == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiKey.objects.filter(pk=obj.pk).values()[0]
    assert raw not in str(stored)
    assert len(raw) > 40  # 256 random bits


def test_each_key_has_an_inactive_account_that_stands_for_it_in_histories(key):
    obj, _ = key
    assert obj.actor.is_active is False
    assert not obj.actor.has_usable_password()
    assert obj.actor.get_full_name() == "API key: Test key"


def test_key_in_the_authorization_header(client, key):
    assert client.get(PLANS, **api_f.bearer(key[1])).status_code == 200


def test_key_in_the_x_api_key_header(client, key):
    assert client.get(PLANS, HTTP_X_API_KEY=key[1]).status_code == 200


def test_read_key_in_the_address_for_power_bi(client, key):
    response = client.get(f"/api/v1/status-updates/?page_size=1&api_key={key[1]}")
    assert response.status_code == 200
    assert ApiKeyUse.objects.get().key_in_query is True
    # The next page keeps the key, so that a scheduled refresh can follow it.
    assert f"api_key={key[1]}" in response.json()["next"]


def test_the_logged_address_never_holds_the_key(client, key):
    client.get(f"{PLANS}?plan=1&api_key={key[1]}")
    use = ApiKeyUse.objects.get()
    assert key[1] not in use.path
    assert use.path == f"{PLANS}?plan=1"


def test_a_key_in_the_address_may_not_write(client, key):
    response = client.post(f"/api/v1/measure-values/?api_key={key[1]}", {}, "application/json")
    assert response.status_code == 401


def test_a_write_key_is_refused_in_the_address(client, council):
    _, raw = api_f.api_key(organisations=[council.organisation], access=ApiKey.Access.WRITE)
    assert client.get(f"{PLANS}?api_key={raw}").status_code == 401
    assert client.get(PLANS, **api_f.bearer(raw)).status_code == 200


@pytest.mark.parametrize(
    "credentials",
    ["ipt_00000000_not-a-key", "nonsense", "Bearer", ""],
)
def test_unknown_keys_get_401_with_a_challenge(client, key, credentials):
    response = client.get(PLANS, HTTP_AUTHORIZATION=f"Bearer {credentials}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_get_401_not_a_sign_in_redirect(client):
    response = client.get(PLANS)
    assert response.status_code == 401


def test_a_revoked_key_stops_at_once(client, key):
    obj, raw = key
    assert client.get(PLANS, **api_f.bearer(raw)).status_code == 200
    keys.api_key_revoke(key=obj, revoked_by=factories.admin_user())
    response = client.get(PLANS, **api_f.bearer(raw))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert ApiKeyUse.objects.filter(key=obj, status=401).count() == 1


def test_an_expired_key_is_refused(client, council):
    obj, raw = api_f.api_key(
        organisations=[council.organisation], expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(PLANS, **api_f.bearer(raw))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_every_use_is_logged_with_status_and_rows(client, key, council):
    obj, raw = key
    client.get(PLANS, **api_f.bearer(raw))
    client.get("/api/v1/plans/?plan=notanumber", **api_f.bearer(raw))
    client.get(PLANS, HTTP_AUTHORIZATION="Bearer ipt_deadbeef_wrong")
    uses = list(ApiKeyUse.objects.order_by("pk"))
    assert [(u.key_id, u.status, u.rows) for u in uses] == [
        (obj.pk, 200, 1),
        (obj.pk, 400, None),
        (None, 401, None),
    ]
    assert uses[2].presented_prefix == "ipt_deadbeef"
    assert uses[0].ip_address == "127.0.0.1"


def test_last_used_is_kept(client, key):
    obj, raw = key
    assert obj.last_used_at is None
    client.get(PLANS, **api_f.bearer(raw))
    obj.refresh_from_db()
    assert obj.last_used_at is not None


def test_session_reads_are_not_logged(client):
    client.force_login(factories.admin_user())
    assert client.get(PLANS).status_code == 200
    assert not ApiKeyUse.objects.exists()


def test_the_rate_limit_refuses_with_429_and_retry_after(client, council):
    obj, raw = api_f.api_key(organisations=[council.organisation], requests_per_minute=3)
    statuses = [client.get(PLANS, **api_f.bearer(raw)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(PLANS, **api_f.bearer(raw))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_rate_limit_is_per_key(client, council):
    _, first = api_f.api_key(organisations=[council.organisation], requests_per_minute=1)
    _, second = api_f.api_key(organisations=[council.organisation], requests_per_minute=1)
    assert client.get(PLANS, **api_f.bearer(first)).status_code == 200
    assert client.get(PLANS, **api_f.bearer(first)).status_code == 429
    assert client.get(PLANS, **api_f.bearer(second)).status_code == 200


def test_the_rate_limit_window_starts_again_each_minute(client, council):
    obj, raw = api_f.api_key(organisations=[council.organisation], requests_per_minute=1)
    ApiKeyUse.objects.create(
        key=obj, at=timezone.now() - timedelta(minutes=2), method="GET", path=PLANS, status=200
    )
    assert client.get(PLANS, **api_f.bearer(raw)).status_code == 200


# The admin ------------------------------------------------------------------------------------


def test_the_admin_shows_a_new_key_once_and_stores_only_its_hash(admin_client, council):
    response = admin_client.post(
        "/admin/api/apikey/add/",
        {
            "name": "Power BI scorecard",
            "access": "read",
            "organisations": [council.organisation.pk],
            "expires_at_0": "31/12/2030",
            "expires_at_1": "00:00:00",
            "requests_per_minute": "60",
        },
    )
    assert response.status_code == 200, response.content[:2000]
    key = ApiKey.objects.get(name="Power BI scorecard")
    raw = response.context["raw_key"]
    assert raw.startswith(key.prefix)
    assert keys.hash_key(raw) == key.hashed
    assert response["Cache-Control"] == "no-store"
    assert raw.encode() in response.content
    assert key.created_by.is_superuser
    # Never again: the key's own page does not show it.
    page = admin_client.get(f"/admin/api/apikey/{key.pk}/change/")
    assert raw.encode() not in page.content
    assert key.prefix.encode() in page.content


def test_the_admin_revokes_keys(admin_client, key):
    obj, raw = key
    response = admin_client.post(
        "/admin/api/apikey/", {"action": "revoke", "_selected_action": [obj.pk]}
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.revoked_at is not None
    assert obj.history.first().history_change_reason == "Revoked"


def test_keys_cannot_be_deleted(admin_client, key):
    response = admin_client.get(f"/admin/api/apikey/{key[0].pk}/delete/")
    assert response.status_code == 403


def test_administrators_who_are_not_superusers_manage_keys():
    from core.roles import Role

    user = factories.user(role=Role.ADMINISTRATOR, is_staff=True)
    user = get_user_model().objects.get(pk=user.pk)
    assert user.has_perm("api.add_apikey")
    assert user.has_perm("api.change_apikey")


def test_meetings_say_whether_they_are_illustrative(client, council, key):
    """Made-up demo meetings carry the same flag in the API as made-up updates."""
    made_up, real = council.boards[0].meetings.order_by("date")
    made_up.illustrative = True
    made_up.save()
    response = client.get("/api/v1/meetings/", **api_f.bearer(key[1]))
    assert response.status_code == 200
    flags = {row["id"]: row["illustrative"] for row in response.json()["results"]}
    assert flags == {made_up.pk: True, real.pk: False}
